// Tessera's App Mesh constructs: the same names and shapes as aws-cdk-lib/aws-appmesh, written through
// the Tessera control plane (see README.md).

export * from './gateway-route.js';
export * from './gateway-route-spec.js';
export * from './header-match.js';
export * from './health-checks.js';
export * from './http-route-method.js';
export * from './http-route-path-match.js';
export * from './listener-tls-options.js';
export * from './mesh.js';
export type { HttpCodeClass } from './private/metrics.js';
export { MeshValidationError } from './private/utils.js';
export * from './query-parameter-match.js';
export * from './route.js';
export * from './route-spec.js';
export * from './service-discovery.js';
export * from './shared-interfaces.js';
export * from './tls-certificate.js';
export * from './tls-client-policy.js';
export * from './tls-validation.js';
export * from './virtual-gateway.js';
export * from './virtual-gateway-listener.js';
export * from './virtual-node.js';
export * from './virtual-node-listener.js';
export * from './virtual-router.js';
export * from './virtual-router-listener.js';
export * from './virtual-service.js';
