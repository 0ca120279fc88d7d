// Reads Tessera's resource files: App Mesh create inputs (as `aws appmesh create-* --cli-input-json` takes
// them) with an optional `kind`, as a list, under `resources:`, one per YAML document, or as Describe output.

import { checkMembers, SPEC_SHAPE, TAGS_SHAPE } from './api-shapes.js';
import type { FileProblem } from './errors.js';
import {
  KINDS,
  type Kind,
  kindFromName,
  NAME_FIELD,
  PARENT_NAME_FIELD,
  PLURAL_MEMBER,
  TYPE_NAME,
} from './kinds.js';
import { pathSegments, type ResourceInput } from './resource-input.js';
import type { SourceDocument } from './yaml-source.js';

/** Output-only members of Describe's data (`metadata`, `status`) and `clientToken`: accepted and dropped. */
const DROPPED_MEMBERS = ['metadata', 'status', 'clientToken'];

type Path = readonly (string | number)[];

/** The resources of one document; problems are added to `problems`. */
export function readNativeDocument(
  doc: SourceDocument,
  fileName: string,
  problems: FileProblem[],
): ResourceInput[] {
  const report = (path: Path, message: string) => {
    const location = doc.locate(path);
    problems.push({
      ...(location !== undefined ? { location } : { location: fileName }),
      path: pathText(path),
      message,
    });
  };
  const out: ResourceInput[] = [];
  const entry = (value: unknown, path: Path, kind?: Kind) => {
    const resource = readEntry(value, path, kind, report);
    if (resource === undefined) return;
    const at = doc.locate(path);
    out.push({
      ...resource,
      source: `${at ?? fileName}: ${pathText(path) || 'resource'}`,
      locate: (apiPath) => doc.locate([...path, ...pathSegments(apiPath)]),
    });
  };

  const { value } = doc;
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      entry(item, [i]);
    });
  } else if (isRecord(value) && Array.isArray(value.resources)) {
    value.resources.forEach((item, i) => {
      entry(item, ['resources', i]);
    });
  } else if (
    isRecord(value) &&
    Object.keys(value).length === 1 &&
    wrappedKind(Object.keys(value)[0]!) !== undefined
  ) {
    // `get -o json` output: { virtualNode: VirtualNodeData } or { virtualNodes: [VirtualNodeData, …] }.
    const member = Object.keys(value)[0]!;
    const { kind, many } = wrappedKind(member)!;
    if (many && Array.isArray(value[member]))
      (value[member] as unknown[]).forEach((item, i) => {
        entry(item, [member, i], kind);
      });
    else if (!many) entry(value[member], [member], kind);
    else report([member], 'must be a list');
  } else if (isRecord(value)) {
    entry(value, []);
  } else {
    report(
      [],
      'must be a list of App Mesh resources, a mapping with `resources:`, or a CloudFormation template',
    );
  }
  return out;
}

function wrappedKind(member: string): { kind: Kind; many: boolean } | undefined {
  for (const kind of KINDS) {
    if (member === kind) return { kind, many: false };
    if (member === PLURAL_MEMBER[kind]) return { kind, many: true };
  }
  return undefined;
}

function readEntry(
  value: unknown,
  path: Path,
  wrapped: Kind | undefined,
  report: (path: Path, message: string) => void,
): ResourceInput | undefined {
  if (!isRecord(value)) {
    report(path, 'must be a mapping of an App Mesh resource (kind, meshName, …Name, spec)');
    return undefined;
  }
  let kind = wrapped;
  if (value.kind !== undefined) {
    kind = typeof value.kind === 'string' ? kindFromName(value.kind) : undefined;
    if (kind === undefined) {
      report(
        [...path, 'kind'],
        `unknown kind ${JSON.stringify(value.kind)} (expected one of ${KINDS.map((k) => TYPE_NAME[k]).join(', ')})`,
      );
      return undefined;
    }
  }
  kind ??= inferKind(value);
  if (kind === undefined) {
    report(
      path,
      'cannot tell the kind: add `kind: VirtualNode` (or Mesh, VirtualService, VirtualRouter, Route, VirtualGateway, GatewayRoute)',
    );
    return undefined;
  }
  const parentField = PARENT_NAME_FIELD[kind];
  const names = ['meshName', ...(parentField !== undefined ? [parentField] : []), NAME_FIELD[kind]];
  const allowed = ['kind', ...new Set(names), 'meshOwner', 'spec', 'tags', ...DROPPED_MEMBERS];
  let ok = true;
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      report(
        [...path, key],
        `unknown field for a ${TYPE_NAME[kind]} (expected ${allowed.filter((k) => !DROPPED_MEMBERS.includes(k)).join(', ')})`,
      );
      ok = false;
    }
  }
  for (const field of new Set([...names, ...(value.meshOwner !== undefined ? ['meshOwner'] : [])])) {
    const name = value[field];
    if (typeof name !== 'string' || name === '') {
      report(
        name === undefined ? path : [...path, field],
        name === undefined
          ? `${field} is required`
          : `${field} must be a non-empty string, got ${JSON.stringify(name)}`,
      );
      ok = false;
    }
  }
  const shapeProblem = (p: Path, message: string) => {
    ok = false;
    report(p, message);
  };
  if (value.spec !== undefined) checkMembers(value.spec, SPEC_SHAPE[kind], [...path, 'spec'], shapeProblem);
  if (value.tags !== undefined) checkMembers(value.tags, TAGS_SHAPE, [...path, 'tags'], shapeProblem);
  if (!ok) return undefined;

  const input: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (key !== 'kind' && !DROPPED_MEMBERS.includes(key)) input[key] = member;
  }
  return { kind, input };
}

/** The kind a create input is for, from the name members it has. */
function inferKind(value: Record<string, unknown>): Kind | undefined {
  const order: Kind[] = [
    'gatewayRoute',
    'route',
    'virtualNode',
    'virtualService',
    'virtualGateway',
    'virtualRouter',
    'mesh',
  ];
  return order.find((kind) => typeof value[NAME_FIELD[kind]] === 'string');
}

/** `resources[3].spec.listeners[0]` */
export function pathText(path: Path): string {
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
