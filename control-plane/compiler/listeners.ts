// Listener settings as the snapshot carries them: inbound listeners, connection pools, health checks, timeouts.

import {
  DEFAULT_CONNECTION_POOL_LIMIT,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_PER_REQUEST_TIMEOUT_MS,
} from '../model/constants.js';
import type { Duration } from '../model/shared.js';
import type { VirtualGatewaySpec } from '../model/virtual-gateway.js';
import type { VirtualNodeSpec } from '../model/virtual-node.js';
import type { ConnectionPool, HealthCheck } from '../snapshot/clusters.js';
import type { Listener } from '../snapshot/listeners.js';
import type { Timeout } from '../snapshot/routes.js';
import { DEFAULT_HEALTH_CHECK_PATH } from './defaults.js';
import { toMs } from './durations.js';
import { at, type Notes, type Site } from './notes.js';
import { listenerTls } from './tls.js';

export type NodeListener = NonNullable<VirtualNodeSpec['listeners']>[number];
export type GatewayListener = VirtualGatewaySpec['listeners'][number];
type AnyListener = NodeListener | GatewayListener;

/** The `timeout` member of a node listener, whichever protocol it is under. */
export function listenerTimeoutSpec(listener: AnyListener): { perRequest?: Duration; idle?: Duration } {
  if (!('timeout' in listener) || listener.timeout === undefined) return {};
  const { http, http2, grpc, tcp } = listener.timeout;
  return http ?? http2 ?? grpc ?? tcp ?? {};
}

/** A listener's own timeouts with App Mesh's defaults filled in; `perRequestMs` is 0 for tcp. */
export function listenerTimeout(listener: AnyListener): Timeout {
  const spec = listenerTimeoutSpec(listener);
  const perRequest = 'perRequest' in spec ? spec.perRequest : undefined;
  return {
    perRequestMs:
      listener.portMapping.protocol === 'tcp'
        ? 0
        : perRequest === undefined
          ? DEFAULT_PER_REQUEST_TIMEOUT_MS
          : toMs(perRequest),
    idleMs: spec.idle === undefined ? DEFAULT_IDLE_TIMEOUT_MS : toMs(spec.idle),
  };
}

/** Every limit set, the absent ones unlimited. */
export function connectionPool(listener: AnyListener): ConnectionPool {
  const pool = listener.connectionPool;
  const limits: { maxConnections?: number; maxPendingRequests?: number; maxRequests?: number } =
    (pool && ('tcp' in pool ? pool.tcp : undefined)) ?? pool?.http ?? pool?.http2 ?? pool?.grpc ?? {};
  return {
    maxConnections: limits.maxConnections ?? DEFAULT_CONNECTION_POOL_LIMIT,
    maxPendingRequests: limits.maxPendingRequests ?? DEFAULT_CONNECTION_POOL_LIMIT,
    maxRequests: limits.maxRequests ?? DEFAULT_CONNECTION_POOL_LIMIT,
  };
}

/** The listener's health check with its port and (http, http2) path filled in; undefined when none. */
export function healthCheck(listener: AnyListener): HealthCheck | undefined {
  const check = listener.healthCheck;
  if (check === undefined) return undefined;
  const hasPath = check.protocol === 'http' || check.protocol === 'http2';
  return {
    protocol: check.protocol,
    port: check.port ?? listener.portMapping.port,
    ...(hasPath ? { path: check.path || DEFAULT_HEALTH_CHECK_PATH } : {}),
    healthyThreshold: check.healthyThreshold,
    unhealthyThreshold: check.unhealthyThreshold,
    intervalMs: check.intervalMillis,
    timeoutMs: check.timeoutMillis,
  };
}

/** The inbound listeners of a node or gateway, ascending by port. */
export function inboundListeners(listeners: readonly AnyListener[], owner: Site, notes: Notes): Listener[] {
  const compiled = listeners.map((listener, i) => {
    const check = healthCheck(listener);
    const tls =
      listener.tls === undefined ? undefined : listenerTls(listener.tls, at(owner, `[${i}].tls`), notes);
    return {
      port: listener.portMapping.port,
      protocol: listener.portMapping.protocol,
      timeout: listenerTimeout(listener),
      connectionPool: connectionPool(listener),
      ...(check !== undefined ? { healthCheck: check } : {}),
      ...(tls !== undefined ? { tls } : {}),
    };
  });
  return compiled.sort((a, b) => a.port - b.port);
}
