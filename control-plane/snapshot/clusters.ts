// Clusters in the snapshot: one virtual node listener as a destination, with its limits and how to find its endpoints.

import { z } from 'zod';
import { portNumber } from './matches.js';
import { MAX_DURATION_MS, PROTOCOLS, timeoutSchema } from './routes.js';

export const IP_PREFERENCES = ['IPv6_PREFERRED', 'IPv4_PREFERRED', 'IPv4_ONLY', 'IPv6_ONLY'] as const;
export type IpPreference = (typeof IP_PREFERENCES)[number];

/** Limit meaning "unlimited" (Envoy's maximum, App Mesh's effective default). */
export const UNLIMITED = 2_147_483_647;

const limit = z.int().min(1).max(UNLIMITED);

/** Circuit-breaker limits; `2147483647` means unlimited (App Mesh's default for every field). */
export const connectionPoolSchema = z.strictObject({
  /** Open connections to the cluster (tcp, http). @default 2147483647 */
  maxConnections: limit,
  /** Requests waiting for a connection (http). @default 2147483647 */
  maxPendingRequests: limit,
  /** Requests in flight (http2, grpc). @default 2147483647 */
  maxRequests: limit,
});
export type ConnectionPool = z.infer<typeof connectionPoolSchema>;

/** Passive health: eject an endpoint after `maxServerErrors` consecutive 5xx (or connect failures). */
export const outlierDetectionSchema = z.strictObject({
  maxServerErrors: z.int().min(1),
  /** How often ejections are evaluated. */
  intervalMs: z.int().min(0).max(MAX_DURATION_MS),
  /** An endpoint is ejected for this long times the number of times it has been ejected. */
  baseEjectionDurationMs: z.int().min(0).max(MAX_DURATION_MS),
  /** At most this percentage of the cluster's endpoints are ejected at once. */
  maxEjectionPercent: z.int().min(0).max(100),
});
export type OutlierDetection = z.infer<typeof outlierDetectionSchema>;

/** Active health check of a listener's endpoints. */
export const healthCheckSchema = z.strictObject({
  protocol: z.enum(PROTOCOLS),
  /** Port checked on the endpoint. @default the listener's port */
  port: portNumber,
  /** Request path for http and http2 checks; absent for tcp and grpc. @default '/' */
  path: z.string().min(1).optional(),
  healthyThreshold: z.int().min(1),
  unhealthyThreshold: z.int().min(1),
  intervalMs: z.int().min(1),
  timeoutMs: z.int().min(1),
});
export type HealthCheck = z.infer<typeof healthCheckSchema>;

/**
 * Where a virtual node's endpoints are. Endpoints from the Tessera registry (self-registration, ECS task
 * events) take precedence; `dns` names a host to resolve; `cloudMap` instances are only known through the
 * registry in this version (see `unsupported`); `none`: only the registry.
 */
export const discoverySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('dns'),
    hostname: z.string().min(1),
    /** `LOADBALANCER`: use one address at a time; `ENDPOINTS`: balance over every address. @default 'LOADBALANCER' */
    responseType: z.enum(['LOADBALANCER', 'ENDPOINTS']),
    /** The node's preference, else the mesh's. @default 'IPv6_PREFERRED' (App Mesh's DNS default) */
    ipPreference: z.enum(IP_PREFERENCES),
  }),
  z.strictObject({
    kind: z.literal('cloudMap'),
    namespaceName: z.string().min(1),
    serviceName: z.string().min(1),
    /** Instances must carry every one of these attributes; sorted by key. */
    attributes: z.array(z.strictObject({ key: z.string().min(1), value: z.string() })),
    /** The node's preference, else the mesh's. @default 'IPv4_PREFERRED' (App Mesh's Cloud Map default) */
    ipPreference: z.enum(IP_PREFERENCES),
  }),
  z.strictObject({ kind: z.literal('none') }),
]);
export type Discovery = z.infer<typeof discoverySchema>;

/** One virtual node listener, as a destination of routes. */
export const clusterSchema = z.strictObject({
  /** `<virtualNode>:<port>`; what `targets[].cluster` refers to. */
  id: z.string().min(3),
  virtualNode: z.string().min(1),
  /** The listener port; endpoints are joined on it (`endpoints[].ports[].listenerPort`). */
  port: portNumber,
  /** The listener's protocol: how to speak to the endpoints (http: HTTP/1.1; http2 and grpc: HTTP/2). */
  protocol: z.enum(PROTOCOLS),
  discovery: discoverySchema,
  connectionPool: connectionPoolSchema,
  /** Absent: endpoints are never ejected. */
  outlierDetection: outlierDetectionSchema.optional(),
  /** Absent: no active health checking. */
  healthCheck: healthCheckSchema.optional(),
  /** The listener's own timeouts (defaults filled), which the routes to it fall back on. */
  timeout: timeoutSchema,
});
export type Cluster = z.infer<typeof clusterSchema>;
