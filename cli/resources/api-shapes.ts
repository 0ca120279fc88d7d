// The App Mesh API's shapes, read from the official SDK's published schemas (`VirtualNodeSpec$`, …):
// used to catch unknown fields (the SDK would silently drop them) and to turn CloudFormation's PascalCase
// properties into the API's members, with strings coerced to numbers and booleans where the API wants them.

import {
  GatewayRouteSpec$,
  MeshSpec$,
  RouteSpec$,
  TagRef$,
  VirtualGatewaySpec$,
  VirtualNodeSpec$,
  VirtualRouterSpec$,
  VirtualServiceSpec$,
} from '@aws-sdk/client-app-mesh';
import type { Kind } from './kinds.js';

/** A schema reference as the SDK encodes it: a simple-type number, a thunk, or a schema tuple. */
type SchemaRef = unknown;

/** The spec shape of each kind. */
export const SPEC_SHAPE: Record<Kind, SchemaRef> = {
  mesh: MeshSpec$,
  virtualService: VirtualServiceSpec$,
  virtualNode: VirtualNodeSpec$,
  virtualRouter: VirtualRouterSpec$,
  route: RouteSpec$,
  virtualGateway: VirtualGatewaySpec$,
  gatewayRoute: GatewayRouteSpec$,
};

/** A list of `{ key, value }` tags. */
export const TAGS_SHAPE: SchemaRef = [1, 'tessera', 'TagList', 0, TagRef$];

// Smithy's static schema ids and simple-type codes.
const LIST = 1;
const MAP = 2;
const STRUCT = 3;
const UNION = 4;
const NUMERIC = 1;
const BOOLEAN = 2;
const LIST_OF_SIMPLE = 64;
const MAP_OF_SIMPLE = 128;

type Shape =
  | { readonly type: 'number' | 'boolean' | 'simple' | 'map' }
  | { readonly type: 'list'; readonly member: SchemaRef }
  | { readonly type: 'struct'; readonly members: ReadonlyMap<string, SchemaRef> };

function shapeOf(ref: SchemaRef): Shape {
  const schema = typeof ref === 'function' ? (ref as () => unknown)() : ref;
  if (typeof schema === 'number') {
    if (schema === NUMERIC) return { type: 'number' };
    if (schema === BOOLEAN) return { type: 'boolean' };
    if (schema >= MAP_OF_SIMPLE) return { type: 'map' };
    if (schema >= LIST_OF_SIMPLE) return { type: 'list', member: schema - LIST_OF_SIMPLE };
    return { type: 'simple' };
  }
  if (!Array.isArray(schema)) return { type: 'simple' };
  switch (schema[0]) {
    case LIST:
      return { type: 'list', member: schema[4] };
    case MAP:
      return { type: 'map' };
    case STRUCT:
    case UNION: {
      const names = schema[4] as string[];
      const refs = schema[5] as SchemaRef[];
      return { type: 'struct', members: new Map(names.map((name, i) => [name, refs[i] ?? 0])) };
    }
    case 0:
      return shapeOf(schema[4]);
    default:
      return { type: 'simple' };
  }
}

/** A way to report a problem at a path, given as segments (`['spec', 'listeners', 0]`). */
export type Report = (path: readonly (string | number)[], message: string) => void;

/**
 * Reports every member of `value` the API does not have (with the near miss, if any); the SDK would drop
 * them without a word, and the spec would never match what is stored.
 */
export function checkMembers(
  value: unknown,
  ref: SchemaRef,
  path: readonly (string | number)[],
  report: Report,
): void {
  const shape = shapeOf(ref);
  if (shape.type === 'list' && Array.isArray(value)) {
    value.forEach((item, i) => {
      checkMembers(item, shape.member, [...path, i], report);
    });
  } else if (shape.type === 'struct' && isRecord(value)) {
    for (const [key, member] of Object.entries(value)) {
      const ref = shape.members.get(key);
      if (ref !== undefined) checkMembers(member, ref, [...path, key], report);
      else report([...path, key], unknownMessage(key, [...shape.members.keys()]));
    }
  } else if (shape.type === 'struct' && value !== undefined && value !== null) {
    report(path, `must be an object, got ${JSON.stringify(value)}`);
  } else if (shape.type === 'list' && value !== undefined && value !== null) {
    report(path, `must be a list, got ${JSON.stringify(value)}`);
  }
}

/**
 * A CloudFormation property value as the API's member value: `PortMapping` → `portMapping`,
 * `AWSCloudMap` → `awsCloudMap`, `DNS` → `dns` (members matched by name, ignoring case, as App Mesh's
 * CloudFormation schema mirrors the API), and `'8080'` → 8080 where the API wants a number (as
 * CloudFormation coerces). Unknown properties are reported at their CloudFormation path.
 */
export function fromCloudFormation(
  value: unknown,
  ref: SchemaRef,
  path: readonly (string | number)[],
  report: Report,
): unknown {
  const shape = shapeOf(ref);
  if (
    shape.type === 'number' &&
    typeof value === 'string' &&
    value.trim() !== '' &&
    Number.isFinite(Number(value))
  ) {
    return Number(value);
  }
  if (shape.type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  if (shape.type === 'list' && Array.isArray(value)) {
    return value.map((item, i) => fromCloudFormation(item, shape.member, [...path, i], report));
  }
  if (shape.type === 'struct' && isRecord(value)) {
    const out: Record<string, unknown> = {};
    const byFoldedName = new Map([...shape.members.keys()].map((name) => [name.toLowerCase(), name]));
    for (const [key, member] of Object.entries(value)) {
      const name = byFoldedName.get(key.toLowerCase());
      if (name === undefined) {
        report([...path, key], unknownMessage(key, [...shape.members.keys()].map(pascal), 'property'));
        continue;
      }
      out[name] = fromCloudFormation(member, shape.members.get(name), [...path, key], report);
    }
    return out;
  }
  return value;
}

function unknownMessage(key: string, known: readonly string[], noun = 'field'): string {
  const near =
    known.find((name) => name.toLowerCase() === key.toLowerCase()) ??
    known.find((name) => distance(name.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = near !== undefined ? `did you mean ${near}?` : `expected one of ${known.join(', ')}`;
  return `unknown ${noun} (${hint})`;
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
