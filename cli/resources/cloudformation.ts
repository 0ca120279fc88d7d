// Reads a CloudFormation template's AWS::AppMesh::* resources as App Mesh create inputs: parameters,
// conditions and intrinsic functions evaluated, properties turned into API members, DependsOn and
// references ordered. Other resources are skipped and counted.

import { fromCloudFormation, SPEC_SHAPE, TAGS_SHAPE } from './api-shapes.js';
import type { FileProblem } from './errors.js';
import { Intrinsics, isRecord, TemplateError } from './intrinsics.js';
import { type Kind, kindFromName, NAME_FIELD, PARENT_NAME_FIELD, TYPE_NAME } from './kinds.js';
import { pathText } from './native-format.js';
import { pathSegments, type ResourceInput } from './resource-input.js';
import type { SourceDocument } from './yaml-source.js';

/** The account id of a local control plane, for `AWS::AccountId`, ARNs and owners. */
export const LOCAL_ACCOUNT_ID = '000000000000';

type Path = readonly (string | number)[];

export interface TemplateOptions {
  /** `--parameter K=V` values; they win over `Default`s. Pseudo parameters (`AWS::Region`) may be set too. */
  readonly parameters?: Readonly<Record<string, string>>;
  /** @default - the file name without its extension */
  readonly stackName?: string;
  /** @default - AWS_REGION, else us-east-1 */
  readonly region?: string;
}

export interface TemplateResources {
  readonly resources: ResourceInput[];
  /** One line each: what was skipped (`skipped 7 non-App Mesh resources: AWS::ECS::Service ×3, …`). */
  readonly notes: string[];
}

/** Whether a parsed document is a CloudFormation template rather than a list of resources. */
export function isTemplate(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && (isRecord(value.Resources) || 'AWSTemplateFormatVersion' in value);
}

export function readTemplate(
  doc: SourceDocument,
  fileName: string,
  options: TemplateOptions,
  problems: FileProblem[],
): TemplateResources {
  const template = doc.value as Record<string, unknown>;
  const reported = new Set<string>();
  const report = (path: Path, message: string) => {
    // A parameter without a value is named once, however many resources use it.
    if (message.startsWith('parameter ') && reported.has(message)) return;
    reported.add(message);
    problems.push({ location: doc.locate(path) ?? fileName, path: pathText(path), message });
  };
  const declared = isRecord(template.Resources) ? template.Resources : {};
  const parameters = isRecord(template.Parameters) ? template.Parameters : {};
  const given = { ...(options.parameters ?? {}) };
  for (const name of Object.keys(given)) {
    if (!name.startsWith('AWS::') && !(name in parameters)) {
      report(
        ['Parameters'],
        `--parameter ${name}: the template has no parameter ${name} (it has ${Object.keys(parameters).join(', ') || 'none'})`,
      );
    }
  }

  const region = given['AWS::Region'] ?? options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const accountId = given['AWS::AccountId'] ?? LOCAL_ACCOUNT_ID;
  const stackName = given['AWS::StackName'] ?? options.stackName ?? 'tessera';
  const pseudo: Record<string, unknown> = {
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:aws:cloudformation:${region}:${accountId}:stack/${stackName}/local`,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NotificationARNs': [],
  };

  const kindOf = (id: string): Kind | undefined => {
    const type = isRecord(declared[id]) ? declared[id].Type : undefined;
    return typeof type === 'string' && type.startsWith('AWS::AppMesh::') ? kindFromName(type) : undefined;
  };

  // Names of mesh resources, evaluated on demand (a name may come from another resource's GetAtt).
  const names = new Map<string, Record<string, string>>();
  const naming = new Set<string>();
  const namesOf = (id: string, path: Path): Record<string, string> => {
    const known = names.get(id);
    if (known !== undefined) return known;
    if (naming.has(id))
      throw new TemplateError(path, `the names of ${[...naming].join(', ')} depend on each other`);
    naming.add(id);
    try {
      const kind = kindOf(id)!;
      const properties = isRecord((declared[id] as Record<string, unknown>).Properties)
        ? ((declared[id] as Record<string, unknown>).Properties as Record<string, unknown>)
        : {};
      const fields = [
        ...new Set([
          'MeshName',
          ...(PARENT_NAME_FIELD[kind] ? [pascal(PARENT_NAME_FIELD[kind]!)] : []),
          pascal(NAME_FIELD[kind]),
        ]),
      ];
      const out: Record<string, string> = {};
      for (const field of fields) {
        const propertyPath = ['Resources', id, 'Properties', field];
        const value =
          properties[field] === undefined ? undefined : intrinsics.resolve(properties[field], propertyPath);
        // As CloudFormation generates a missing name, Tessera uses the logical id (stable across applies).
        const isOwnName = field === pascal(NAME_FIELD[kind]);
        if (value === undefined && isOwnName) out[field] = id;
        else if (typeof value === 'string' && value !== '') out[field] = value;
        else
          throw new TemplateError(
            propertyPath,
            value === undefined ? 'is required' : `must be a non-empty string, got ${JSON.stringify(value)}`,
          );
      }
      names.set(id, out);
      return out;
    } finally {
      naming.delete(id);
    }
  };

  const parameterValues = new Map<string, unknown>();
  const parameterValue = (name: string, path: Path): unknown => {
    if (parameterValues.has(name)) return parameterValues.get(name);
    const declaration = isRecord(parameters[name]) ? parameters[name] : {};
    const raw = given[name] ?? (declaration.Default === undefined ? undefined : String(declaration.Default));
    if (raw === undefined) {
      throw new TemplateError(
        path,
        `parameter ${name} has no value: pass --parameter ${name}=VALUE (it has no Default)`,
      );
    }
    const type = typeof declaration.Type === 'string' ? declaration.Type : 'String';
    const where = `parameter ${name}`;
    if (Array.isArray(declaration.AllowedValues) && !declaration.AllowedValues.map(String).includes(raw)) {
      throw new TemplateError(
        ['Parameters', name],
        `${where}: ${JSON.stringify(raw)} is not one of the AllowedValues ${declaration.AllowedValues.map(String).join(', ')}`,
      );
    }
    if (
      typeof declaration.AllowedPattern === 'string' &&
      !new RegExp(`^(?:${declaration.AllowedPattern})$`).test(raw)
    ) {
      throw new TemplateError(
        ['Parameters', name],
        `${where}: ${JSON.stringify(raw)} does not match the AllowedPattern ${declaration.AllowedPattern}`,
      );
    }
    let value: unknown = raw;
    if (type === 'Number') {
      if (raw.trim() === '' || !Number.isFinite(Number(raw)))
        throw new TemplateError(
          ['Parameters', name],
          `${where}: must be a number, got ${JSON.stringify(raw)}`,
        );
      value = Number(raw);
    } else if (type === 'CommaDelimitedList' || type.startsWith('List<')) {
      value = raw === '' ? [] : raw.split(',').map((item) => item.trim());
    }
    parameterValues.set(name, value);
    return value;
  };

  const arnOf = (id: string, path: Path): string => {
    const kind = kindOf(id)!;
    const n = namesOf(id, path);
    const prefix = `arn:aws:appmesh:${region}:${accountId}:mesh/${n.MeshName}`;
    if (kind === 'mesh') return prefix;
    const parent = PARENT_NAME_FIELD[kind];
    const parentPart =
      parent !== undefined
        ? `/${parent === 'virtualRouterName' ? 'virtualRouter' : 'virtualGateway'}/${n[pascal(parent)]}`
        : '';
    return `${prefix}${parentPart}/${kind}/${n[pascal(NAME_FIELD[kind])]}`;
  };

  const intrinsics: Intrinsics = new Intrinsics(template, parameterValue, pseudo, {
    has: (id) => id in declared,
    ref(id, path) {
      const kind = kindOf(id);
      if (kind === undefined) throw skippedValue(id, 'Ref', path);
      // CloudFormation's Ref of an App Mesh resource is its ARN; names are what App Mesh fields take, so
      // Tessera gives the name (write !GetAtt X.Arn for the ARN).
      return namesOf(id, path)[pascal(NAME_FIELD[kind])];
    },
    getAtt(id, attribute, path) {
      const kind = kindOf(id);
      if (kind === undefined) {
        const properties = (declared[id] as Record<string, unknown>).Properties;
        if (isRecord(properties) && properties[attribute] !== undefined) {
          return intrinsics.resolve(properties[attribute], ['Resources', id, 'Properties', attribute]);
        }
        throw skippedValue(id, `Fn::GetAtt ${id}.${attribute}`, path);
      }
      const n = namesOf(id, path);
      if (attribute in n) return n[attribute];
      if (attribute === 'Arn') return arnOf(id, path);
      if (attribute === 'MeshOwner' || attribute === 'ResourceOwner') return accountId;
      if (attribute === 'Uid') {
        throw new TemplateError(
          path,
          `${id}.Uid is assigned by the control plane when the resource is created; tessera apply cannot know it beforehand`,
        );
      }
      throw new TemplateError(
        path,
        `${TYPE_NAME[kind]} ${id} has no attribute ${attribute} (it has ${[...Object.keys(n), 'Arn', 'Uid', 'MeshOwner', 'ResourceOwner'].join(', ')})`,
      );
    },
  });
  const skippedValue = (id: string, what: string, path: Path) => {
    const type = (declared[id] as Record<string, unknown>).Type;
    return new TemplateError(
      path,
      `${what}: ${id} is a ${String(type)}, which tessera apply does not create, so its value is not known here`,
    );
  };

  // Which resources to read, which to skip.
  const skippedTypes = new Map<string, number>();
  const conditionedOut: string[] = [];
  const meshIds: string[] = [];
  for (const [id, resource] of Object.entries(declared)) {
    if (!isRecord(resource) || typeof resource.Type !== 'string') {
      report(['Resources', id], 'must be a mapping with a Type');
      continue;
    }
    if (!resource.Type.startsWith('AWS::AppMesh::')) {
      skippedTypes.set(resource.Type, (skippedTypes.get(resource.Type) ?? 0) + 1);
      continue;
    }
    if (kindOf(id) === undefined) {
      report(['Resources', id, 'Type'], `unknown App Mesh type ${resource.Type}`);
      continue;
    }
    try {
      if (
        typeof resource.Condition === 'string' &&
        !intrinsics.condition(resource.Condition, ['Resources', id, 'Condition'])
      ) {
        conditionedOut.push(id);
        continue;
      }
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      report(error.path, error.message);
      continue;
    }
    meshIds.push(id);
  }

  // Each mesh resource as a create input.
  const read = new Map<string, ResourceInput>();
  const dependencies = new Map<string, string[]>();
  for (const id of meshIds) {
    const resource = declared[id] as Record<string, unknown>;
    const kind = kindOf(id)!;
    const base = ['Resources', id];
    const dependsOn =
      typeof resource.DependsOn === 'string'
        ? [resource.DependsOn]
        : Array.isArray(resource.DependsOn)
          ? resource.DependsOn
          : [];
    const needs = new Set<string>();
    dependsOn.forEach((target, i) => {
      if (typeof target !== 'string' || !(target in declared)) {
        report(
          [...base, 'DependsOn', ...(Array.isArray(resource.DependsOn) ? [i] : [])],
          `no resource ${String(target)} in the template`,
        );
      } else if (meshIds.includes(target)) {
        needs.add(target);
      }
    });
    for (const target of intrinsics.references(resource.Properties))
      if (meshIds.includes(target) && target !== id) needs.add(target);
    dependencies.set(id, [...needs]);
    try {
      const input = toInput(kind, id, resource.Properties, base, namesOf, intrinsics, report);
      if (input !== undefined) {
        const at = doc.locate(base);
        read.set(id, {
          kind,
          input,
          locate: (apiPath) =>
            doc.locate([
              ...base,
              'Properties',
              ...pathSegments(apiPath).map((s) => (typeof s === 'string' ? pascal(s) : s)),
            ]),
          source: `${at ?? fileName}: Resources.${id}`,
          id,
          ...(needs.size > 0 ? { dependsOn: [...needs] } : {}),
        });
      }
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      report(error.path, error.message);
    }
  }

  const resources = topologicalOrder(meshIds, dependencies, report)
    .map((id) => read.get(id))
    .filter((r): r is ResourceInput => r !== undefined);
  const notes: string[] = [];
  const skippedCount = [...skippedTypes.values()].reduce((a, b) => a + b, 0);
  if (skippedCount > 0) {
    const byType = [...skippedTypes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    notes.push(
      `skipped ${skippedCount} non-App Mesh resource${skippedCount === 1 ? '' : 's'}: ${byType.map(([type, n]) => `${type} ×${n}`).join(', ')}`,
    );
  }
  if (conditionedOut.length > 0)
    notes.push(
      `skipped ${conditionedOut.length} App Mesh resource(s) whose Condition is false: ${conditionedOut.join(', ')}`,
    );
  return { resources, notes };
}

const TOP_LEVEL = ['MeshName', 'MeshOwner', 'Spec', 'Tags'];

function toInput(
  kind: Kind,
  id: string,
  properties: unknown,
  base: Path,
  namesOf: (id: string, path: Path) => Record<string, string>,
  intrinsics: Intrinsics,
  report: (path: Path, message: string) => void,
): Record<string, unknown> | undefined {
  const path = [...base, 'Properties'];
  if (properties !== undefined && !isRecord(properties)) throw new TemplateError(path, 'must be a mapping');
  const props = (properties ?? {}) as Record<string, unknown>;
  const parent = PARENT_NAME_FIELD[kind];
  const allowed = [
    ...TOP_LEVEL,
    pascal(NAME_FIELD[kind]),
    ...(parent !== undefined ? [pascal(parent)] : []),
  ].filter((p) => !(kind === 'mesh' && p === 'MeshOwner'));
  let ok = true;
  for (const key of Object.keys(props)) {
    if (!allowed.includes(key)) {
      report(
        [...path, key],
        `unknown property of ${`AWS::AppMesh::${TYPE_NAME[kind]}`} (expected ${allowed.join(', ')})`,
      );
      ok = false;
    }
  }
  const input: Record<string, unknown> = {};
  const n = namesOf(id, base);
  for (const [field, value] of Object.entries(n)) input[camel(field)] = value;
  if (props.MeshOwner !== undefined)
    input.meshOwner = intrinsics.resolve(props.MeshOwner, [...path, 'MeshOwner']);
  const problem = (p: Path, message: string) => {
    ok = false;
    report(p, message);
  };
  if (props.Spec !== undefined)
    input.spec = fromCloudFormation(
      intrinsics.resolve(props.Spec, [...path, 'Spec']),
      SPEC_SHAPE[kind],
      [...path, 'Spec'],
      problem,
    );
  if (props.Tags !== undefined)
    input.tags = fromCloudFormation(
      intrinsics.resolve(props.Tags, [...path, 'Tags']),
      TAGS_SHAPE,
      [...path, 'Tags'],
      problem,
    );
  return ok ? input : undefined;
}

/** Template order, except that each resource comes after what it depends on; a cycle is reported. */
function topologicalOrder(
  ids: readonly string[],
  dependencies: ReadonlyMap<string, readonly string[]>,
  report: (path: Path, message: string) => void,
): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): boolean => {
    if (state.get(id) === 'done') return true;
    if (state.get(id) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      report(['Resources', cycle[0]!], `resources depend on each other in a cycle: ${cycle.join(' → ')}`);
      return false;
    }
    state.set(id, 'visiting');
    for (const dependency of dependencies.get(id) ?? []) if (!visit(dependency, [...trail, id])) return false;
    state.set(id, 'done');
    order.push(id);
    return true;
  };
  for (const id of ids) if (!visit(id, [])) break;
  return order;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
