// Listener parts shared by virtual nodes and gateways: port mapping, health check, pools, timeouts, outlier detection.

import { z } from 'zod';
import {
  MAX_EJECTION_PERCENT,
  MAX_HEALTH_CHECK_INTERVAL_MS,
  MAX_HEALTH_CHECK_THRESHOLD,
  MAX_HEALTH_CHECK_TIMEOUT_MS,
  MIN_CONNECTION_POOL_LIMIT,
  MIN_EJECTION_PERCENT,
  MIN_HEALTH_CHECK_INTERVAL_MS,
  MIN_HEALTH_CHECK_THRESHOLD,
  MIN_HEALTH_CHECK_TIMEOUT_MS,
  MIN_OUTLIER_MAX_SERVER_ERRORS,
  PORT_PROTOCOLS,
} from './constants.js';
import {
  duration,
  exactlyOne,
  intAtLeast,
  intBetween,
  isRecord,
  port,
  type Report,
  setMembers,
} from './shared.js';

/** `portMapping{port, protocol}` for the given protocols. */
export function portMapping<P extends readonly [string, ...string[]]>(protocols: P) {
  return z.strictObject({ port, protocol: z.enum(protocols) });
}

/** Active health checking of the listener's own app. */
export function healthCheck<P extends readonly [string, ...string[]]>(protocols: P) {
  return z.strictObject({
    protocol: z.enum(protocols),
    port: port.optional(),
    path: z.string().optional(),
    healthyThreshold: intBetween(MIN_HEALTH_CHECK_THRESHOLD, MAX_HEALTH_CHECK_THRESHOLD),
    unhealthyThreshold: intBetween(MIN_HEALTH_CHECK_THRESHOLD, MAX_HEALTH_CHECK_THRESHOLD),
    intervalMillis: intBetween(MIN_HEALTH_CHECK_INTERVAL_MS, MAX_HEALTH_CHECK_INTERVAL_MS),
    timeoutMillis: intBetween(MIN_HEALTH_CHECK_TIMEOUT_MS, MAX_HEALTH_CHECK_TIMEOUT_MS),
  });
}

export const outlierDetection = z.strictObject({
  maxServerErrors: intAtLeast(MIN_OUTLIER_MAX_SERVER_ERRORS),
  interval: duration,
  baseEjectionDuration: duration,
  maxEjectionPercent: intBetween(MIN_EJECTION_PERCENT, MAX_EJECTION_PERCENT),
});

const limit = intAtLeast(MIN_CONNECTION_POOL_LIMIT);
const tcpPool = z.strictObject({ maxConnections: limit });
const httpPool = z.strictObject({ maxConnections: limit, maxPendingRequests: limit.optional() });
const requestPool = z.strictObject({ maxRequests: limit });

/** A virtual node listener's circuit breaker: one of `tcp` | `http` | `http2` | `grpc`. */
export const nodeConnectionPool = exactlyOne(
  z.strictObject({
    tcp: tcpPool.optional(),
    http: httpPool.optional(),
    http2: requestPool.optional(),
    grpc: requestPool.optional(),
  }),
  ['tcp', 'http', 'http2', 'grpc'],
);

/** A virtual gateway listener's circuit breaker: one of `http` | `http2` | `grpc`. */
export const gatewayConnectionPool = exactlyOne(
  z.strictObject({ http: httpPool.optional(), http2: requestPool.optional(), grpc: requestPool.optional() }),
  ['http', 'http2', 'grpc'],
);

/** `perRequest` (default 15 s, 0 disables) and `idle` (default 300 s) for http, http2 and grpc. */
export const requestTimeout = z.strictObject({ perRequest: duration.optional(), idle: duration.optional() });
/** `idle` (default 300 s) for tcp. */
export const tcpTimeout = z.strictObject({ idle: duration.optional() });

export const listenerTimeout = exactlyOne(
  z.strictObject({
    http: requestTimeout.optional(),
    http2: requestTimeout.optional(),
    grpc: requestTimeout.optional(),
    tcp: tcpTimeout.optional(),
  }),
  ['http', 'http2', 'grpc', 'tcp'],
);

/**
 * A rule for listeners speaking `protocols`: `connectionPool` and `timeout` must use the member named by
 * `portMapping.protocol` (checked only once the protocol itself is valid).
 */
export function listenerProtocolRule(protocols: readonly string[]) {
  return (listener: Record<string, unknown>, report: Report): void => {
    const protocol = isRecord(listener.portMapping) ? listener.portMapping.protocol : undefined;
    if (typeof protocol !== 'string' || !protocols.includes(protocol)) return;
    for (const field of ['connectionPool', 'timeout']) {
      const union = listener[field];
      if (!isRecord(union)) continue;
      const set = setMembers(union, PORT_PROTOCOLS);
      if (set.length === 1 && set[0] !== protocol) {
        report([field], `must set ${protocol} to match portMapping.protocol`, set);
      }
    }
  };
}
