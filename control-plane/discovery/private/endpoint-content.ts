// The canonical form of an endpoint and the hash of its content: equal endpoints hash equally whatever
// order their ports and attributes arrived in.

import { createHash } from 'node:crypto';
import type { Endpoint } from '../../snapshot/endpoints.js';

/** The same endpoint with ports sorted by listener port, attributes by key, and no absent members. */
export function canonicalEndpoint(endpoint: Endpoint): Endpoint {
  const ports = [...endpoint.ports]
    .sort((a, b) => a.listenerPort - b.listenerPort)
    .map(({ listenerPort, port }) => ({ listenerPort, port }));
  const attributes =
    endpoint.attributes === undefined || Object.keys(endpoint.attributes).length === 0
      ? undefined
      : Object.fromEntries(
          Object.entries(endpoint.attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        );
  return {
    id: endpoint.id,
    address: endpoint.address,
    ports,
    ...(endpoint.zone !== undefined ? { zone: endpoint.zone } : {}),
    ...(attributes !== undefined ? { attributes } : {}),
    source: endpoint.source,
  };
}

/** Hash of what a proxy would see of the endpoint, plus the ECS cluster it belongs to. */
export function contentHash(endpoint: Endpoint, cluster: string | undefined): string {
  return sha256(JSON.stringify([canonicalEndpoint(endpoint), cluster ?? null]));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
