// Why an upstream attempt failed, told from undici's error, and the local reply each failure ends in.

/**
 * - `connect`: no connection could be made; no byte of the request left the proxy.
 * - `reset`: the connection closed or failed after the request was (maybe) sent, before response headers.
 * - `malformed`: the upstream's response could not be parsed; its connection is discarded.
 * - `timeout`: the upstream was silent for the idle timeout before response headers.
 * - `local`: the request could not be handed to undici (a header it refuses); not the upstream's fault.
 */
export type FailureKind = 'connect' | 'reset' | 'malformed' | 'timeout' | 'local';

/** The kind of failure an undici error means. `sent`: undici had started writing the request. */
export function classifyError(err: Error & { code?: string }, sent: boolean): FailureKind {
  if (err.name === 'HTTPParserError') return 'malformed';
  const code = err.code;
  if (code !== undefined) {
    if (code.startsWith('HPE_')) return 'malformed';
    switch (code) {
      case 'UND_ERR_INVALID_ARG':
      case 'UND_ERR_NOT_SUPPORTED':
        return 'local';
      case 'UND_ERR_HEADERS_TIMEOUT':
        return 'timeout';
      case 'UND_ERR_HEADERS_OVERFLOW':
      case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
        return 'malformed';
    }
  }
  if (err.message === 'bad response' || err.message === 'bad upgrade') return 'malformed';
  return sent ? 'reset' : 'connect';
}
