// What a retry policy retries for a given failure and method, and how long to wait before a retry.

import type { RetryPolicy } from '../../control-plane/snapshot/index.js';
import { RETRY_BACKOFF_BASE_MS, RETRY_BACKOFF_MAX_MS } from './constants.js';
import type { FailureKind } from './errors.js';

/** RFC 9110 §9.2.2: methods whose repetition has the same effect as one request. */
export function isIdempotent(method: string): boolean {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
    case 'TRACE':
    case 'PUT':
    case 'DELETE':
      return true;
    default:
      return false;
  }
}

/**
 * Whether `policy` retries an attempt that failed with `kind` (or answered `status`).
 *
 * The rule for non-idempotent methods (POST, PATCH, …) — never send one twice once its bytes may have
 * reached an upstream, unless the route says so:
 * - connect failure: nothing was sent, so it is retried like any other request (`connectFailure`);
 * - a response whose status the policy lists: retried only when the route set its own retry policy
 *   (`isDefault: false`) — the upstream answered, and the route's author asked for that status to be
 *   retried (what App Mesh's Envoy did). App Mesh's implicit default policy never replays a POST;
 * - reset, timeout or malformed response: never retried — the upstream may have acted on the request
 *   and we cannot know.
 *
 * Idempotent methods are retried on every condition the policy enables: `connectFailure`, listed
 * statuses, `reset` (a reset before response headers), and timeouts before headers when the policy
 * retries resets or 504 (a silent upstream is a gateway timeout). Malformed responses are never retried.
 * `refusedStream` is an HTTP/2 condition and has no HTTP/1.1 counterpart.
 */
export function shouldRetry(
  policy: RetryPolicy,
  kind: FailureKind | 'status',
  status: number,
  idempotent: boolean,
): boolean {
  switch (kind) {
    case 'connect':
      return policy.connectFailure;
    case 'status':
      return (idempotent || !policy.isDefault) && policy.httpStatuses.includes(status);
    case 'reset':
      return idempotent && policy.reset;
    case 'timeout':
      return idempotent && (policy.reset || policy.httpStatuses.includes(504));
    default:
      return false;
  }
}

/** Full-jitter exponential backoff: uniform in [0, min(250, 25 × 2^(retry−1))) ms; `retry` starts at 1. */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_BACKOFF_MAX_MS, RETRY_BACKOFF_BASE_MS * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
