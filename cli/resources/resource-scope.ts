// Turns `KIND [NAME] --mesh M [--virtual-router R | --virtual-gateway G]` into what to read or delete.

import { type Kind, kindFromName } from './kinds.js';

export interface ScopeFlags {
  readonly mesh?: string;
  readonly virtualRouter?: string;
  readonly virtualGateway?: string;
}

export interface Scope {
  readonly kind: Kind;
  readonly meshName: string;
  /** The router or gateway, for routes and gateway routes; undefined means all of them in the mesh. */
  readonly parentName?: string;
}

export const KIND_HELP =
  'mesh(es), virtual-node(s)|vn, virtual-service(s)|vs, virtual-router(s)|vr, route(s), virtual-gateway(s)|vg, gateway-route(s)|gr';

/** The kind and scope; throws a message naming the missing flag. `name` is the mesh's name for meshes. */
export function scopeOf(
  kindText: string,
  name: string | undefined,
  flags: ScopeFlags,
  needParent: boolean,
): Scope {
  const kind = kindFromName(kindText);
  if (kind === undefined) throw new Error(`unknown kind "${kindText}" (expected ${KIND_HELP})`);
  if (kind === 'mesh') return { kind, meshName: name ?? '' };
  if (flags.mesh === undefined) throw new Error(`--mesh is required for ${kindText}`);
  if (kind !== 'route' && flags.virtualRouter !== undefined)
    throw new Error('--virtual-router applies to routes only');
  if (kind !== 'gatewayRoute' && flags.virtualGateway !== undefined)
    throw new Error('--virtual-gateway applies to gateway routes only');
  const parentName =
    kind === 'route' ? flags.virtualRouter : kind === 'gatewayRoute' ? flags.virtualGateway : undefined;
  if (needParent && parentName === undefined && (kind === 'route' || kind === 'gatewayRoute')) {
    throw new Error(
      `--${kind === 'route' ? 'virtual-router' : 'virtual-gateway'} is required for ${kindText}`,
    );
  }
  return { kind, meshName: flags.mesh, ...(parentName !== undefined ? { parentName } : {}) };
}
