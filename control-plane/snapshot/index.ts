// The snapshot and endpoint-set contracts: the only control-plane code a proxy imports.

export * from './clusters.js';
export * from './endpoints.js';
export * from './gateway-routes.js';
export { canonicalJson, contentHash } from './hash.js';
export * from './listeners.js';
export * from './matches.js';
export * from './routes.js';
export * from './snapshot.js';
export * from './tls.js';
