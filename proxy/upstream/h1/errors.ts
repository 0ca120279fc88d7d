// The errors the upstream HTTP/1.1 client fails a request with; `classifyError` maps their codes to replies.

export type UpstreamErrorCode =
  /** The response broke HTTP/1.1 framing or syntax; the message names the rule. */
  | 'UPSTREAM_MALFORMED_RESPONSE'
  /** The upstream sent nothing for the idle time while the response head was awaited. */
  | 'UPSTREAM_HEADERS_TIMEOUT'
  /** The upstream went silent for the idle time in the middle of the response body. */
  | 'UPSTREAM_BODY_TIMEOUT'
  /** No TCP connection within the connect timeout. */
  | 'UPSTREAM_CONNECT_TIMEOUT'
  /** The upstream closed the connection before the response ended. */
  | 'UPSTREAM_CLOSED'
  /** The pool was closed (its endpoint left the cluster) before the request got a connection. */
  | 'UPSTREAM_POOL_CLOSED'
  /** The request itself cannot be written (a header with CR/LF/NUL, a bad method or path). */
  | 'UPSTREAM_INVALID_REQUEST';

export class UpstreamHttpError extends Error {
  readonly code: UpstreamErrorCode;

  constructor(code: UpstreamErrorCode, message: string) {
    super(message);
    this.name = 'UpstreamHttpError';
    this.code = code;
  }
}

export const malformed = (rule: string): UpstreamHttpError =>
  new UpstreamHttpError('UPSTREAM_MALFORMED_RESPONSE', `malformed upstream response: ${rule}`);
