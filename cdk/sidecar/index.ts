// The sidecar constructs: the Tessera proxy beside an app on ECS and EKS.

export * from './constants.js';
export { type EcsInterceptionOptions, EcsSidecar, type EcsSidecarProps } from './ecs-sidecar.js';
export { EksWorkload, type EksWorkloadProps } from './eks-workload.js';
export type * from './shared-interfaces.js';
