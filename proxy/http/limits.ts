// Limits on what a downstream client may send; the proxy's HTTP server (`server/`) enforces them.

/** Envoy's limits: at most 100 headers, a header block of at most 60 KiB. */
export const DEFAULT_MAX_HEADER_COUNT = 100;
export const DEFAULT_MAX_HEADER_BYTES = 60 * 1024;
/** Node's defaults for receiving a request's headers and the whole request (kept when the server became our own). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 60_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
/** An idle client connection is kept this long (App Mesh's default idle timeout is 300 s). */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 300_000;
/** How often the server checks its timeouts: each may pass up to this late. */
export const DEFAULT_TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface HttpLimits {
  /** More headers than this are answered 431. @default 100 */
  readonly maxHeaderCount: number;
  /** A larger header block (request line and headers, in bytes) is answered 431. @default 61440 */
  readonly maxHeaderBytes: number;
  /** Headers not received within this are answered 408. @default 60000 */
  readonly headersTimeoutMs: number;
  /** A request (headers and body) not received within this is answered 408; 0 disables. @default 300000 */
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
