// Limits on what a downstream client may send, and the `http.createServer` options that make Node enforce its share.

import type { ServerOptions } from 'node:http';

/** Envoy's limits: at most 100 headers, a header block of at most 60 KiB. */
export const DEFAULT_MAX_HEADER_COUNT = 100;
export const DEFAULT_MAX_HEADER_BYTES = 60 * 1024;
/** Node's defaults for receiving a request's headers and the whole request. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
/** An idle client connection is kept this long (App Mesh's default idle timeout is 300 s). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 300_000;
/** How often Node checks the two timeouts above; its own default (30 s) would make them late by up to that. */
export const DEFAULT_TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface HttpLimits {
  /** More headers than this are answered 431 (counted in `rawHeaders`). @default 100 */
  readonly maxHeaderCount: number;
  /** A larger header block (request line and headers, in bytes) is answered 431 by Node. @default 61440 */
  readonly maxHeaderBytes: number;
  /** Headers not received within this are answered 408 by Node. @default 60000 */
  readonly headersTimeoutMs: number;
  /** A request (headers and body) not received within this is answered 408 by Node; 0 disables. @default 300000 */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. @default 300000 */
  readonly keepAliveTimeoutMs: number;
  /** Granularity of the two timeouts above. @default 1000 */
  readonly timeoutCheckIntervalMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = Object.freeze({
  maxHeaderCount: DEFAULT_MAX_HEADER_COUNT,
  maxHeaderBytes: DEFAULT_MAX_HEADER_BYTES,
  headersTimeoutMs: DEFAULT_HEADERS_TIMEOUT_MS,
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  timeoutCheckIntervalMs: DEFAULT_TIMEOUT_CHECK_INTERVAL_MS,
});

/** The defaults with `overrides` applied. */
export function httpLimits(overrides: Partial<HttpLimits> = {}): HttpLimits {
  return Object.freeze({ ...DEFAULT_HTTP_LIMITS, ...overrides });
}

/**
 * Options for `http.createServer` that make Node's parser enforce what it can, strictly. What Node then
 * answers by itself (with `Connection: close`, and the connection closed, before any handler runs):
 * - 400: malformed request line or header, obs-fold, NUL, bare CR or LF, `Content-Length` together with
 *   `Transfer-Encoding`, a duplicate or malformed `Content-Length`, `chunked` not last in
 *   `Transfer-Encoding`, a bad chunk, an HTTP/1.1 request without `Host` (`requireHostHeader`).
 * - 431: a header block over `maxHeaderBytes`.
 * - 408: headers not complete within `headersTimeoutMs`, or the request within `requestTimeoutMs`.
 * These hold only while the server has no `clientError` listener (with one, it must answer itself).
 * The rest (duplicate `Host`, header count, odd `Transfer-Encoding`, request target) is `checkRequestHead`'s.
 */
export function serverOptions(limits: HttpLimits = DEFAULT_HTTP_LIMITS): ServerOptions {
  const requestTimeout = limits.requestTimeoutMs;
  // Node refuses a headers timeout above a (non-zero) request timeout.
  const headersTimeout =
    requestTimeout > 0 ? Math.min(limits.headersTimeoutMs, requestTimeout) : limits.headersTimeoutMs;
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    insecureHTTPParser: false,
    joinDuplicateHeaders: false,
    requireHostHeader: true,
  };
}
