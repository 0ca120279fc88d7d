// Defaults and limits of the proxy's own configuration, in one place.

/** Port the proxy takes inbound (mesh → app) traffic on; App Mesh's `ProxyIngressPort`. */
export const DEFAULT_INGRESS_PORT = 15000;
/** Inbound traffic comes from other hosts (the task's ENI, the pod IP); local runs pass 127.0.0.1. */
export const DEFAULT_INGRESS_HOST = '0.0.0.0';
/** Port the app sends outbound (app → mesh) traffic to; App Mesh's `ProxyEgressPort`. */
export const DEFAULT_EGRESS_PORT = 15001;
/** Admin port (`/ready`, `/stats`, `/config`, `/endpoints`); Envoy's admin port. */
export const DEFAULT_ADMIN_PORT = 9901;
/** The admin port reveals configuration, so it listens on loopback unless told otherwise. */
export const DEFAULT_ADMIN_HOST = '127.0.0.1';
/** How often the snapshot and endpoints are polled. */
export const DEFAULT_POLL_INTERVAL_SECONDS = 5;
export const MIN_POLL_INTERVAL_SECONDS = 1;
export const MAX_POLL_INTERVAL_SECONDS = 300;
/** Where metrics go: EMF lines on stdout (picked up by awslogs / Fluent Bit), PutMetricData, or nowhere. */
export const METRICS_MODES = ['emf', 'cloudwatch', 'off'] as const;
/** How often metrics are flushed (also on shutdown). */
export const DEFAULT_METRICS_INTERVAL_SECONDS = 60;
export const MIN_METRICS_INTERVAL_SECONDS = 1;
export const MAX_METRICS_INTERVAL_SECONDS = 3600;
export const DEFAULT_METRICS_NAMESPACE = 'Tessera';
export const TRACING_MODES = ['xray', 'off'] as const;
/** `iam`: sign control-plane requests (SigV4) with the task/pod role; `none`: send them unsigned. */
export const CONTROL_PLANE_AUTH_MODES = ['iam', 'none'] as const;
/** Where the signing region is read from when `--control-plane-auth iam`, in this order. */
export const REGION_ENV = ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const;
/** X-Ray's default rule as App Mesh applied it: 1 request a second, then 5%. */
export const DEFAULT_SAMPLING_RATE = 0.05;
/** How long in-flight requests may finish after SIGTERM (the ECS proxy agent's 20 s). */
export const DEFAULT_DRAIN_SECONDS = 20;
export const MAX_DRAIN_SECONDS = 600;
/** How long the ECS task metadata endpoint may take to answer. */
export const ECS_METADATA_TIMEOUT_MS = 2_000;
/** Resource names: App Mesh's rule (1–255 characters). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_NAME_LENGTH = 255;
export const MAX_ZONE_LENGTH = 64;

/**
 * Environment variables an EKS pod spec must set from the downward API (`fieldRef`) for the proxy to
 * advertise itself: `POD_IP` ← `status.podIP`, `POD_NAME` ← `metadata.name`. The zone has no downward-API
 * field; set `NODE_ZONE` (or `TOPOLOGY_ZONE`) from the node's `topology.kubernetes.io/zone` label, e.g.
 * with an init container or an admission webhook, or pass `TESSERA_ZONE`.
 */
export const EKS_ENV = {
  podIp: 'POD_IP',
  podName: 'POD_NAME',
  zone: ['NODE_ZONE', 'TOPOLOGY_ZONE'],
} as const;

/** Set by ECS in every container: the task metadata endpoint, version 4. */
export const ECS_METADATA_ENV = 'ECS_CONTAINER_METADATA_URI_V4';
/** App Mesh's drop-in identity: `arn:aws:appmesh:REGION:ACCOUNT:mesh/MESH/virtualNode/NODE`. */
export const APPMESH_RESOURCE_ARN_ENV = 'APPMESH_RESOURCE_ARN';
