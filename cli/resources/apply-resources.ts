// Applies App Mesh resources to a control plane: creates what is missing, updates what differs, leaves the rest.

import type { AppMeshClient, TagRef } from '@aws-sdk/client-app-mesh';
import { stringify } from 'yaml';
import { ApplyError } from './errors.js';
import { describeResource as describeText } from './kinds.js';
import { createResource, describeResource, listTags, replaceTags, updateResource } from './mesh-api.js';
import { orderResources } from './order.js';
import { type ApplyChange, addressOf, type ResourceInput } from './resource-input.js';
import { normalizeSpec, sameValue, specDiff } from './spec-diff.js';

export type { Kind } from './kinds.js';
export { parseResourceFile } from './parse-resource-file.js';
export type { ApplyChange, ResourceInput } from './resource-input.js';

export interface ApplyOptions {
  /** Report what would change without writing anything. @default false */
  readonly dryRun?: boolean;
}

/**
 * Creates or updates each resource (dependencies first: mesh → nodes → routers → routes → services →
 * gateways → gateway routes, with references and `dependsOn` ordered), idempotently (an unchanged spec is
 * not written; tags are managed only when the input has `tags`), or only reports with `dryRun`.
 * Stops at the first resource the control plane refuses, with an `ApplyError` whose cause is the SDK error.
 */
export async function applyResources(
  client: AppMeshClient,
  resources: readonly ResourceInput[],
  options: ApplyOptions = {},
): Promise<ApplyChange[]> {
  const changes: ApplyChange[] = [];
  for (const resource of orderResources(resources)) {
    changes.push(await applyOne(client, resource, options.dryRun ?? false));
  }
  return changes;
}

async function applyOne(
  client: AppMeshClient,
  resource: ResourceInput,
  dryRun: boolean,
): Promise<ApplyChange> {
  const address = addressOf(resource);
  const { kind } = resource;
  const what = `${describeText(kind, address.meshName, address.name, address.parentName)}${resource.source !== undefined ? ` (${resource.source})` : ''}`;
  const desired = normalizeSpec(kind, resource.input.spec as Record<string, unknown> | undefined);
  const tags = resource.input.tags as TagRef[] | undefined;
  const change = {
    kind,
    name: address.name,
    meshName: address.meshName,
    ...(address.parentName !== undefined ? { parentName: address.parentName } : {}),
    ...(resource.source !== undefined ? { source: resource.source } : {}),
  };
  const step = async <T>(doing: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new ApplyError(`${doing} ${what}`, { cause: error }, resource.locate);
    }
  };

  const current = await step('reading', () => describeResource(client, address));
  if (current === undefined || current.status?.status === 'DELETED') {
    if (!dryRun)
      await step('creating', () =>
        createResource(client, address, resource.input.spec as Record<string, unknown> | undefined, tags),
      );
    return { ...change, action: 'create', diff: addedLines(desired) };
  }

  const currentSpec = (current.spec ?? {}) as Record<string, unknown>;
  const specChanged = !sameValue(currentSpec, desired);
  let currentTags: TagRef[] = [];
  let tagsChanged = false;
  if (tags !== undefined && current.metadata?.arn !== undefined) {
    currentTags = await step('reading tags of', () => listTags(client, current.metadata!.arn!));
    tagsChanged = !sameValue(byKey(currentTags), byKey(tags));
  }
  if (!specChanged && !tagsChanged) return { ...change, action: 'unchanged' };

  if (!dryRun) {
    if (specChanged)
      await step('updating', () =>
        updateResource(client, address, resource.input.spec as Record<string, unknown> | undefined),
      );
    if (tagsChanged)
      await step('tagging', () => replaceTags(client, current.metadata!.arn!, currentTags, tags!));
  }
  const diff = [
    specChanged ? specDiff({ spec: currentSpec }, { spec: desired }) : '',
    tagsChanged ? specDiff({ tags: byKey(currentTags) }, { tags: byKey(tags!) }) : '',
  ].filter((part) => part !== '');
  return { ...change, action: 'update', diff: diff.join('\n') };
}

function addedLines(spec: Record<string, unknown>): string {
  return stringify({ spec }, { lineWidth: 0 })
    .trimEnd()
    .split('\n')
    .map((line) => `+ ${line}`)
    .join('\n');
}

function byKey(tags: readonly TagRef[]): Record<string, string | undefined> {
  return Object.fromEntries(tags.map((tag) => [tag.key, tag.value]));
}

/** `created virtual node "blue" in mesh "colors"`, `would update …` with `dryRun`. */
export function describeChange(change: ApplyChange, dryRun = false): string {
  const verb = dryRun
    ? { create: 'would create', update: 'would update', unchanged: 'unchanged' }[change.action]
    : { create: 'created', update: 'updated', unchanged: 'unchanged' }[change.action];
  return `${verb} ${describeText(change.kind, change.meshName, change.name, change.parentName)}`;
}
