// Why an upstream attempt failed, told from the pool's error, and the local reply each failure ends in.

/**
 * - `connect`: no connection could be made; no byte of the request left the proxy.
 * - `reset`: the connection closed or failed after the request was (maybe) sent, before response headers.
 * - `malformed`: the upstream's response could not be parsed; its connection is discarded.
 * - `timeout`: the upstream was silent for the idle timeout before response headers.
 * - `local`: the request could not be written (a header that would break the wire); not the upstream's fault.
 */
export type FailureKind = 'connect' | 'reset' | 'malformed' | 'timeout' | 'local';

/** The kind of failure an error of `H1Pool` (or the socket's) means. `sent`: writing had started. */
export function classifyError(err: Error & { code?: string }, sent: boolean): FailureKind {
  switch (err.code) {
    case 'UPSTREAM_MALFORMED_RESPONSE':
      return 'malformed';
    case 'UPSTREAM_HEADERS_TIMEOUT':
      return 'timeout';
    case 'UPSTREAM_INVALID_REQUEST':
      return 'local';
    default:
      return sent ? 'reset' : 'connect';
  }
}
