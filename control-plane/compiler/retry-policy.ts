// Retry policies: a route's App Mesh retry events as statuses and conditions, or App Mesh's default policy.

import { DEFAULT_RETRY_POLICY } from '../model/constants.js';
import type { Duration } from '../model/shared.js';
import type { RetryPolicy, Timeout } from '../snapshot/routes.js';
import {
  CLIENT_ERROR_STATUSES,
  GATEWAY_ERROR_STATUSES,
  GRPC_STATUS_CODES,
  SERVER_ERROR_STATUSES,
} from './defaults.js';
import { toMs } from './durations.js';

export interface RetryPolicySpec {
  readonly maxRetries: number;
  readonly perRetryTimeout: Duration;
  readonly httpRetryEvents?: readonly string[] | undefined;
  readonly tcpRetryEvents?: readonly string[] | undefined;
  readonly grpcRetryEvents?: readonly string[] | undefined;
}

/**
 * The route's policy converted, or App Mesh's default when it has none: 2 retries on 503, gRPC
 * `unavailable`, connect failure and refused stream, each attempt limited by the request timeout.
 * Both kinds prefer a different endpoint for a retry (App Mesh's Envoy did, with `previous_hosts`).
 */
export function retryPolicy(spec: RetryPolicySpec | undefined, timeout: Timeout): RetryPolicy {
  if (spec === undefined) {
    return {
      isDefault: true,
      maxRetries: DEFAULT_RETRY_POLICY.maxRetries,
      perRetryTimeoutMs: timeout.perRequestMs,
      httpStatuses: [...DEFAULT_RETRY_POLICY.httpStatuses],
      grpcStatuses: grpcStatuses(DEFAULT_RETRY_POLICY.grpcRetryEvents),
      connectFailure: DEFAULT_RETRY_POLICY.connectFailure,
      reset: false,
      refusedStream: DEFAULT_RETRY_POLICY.refusedStream,
      preferDifferentHost: DEFAULT_RETRY_POLICY.preferDifferentHost,
    };
  }
  const http = new Set(spec.httpRetryEvents ?? []);
  // `server-error` and `gateway-error` include Envoy's `reset` (which also covers connect failures and refused streams).
  const anyReset = http.has('server-error') || http.has('gateway-error');
  const statuses = new Set<number>([
    ...(http.has('server-error') ? SERVER_ERROR_STATUSES : []),
    ...(http.has('gateway-error') ? GATEWAY_ERROR_STATUSES : []),
    ...(http.has('client-error') ? CLIENT_ERROR_STATUSES : []),
  ]);
  return {
    isDefault: false,
    maxRetries: spec.maxRetries,
    perRetryTimeoutMs: toMs(spec.perRetryTimeout),
    httpStatuses: [...statuses].sort((a, b) => a - b),
    grpcStatuses: grpcStatuses(spec.grpcRetryEvents ?? []),
    connectFailure: anyReset || (spec.tcpRetryEvents ?? []).includes('connection-error'),
    reset: anyReset,
    refusedStream: anyReset || http.has('stream-error'),
    preferDifferentHost: DEFAULT_RETRY_POLICY.preferDifferentHost,
  };
}

function grpcStatuses(events: readonly string[]): number[] {
  const codes = new Set(events.flatMap((event) => GRPC_STATUS_CODES[event] ?? []));
  return [...codes].sort((a, b) => a - b);
}
