// Assembles the endpoint set a proxy reads, and its version: the hash of exactly what it contains.

import { ENDPOINTS_SCHEMA_VERSION, type Endpoint, type EndpointSet } from '../snapshot/endpoints.js';
import { canonicalEndpoint, sha256 } from './private/endpoint-content.js';

/**
 * The set for `nodeNames` (each gets a key, in name order; endpoints in id order). Its `version` changes
 * exactly when an endpoint arrives, leaves or changes: expiry times are not part of it, so heartbeats
 * never change it.
 */
export function buildEndpointSet(
  meshName: string,
  nodeNames: readonly string[],
  endpointsOf: (nodeName: string) => readonly Endpoint[],
): EndpointSet {
  const names = [...new Set(nodeNames)].sort();
  const entries = names.map(
    (name) =>
      [name, [...endpointsOf(name)].map(canonicalEndpoint).sort((a, b) => compare(a.id, b.id))] as const,
  );
  const version = sha256(JSON.stringify([ENDPOINTS_SCHEMA_VERSION, meshName, entries]));
  return {
    schemaVersion: ENDPOINTS_SCHEMA_VERSION,
    meshName,
    version,
    endpoints: Object.fromEntries(entries),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
