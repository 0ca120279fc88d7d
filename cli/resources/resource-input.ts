// What a resource file becomes: App Mesh create inputs with their kind, and what applying them did.

import type { Kind } from './kinds.js';
import { NAME_FIELD, PARENT_NAME_FIELD } from './kinds.js';
import type { ResourceAddress } from './mesh-api.js';

/** One App Mesh resource as `aws appmesh create-<kind> --cli-input-json` takes it, with its kind. */
export interface ResourceInput {
  readonly kind: Kind;
  /** The create input: `meshName`, the name member(s), `spec`, `tags`, optionally `meshOwner`. */
  readonly input: Record<string, unknown>;
  /** Where it came from, for messages: `colors.yaml: resources[3]`, `template.yaml: Resources.BlueNode`. */
  readonly source?: string;
  /** An id that other resources' `dependsOn` name (a CloudFormation logical id). */
  readonly id?: string;
  /** Ids of resources in the same batch to apply before this one (CloudFormation `DependsOn`). */
  readonly dependsOn?: readonly string[];
  /** The file position of a field the API names (`spec.listeners[0].portMapping.port`), for messages. */
  readonly locate?: (apiPath: string) => string | undefined;
}

/** What applying did, or would do, to one resource. */
export interface ApplyChange {
  readonly kind: Kind;
  readonly name: string;
  readonly meshName: string;
  /** The virtual router or virtual gateway of a route or gateway route. */
  readonly parentName?: string;
  readonly action: 'create' | 'update' | 'unchanged';
  /** For an update: the spec (and tags) change, as `- `/`+ ` lines; for a create: the new spec as `+ ` lines. */
  readonly diff?: string;
  readonly source?: string;
}

/** The resource's address from its create input; throws naming the missing member. */
export function addressOf(resource: ResourceInput): ResourceAddress {
  const { kind, input } = resource;
  const text = (field: string): string => {
    const value = input[field];
    if (typeof value !== 'string' || value === '') {
      throw new Error(`${resource.source ?? kind}: ${field} is required (a non-empty string)`);
    }
    return value;
  };
  const parentField = PARENT_NAME_FIELD[kind];
  return {
    kind,
    meshName: text('meshName'),
    ...(parentField !== undefined ? { parentName: text(parentField) } : {}),
    name: text(NAME_FIELD[kind]),
    ...(typeof input.meshOwner === 'string' ? { meshOwner: input.meshOwner } : {}),
  };
}

/** `spec.listeners[0].port` → `['spec', 'listeners', 0, 'port']` */
export function pathSegments(apiPath: string): (string | number)[] {
  return [...apiPath.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : m[1]!,
  );
}

/** `virtualNode/colors//blue`: one resource's identity within a batch. */
export function addressId(
  address: Pick<ResourceAddress, 'kind' | 'meshName' | 'parentName' | 'name'>,
): string {
  return `${address.kind}/${address.meshName}/${address.parentName ?? ''}/${address.name}`;
}
