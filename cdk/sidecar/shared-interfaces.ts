// The types the ECS and EKS sidecar constructs share: what they need from the control plane and the mesh
// (structural, so the real MeshControlPlane and VirtualNode fit), and the proxy options both take.

import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** What a sidecar needs from the control plane: where it is, and the right to read its node's config. */
export interface IProxyControlPlane {
  /** The API's base URL (`https://…`), as the proxy's `TESSERA_CONTROL_PLANE`. */
  readonly endpointUrl: string;
  /**
   * Lets `grantee` fetch snapshots and endpoints and register its own endpoint: nothing more. The
   * sidecars pass their mesh's name, so a proxy reads only its own mesh.
   */
  grantProxy(grantee: iam.IGrantable, options?: { readonly meshName?: string }): iam.Grant;
  /**
   * Binds `principal` to the node so the registry accepts its self-registration (behind IAM auth it
   * refuses principals not bound to the node). `MeshControlPlane` has it; without it the node's
   * endpoints must come from ECS discovery.
   */
  bindPrincipal?(
    scope: Construct,
    id: string,
    options: { meshName: string; virtualNodeName: string; principal: iam.IRole },
  ): unknown;
}

/** A virtual node: an `IVirtualNode` (its `mesh.meshName`), or the two names. */
export type ProxyVirtualNode =
  | { readonly virtualNodeName: string; readonly mesh: { readonly meshName: string } }
  | { readonly virtualNodeName: string; readonly meshName: string };

/** A virtual gateway: an `IVirtualGateway` (its `mesh.meshName`), or the two names. */
export type ProxyVirtualGateway =
  | { readonly virtualGatewayName: string; readonly mesh: { readonly meshName: string } }
  | { readonly virtualGatewayName: string; readonly meshName: string };

/** Where the proxy's metrics go (its `--metrics`). */
export type ProxyMetricsMode = 'emf' | 'cloudwatch' | 'off';

/** The proxy's settings, the same on ECS and EKS. */
export interface ProxyOptions {
  readonly controlPlane: IProxyControlPlane;
  /** The node this proxy stands in for. Give this or `virtualGateway`. @default - none */
  readonly virtualNode?: ProxyVirtualNode;
  /** The gateway this proxy is (no app beside it). Give this or `virtualNode`. @default - none */
  readonly virtualGateway?: ProxyVirtualGateway;
  /** @default 15000 */
  readonly ingressPort?: number;
  /** @default 15001 */
  readonly egressPort?: number;
  /** @default 9901 */
  readonly adminPort?: number;
  /**
   * `emf`: Embedded Metric Format lines on stdout, which CloudWatch Logs turns into metrics (no extra
   * permission); `cloudwatch`: PutMetricData (grants `cloudwatch:PutMetricData` for `metricsNamespace`);
   * `off`.
   * @default 'emf'
   */
  readonly metrics?: ProxyMetricsMode;
  /** @default 'Tessera' */
  readonly metricsNamespace?: string;
  /** Send X-Ray segments (adds a daemon container and grants `xray:PutTraceSegments`). @default false */
  readonly tracing?: boolean;
  /** After the first request each second, the fraction traced. @default 0.05 */
  readonly samplingRate?: number;
  /** The X-Ray daemon's image, when tracing. @default public.ecr.aws/xray/aws-xray-daemon:latest */
  readonly xrayDaemonImage?: string;
  /** More variables for the proxy (e.g. `TESSERA_POLL_INTERVAL`); they win over the computed ones. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}
