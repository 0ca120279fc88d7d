// Builders for store records, as the service layer will make them (container reference first).

import { randomUUID } from 'node:crypto';
import { type Kind, parentKey, type ResourceKey } from '../../control-plane/model/kinds.js';
import type { Reference, ResourceRecord } from '../../control-plane/store/store.js';

export const keys = {
  mesh: (mesh: string): ResourceKey => ({ kind: 'mesh', meshName: mesh, name: mesh }),
  virtualService: (mesh: string, name: string): ResourceKey => ({
    kind: 'virtualService',
    meshName: mesh,
    name,
  }),
  virtualNode: (mesh: string, name: string): ResourceKey => ({ kind: 'virtualNode', meshName: mesh, name }),
  virtualRouter: (mesh: string, name: string): ResourceKey => ({
    kind: 'virtualRouter',
    meshName: mesh,
    name,
  }),
  route: (mesh: string, router: string, name: string): ResourceKey => ({
    kind: 'route',
    meshName: mesh,
    parentName: router,
    name,
  }),
  virtualGateway: (mesh: string, name: string): ResourceKey => ({
    kind: 'virtualGateway',
    meshName: mesh,
    name,
  }),
  gatewayRoute: (mesh: string, gateway: string, name: string): ResourceKey => ({
    kind: 'gatewayRoute',
    meshName: mesh,
    parentName: gateway,
    name,
  }),
};

const CONTAINER_FIELD: Partial<Record<Kind, string>> = {
  virtualRouter: 'virtualRouterName',
  virtualGateway: 'virtualGatewayName',
  mesh: 'meshName',
};

/** The reference every non-mesh record has to its container (mesh, router or gateway). */
export function containerRef(key: ResourceKey): Reference[] {
  const parent = parentKey(key);
  return parent === undefined ? [] : [{ key: parent, field: CONTAINER_FIELD[parent.kind] ?? 'meshName' }];
}

export interface RecordOptions {
  readonly spec?: Record<string, unknown>;
  /** References named by the spec (the container reference is added automatically). */
  readonly refs?: readonly Reference[];
  readonly tags?: Record<string, string>;
  readonly clientToken?: string;
}

let clock = Date.UTC(2026, 0, 1);

/** A version-1 record. */
export function newRecord(key: ResourceKey, options: RecordOptions = {}): ResourceRecord {
  const now = clock++;
  return {
    key,
    spec: options.spec ?? {},
    uid: randomUUID(),
    version: 1,
    createdAt: now,
    lastUpdatedAt: now,
    meshOwner: '111122223333',
    resourceOwner: '111122223333',
    status: 'ACTIVE',
    tags: options.tags ?? {},
    refs: [...containerRef(key), ...(options.refs ?? [])],
    ...(options.clientToken !== undefined ? { clientToken: options.clientToken } : {}),
  };
}

/** The next version of `record` with a new spec and spec references. */
export function nextRecord(
  record: ResourceRecord,
  changes: { spec?: Record<string, unknown>; refs?: readonly Reference[] } = {},
): ResourceRecord {
  return {
    ...record,
    spec: changes.spec ?? record.spec,
    refs: changes.refs === undefined ? record.refs : [...containerRef(record.key), ...changes.refs],
    version: record.version + 1,
    lastUpdatedAt: clock++,
  };
}

/** An HTTP route spec sending traffic to `nodes` (equal weights), with the references it implies. */
export function httpRouteTo(
  mesh: string,
  nodes: readonly string[],
): Required<Pick<RecordOptions, 'spec' | 'refs'>> {
  return {
    spec: {
      httpRoute: {
        match: { prefix: '/' },
        action: { weightedTargets: nodes.map((node) => ({ virtualNode: node, weight: 1 })) },
      },
    },
    refs: nodes.map((node, i) => ({
      key: keys.virtualNode(mesh, node),
      field: `spec.httpRoute.action.weightedTargets[${i}].virtualNode`,
    })),
  };
}

/** A mesh name no other test uses. */
export function uniqueMeshName(prefix = 'mesh'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
