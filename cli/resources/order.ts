// Orders resources so each comes after what it needs: its mesh, router or gateway, the nodes, routers
// and services its spec names, and what it `dependsOn`; otherwise by kind, then as written.

import { APPLY_RANK, type Kind } from './kinds.js';
import { addressId, addressOf, type ResourceInput } from './resource-input.js';

const ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;

/** The resources in an order the control plane accepts; throws naming the resources of a cycle. */
export function orderResources(resources: readonly ResourceInput[]): ResourceInput[] {
  const ids = new Map<string, number>();
  resources.forEach((resource, index) => {
    ids.set(addressId(addressOf(resource)), index);
    if (resource.id !== undefined) ids.set(`id:${resource.id}`, index);
  });
  const needs = resources.map((resource) => {
    const found = new Set<number>();
    for (const id of needed(resource)) {
      const index = ids.get(id);
      if (index !== undefined && resources[index] !== resource) found.add(index);
    }
    return found;
  });

  const done = new Set<number>();
  const order: ResourceInput[] = [];
  while (order.length < resources.length) {
    let next: number | undefined;
    for (let i = 0; i < resources.length; i++) {
      if (done.has(i) || [...needs[i]!].some((n) => !done.has(n))) continue;
      if (next === undefined || APPLY_RANK[resources[i]!.kind] < APPLY_RANK[resources[next]!.kind]) next = i;
    }
    if (next === undefined)
      throw new Error(`resources depend on each other in a cycle: ${describeCycle(resources, needs, done)}`);
    done.add(next);
    order.push(resources[next]!);
  }
  return order;
}

/** Ids (as `addressId`, or `id:<dependsOn>`) of what a resource needs to exist first. */
function needed(resource: ResourceInput): string[] {
  const { meshName, parentName } = addressOf(resource);
  const spec = record(resource.input.spec);
  const ref = (kind: Kind, name: unknown, parent?: string) =>
    typeof name === 'string'
      ? [addressId({ kind, meshName, name, ...(parent !== undefined ? { parentName: parent } : {}) })]
      : [];
  const out = (resource.dependsOn ?? []).map((id) => `id:${id}`);
  if (resource.kind !== 'mesh') out.push(...ref('mesh', meshName));
  switch (resource.kind) {
    case 'route':
      out.push(...ref('virtualRouter', parentName));
      for (const type of ROUTE_TYPES) {
        const targets = record(record(record(spec)[type]).action).weightedTargets;
        for (const target of Array.isArray(targets) ? targets : [])
          out.push(...ref('virtualNode', record(target).virtualNode));
      }
      break;
    case 'gatewayRoute':
      out.push(...ref('virtualGateway', parentName));
      for (const type of ROUTE_TYPES) {
        const target = record(record(record(spec[type]).action).target);
        out.push(...ref('virtualService', record(target.virtualService).virtualServiceName));
      }
      break;
    case 'virtualService': {
      const provider = record(spec.provider);
      out.push(...ref('virtualNode', record(provider.virtualNode).virtualNodeName));
      out.push(...ref('virtualRouter', record(provider.virtualRouter).virtualRouterName));
      break;
    }
    default:
      break;
  }
  return out;
}

/** `A → B → A`, found by walking unmet needs among what is left. */
function describeCycle(
  resources: readonly ResourceInput[],
  needs: readonly Set<number>[],
  done: ReadonlySet<number>,
): string {
  const label = (i: number) =>
    resources[i]!.id ?? resources[i]!.source ?? addressId(addressOf(resources[i]!));
  let at = resources.findIndex((_, i) => !done.has(i));
  const path: number[] = [];
  while (!path.includes(at)) {
    path.push(at);
    at = [...needs[at]!].find((n) => !done.has(n))!;
  }
  return [...path.slice(path.indexOf(at)), at].map(label).join(' → ');
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
