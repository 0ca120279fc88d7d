// The properties of a `Custom::TesseraMeshResource` → the resource key, spec and tags the service takes.
// The CDK side declares the same contract in cdk/control-plane/mesh-resource-properties.ts; keep them equal.

import { BadRequestError, type Problem } from '../../control-plane/errors.js';
import { KINDS, type Kind, PARENT_KIND, type ResourceKey } from '../../control-plane/model/kinds.js';

export interface ResourceInput {
  readonly key: ResourceKey;
  /** The parsed spec; undefined when `Spec` is absent (a mesh may have none). */
  readonly spec: unknown;
  /** `[{ key, value }]` as the API takes it; undefined when `Tags` is absent. */
  readonly tags: unknown;
}

/** Reads `properties`; throws `BadRequestError` naming every property that is wrong. */
export function parseResourceProperties(properties: Readonly<Record<string, unknown>>): ResourceInput {
  const problems: Problem[] = [];
  const text = (name: string, required: boolean): string | undefined => {
    const value = properties[name];
    if (value === undefined || value === '') {
      if (required) problems.push({ path: name, rule: 'is required' });
      return undefined;
    }
    if (typeof value !== 'string') {
      problems.push({ path: name, rule: 'must be a string', value });
      return undefined;
    }
    return value;
  };
  const json = (name: string, rule: string): unknown => {
    const value = text(name, false);
    if (value === undefined) return undefined;
    try {
      return JSON.parse(value);
    } catch {
      problems.push({ path: name, rule, value });
      return undefined;
    }
  };

  const kindText = text('Kind', true);
  const kind = KINDS.find((k) => k === kindText);
  if (kindText !== undefined && kind === undefined) {
    problems.push({ path: 'Kind', rule: `must be one of ${KINDS.join(', ')}`, value: kindText });
  }
  const name = text('Name', true);
  const meshName = text('MeshName', kind !== 'mesh') ?? name;
  const parentName = text('ParentName', kind !== undefined && PARENT_KIND[kind] !== undefined);
  if (kind === 'mesh' && meshName !== name) {
    problems.push({
      path: 'MeshName',
      rule: `must equal Name (${JSON.stringify(name)}) for a mesh`,
      value: meshName,
    });
  }
  if (kind !== undefined && PARENT_KIND[kind] === undefined && parentName !== undefined) {
    problems.push({ path: 'ParentName', rule: `must not be set for a ${kind}`, value: parentName });
  }
  const spec = json('Spec', 'must be the JSON text of an App Mesh spec object');
  const tags = json('Tags', 'must be the JSON text of a list of { "key", "value" } tags');
  if (problems.length > 0 || kind === undefined || name === undefined || meshName === undefined) {
    throw new BadRequestError(problems);
  }
  const key: ResourceKey = {
    kind: kind as Kind,
    meshName,
    name,
    ...(parentName !== undefined ? { parentName } : {}),
  };
  return { key, spec, tags };
}

/** Whether two keys name the same resource (a different one means CloudFormation replaces it). */
export function sameResource(a: ResourceKey, b: ResourceKey): boolean {
  return a.kind === b.kind && a.meshName === b.meshName && a.parentName === b.parentName && a.name === b.name;
}

/** `[{ key, value }]` → record; anything else → empty (the service has already validated the new tags). */
export function tagRecord(tags: unknown): Record<string, string> {
  const record: Record<string, string> = {};
  if (!Array.isArray(tags)) return record;
  for (const tag of tags) {
    if (tag && typeof tag === 'object' && typeof tag.key === 'string' && typeof tag.value === 'string') {
      record[tag.key] = tag.value;
    }
  }
  return record;
}
