// Finds the resources a spec names that must exist in the same mesh (not its container, not node backends).

import { GATEWAY_ROUTE_TYPES } from './gateway-route.js';
import type { Kind, ResourceKey } from './kinds.js';
import { ROUTE_TYPES } from './route.js';
import { isRecord } from './shared.js';

export interface SpecReference {
  readonly key: ResourceKey;
  /** Where the spec names it, e.g. `spec.httpRoute.action.weightedTargets[0].virtualNode`. */
  readonly field: string;
}

/**
 * What a spec names that must exist in the same mesh, with the field path naming it, each target once
 * (first field). Virtual node backends are not references: App Mesh lets a backend name a service created later.
 */
export function specReferences(kind: Kind, meshName: string, spec: unknown): SpecReference[] {
  const found = new Map<string, SpecReference>();
  const add = (targetKind: Kind, name: unknown, field: string) => {
    if (typeof name !== 'string' || name === '') return;
    const id = `${targetKind}/${name}`;
    if (!found.has(id)) found.set(id, { key: { kind: targetKind, meshName, name }, field });
  };
  if (!isRecord(spec)) return [];
  switch (kind) {
    case 'virtualService': {
      const provider = isRecord(spec.provider) ? spec.provider : {};
      if (isRecord(provider.virtualNode)) {
        add('virtualNode', provider.virtualNode.virtualNodeName, 'spec.provider.virtualNode.virtualNodeName');
      }
      if (isRecord(provider.virtualRouter)) {
        add(
          'virtualRouter',
          provider.virtualRouter.virtualRouterName,
          'spec.provider.virtualRouter.virtualRouterName',
        );
      }
      break;
    }
    case 'route':
      for (const type of ROUTE_TYPES) {
        const route = spec[type];
        const action = isRecord(route) && isRecord(route.action) ? route.action : {};
        const targets = Array.isArray(action.weightedTargets) ? action.weightedTargets : [];
        targets.forEach((target, index) => {
          if (isRecord(target)) {
            add(
              'virtualNode',
              target.virtualNode,
              `spec.${type}.action.weightedTargets[${index}].virtualNode`,
            );
          }
        });
      }
      break;
    case 'gatewayRoute':
      for (const type of GATEWAY_ROUTE_TYPES) {
        const route = spec[type];
        const action = isRecord(route) && isRecord(route.action) ? route.action : {};
        const target = isRecord(action.target) ? action.target : {};
        if (isRecord(target.virtualService)) {
          add(
            'virtualService',
            target.virtualService.virtualServiceName,
            `spec.${type}.action.target.virtualService.virtualServiceName`,
          );
        }
      }
      break;
    default:
      break;
  }
  return [...found.values()];
}
