// Routes in the snapshot: what a request to a virtual service resolves to, with retries and timeouts resolved.

import { z } from 'zod';
import { portNumber, requestMatchSchema, tcpMatchSchema } from './matches.js';
import { clientPolicySchema } from './tls.js';

export const PROTOCOLS = ['http', 'http2', 'grpc', 'tcp'] as const;
export const REQUEST_PROTOCOLS = ['http', 'http2', 'grpc'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** The longest duration a Node.js timer takes (about 24.8 days); longer durations are clamped to it. */
export const MAX_DURATION_MS = 2_147_483_647;

const milliseconds = z.int().min(0).max(MAX_DURATION_MS);

/** Time limits in milliseconds (at most `MAX_DURATION_MS`); 0 disables the limit. */
export const timeoutSchema = z.strictObject({
  /**
   * Whole-request limit, covering every retry. Always 0 for tcp.
   * @default 15000 (App Mesh's 15 s when neither the route nor the target listener sets one)
   */
  perRequestMs: milliseconds,
  /**
   * Closes a connection (tcp) or stream (http) with no activity for this long.
   * @default 300000 (300 s)
   */
  idleMs: milliseconds,
});
export type Timeout = z.infer<typeof timeoutSchema>;

/**
 * When to retry a request, ready to apply. A retry is attempted when any enabled condition occurs and
 * fewer than `maxRetries` retries have been made; all attempts stay within `timeout.perRequestMs`.
 */
export const retryPolicySchema = z.strictObject({
  /** True when the route set no policy and this is App Mesh's default (2 retries on 503, gRPC 14, connect failure, refused stream). */
  isDefault: z.boolean(),
  /** Retries after the first attempt; 0 disables retries. @default 2 */
  maxRetries: z.int().min(0),
  /** Limit of each attempt; 0: none (only the request timeout applies). @default the route's `perRequestMs` */
  perRetryTimeoutMs: milliseconds,
  /** Response statuses that are retried, ascending. @default [503] */
  httpStatuses: z.array(z.int().min(100).max(599)),
  /** `grpc-status` codes that are retried, ascending (1 cancelled, 4 deadline-exceeded, 8 resource-exhausted, 13 internal, 14 unavailable). @default [14] */
  grpcStatuses: z.array(z.int().min(0).max(16)),
  /** Retry when no connection to the endpoint could be made. @default true */
  connectFailure: z.boolean(),
  /** Retry when the connection or stream is reset before response headers arrive. @default false */
  reset: z.boolean(),
  /** Retry when an HTTP/2 upstream refuses the stream (REFUSED_STREAM). @default true */
  refusedStream: z.boolean(),
  /** Pick a different endpoint of the same cluster for a retry when one is available. @default true */
  preferDifferentHost: z.boolean(),
});
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

/** One destination of a route: a cluster (virtual node listener) and its relative weight. */
export const weightedTargetSchema = z.strictObject({
  /** A `clusters[].id`. */
  cluster: z.string().min(1),
  /** Relative weight, at least 1 (targets of weight 0 are left out). */
  weight: z.int().min(1),
});
export type WeightedTarget = z.infer<typeof weightedTargetSchema>;

const routeCommon = {
  /** The App Mesh route name; for a virtual-node provider, `<virtualNode>:<port>` (a name no route can have). */
  name: z.string().min(1),
  /** App Mesh priority (0 first). Absent: the route comes after all routes with one. */
  priority: z.int().min(0).max(1000).optional(),
  /** Weighted destinations sorted by cluster id; empty: every request is answered 503. */
  targets: z.array(weightedTargetSchema),
  /**
   * Weight of targets the compiler could not resolve (see `problems`). A weighted pick among
   * `targets` plus this share that lands here is answered 503, so a broken target's traffic never goes
   * to another one. @default 0
   */
  unavailableWeight: z.int().min(0),
  timeout: timeoutSchema,
};

/** An http, http2 or grpc route. */
export const requestRouteSchema = z.strictObject({
  protocol: z.enum(REQUEST_PROTOCOLS),
  match: requestMatchSchema,
  retryPolicy: retryPolicySchema,
  ...routeCommon,
});
export type RequestRoute = z.infer<typeof requestRouteSchema>;

/** A tcp route: connections are forwarded as bytes, never retried (App Mesh has no tcp retry policy). */
export const tcpRouteSchema = z.strictObject({
  protocol: z.literal('tcp'),
  match: tcpMatchSchema,
  ...routeCommon,
});
export type TcpRoute = z.infer<typeof tcpRouteSchema>;

export const routeSchema = z.discriminatedUnion('protocol', [requestRouteSchema, tcpRouteSchema]);
export type Route = z.infer<typeof routeSchema>;

/** A port a virtual service is reached on, with the protocol its routes speak there. */
export const servicePortSchema = z.strictObject({ port: portNumber, protocol: z.enum(PROTOCOLS) });
export type ServicePort = z.infer<typeof servicePortSchema>;

/** Who provides a virtual service. `none`: no provider, or the service does not exist (see `problems`). */
export const providerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('virtualRouter'), name: z.string().min(1) }),
  z.strictObject({ kind: z.literal('virtualNode'), name: z.string().min(1) }),
  z.strictObject({ kind: z.literal('none') }),
]);
export type Provider = z.infer<typeof providerSchema>;

/**
 * A virtual service this proxy sends requests to, and what its requests resolve to.
 * A request on port P is matched against the routes, in order, whose `protocol` is the protocol of P in
 * `ports` and whose `match.port` is absent or P; the first match wins; no match is answered 404
 * (http) or refused (tcp). A service without routes answers 503.
 */
export const virtualServiceSchema = z.strictObject({
  /** The virtual service name, as the app addresses it in `Host` (lowercase it before lookup). */
  name: z.string().min(1),
  provider: providerSchema,
  /** The router's listeners, or the provider node's; ascending by port. Empty when there is no provider. */
  ports: z.array(servicePortSchema),
  /** TLS toward this service's endpoints: the backend's own client policy, else the backend defaults. Absent: plain text. */
  clientPolicy: clientPolicySchema.optional(),
  /** In App Mesh order: priority ascending, then routes without priority by name. */
  routes: z.array(routeSchema),
});
export type VirtualService = z.infer<typeof virtualServiceSchema>;
