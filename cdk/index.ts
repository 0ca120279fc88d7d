// Tessera's CDK constructs in one import (`tessera/cdk`): the control plane, the App Mesh resources with
// aws-cdk-lib/aws-appmesh's names, the sidecar for ECS and EKS, and the proxy's metrics and dashboard.

export * from './control-plane/index.js';
export * from './mesh/index.js';
export * from './metrics/index.js';
export * from './sidecar/index.js';
