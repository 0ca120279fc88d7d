// Reads HTTP/1.1 responses off an upstream connection, strictly: anything a smuggling attack or a broken
// server could make two parsers read differently is refused (the connection is then discarded, and the
// request answered 502), never guessed at.

import { equalsLowerCase } from '../../http/header-name-set.js';
import {
  ANOTHER_HEAD,
  CHUNKED,
  CONTROL,
  connectionOptions,
  isContentLength,
  MessageParser,
  readHeaderLines,
  UNTIL_CLOSE,
} from '../../http/wire/message-parser.js';
import { malformed } from './errors.js';

export interface ResponseEvents {
  /** The final (non-1xx) head: status and the raw header list as `[name, value, …]`. */
  onResponseHead(status: number, headers: string[]): void;
  /** A slice of the body, after de-chunking; a view into the socket's buffer, valid until the call returns. */
  onResponseData(chunk: Buffer): void;
  /** The response is complete; `extraBytes`: bytes followed it in the same read (the connection is spoiled). */
  onResponseEnd(extraBytes: boolean): void;
}

export interface ResponseLimits {
  /** Bytes of one response head (status line and headers). */
  readonly maxHeaderBytes: number;
  readonly maxHeaderCount: number;
}

const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: .*)?$/;
const KEEP_ALIVE_TIMEOUT = /(?:^|[\s,])timeout=(\d+)/i;

/**
 * One response at a time: `start()` before each request's response, then `execute()` with each chunk
 * read, and `end()` when the connection reaches EOF. Errors are thrown as `UpstreamHttpError`.
 */
export class ResponseParser extends MessageParser {
  readonly #events: ResponseEvents;
  readonly #maxHeaderCount: number;
  #bodiless = false;
  #status = 0;
  #headers: string[] = [];
  /** The connection may carry another request once this response ends. */
  keepAlive = false;
  /** The upstream's `Keep-Alive: timeout=` in milliseconds, when it sent one. */
  keepAliveTimeoutMs: number | undefined;

  constructor(events: ResponseEvents, limits: ResponseLimits) {
    super('response', limits.maxHeaderBytes, (rule) => malformed(rule));
    this.#events = events;
    this.#maxHeaderCount = limits.maxHeaderCount;
  }

  /** Expects the response to a request; a response to `HEAD` has no body whatever its headers say. */
  start(method: string): void {
    this.expectHead(false);
    this.#bodiless = method === 'HEAD';
    this.keepAlive = false;
    this.keepAliveTimeoutMs = undefined;
  }

  /** The connection reached EOF: ends a body delimited by the close, else throws if a response was cut. */
  end(): void {
    if (this.endAtClose()) return;
    if (this.reading) throw malformed('the connection closed before the response ended');
  }

  protected readHead(text: string): number {
    let at = text.indexOf('\r\n');
    if (at === -1) at = text.length;
    const statusText = text.slice(0, at);
    const statusLine = STATUS_LINE.exec(statusText);
    if (statusLine === null || CONTROL.test(statusText)) {
      throw malformed(
        `the status line ${JSON.stringify(statusText.slice(0, 64))} is not "HTTP/1.x NNN reason"`,
      );
    }
    const minor = statusLine[1] === '1' ? 1 : 0;
    const status = Number(statusLine[2]);
    const headers = readHeaderLines(this.subject, text, at + 2, this.#maxHeaderCount, this.fail);
    let contentLength = -1;
    let transferEncoding: string | undefined;
    let close = false;
    let keepAliveToken = false;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!;
      const value = headers[i + 1]!;
      switch (name.length) {
        case 10:
          if (equalsLowerCase(name, 'connection')) {
            const options = connectionOptions(value);
            close ||= options.close;
            keepAliveToken ||= options.keepAlive;
          } else if (equalsLowerCase(name, 'keep-alive')) {
            const timeout = KEEP_ALIVE_TIMEOUT.exec(value);
            if (timeout !== null) this.keepAliveTimeoutMs = Number(timeout[1]) * 1000;
          }
          break;
        case 14:
          if (equalsLowerCase(name, 'content-length')) {
            if (!isContentLength(value)) throw malformed(`Content-Length "${value}" is not a number`);
            const length = Number(value);
            if (contentLength !== -1 && contentLength !== length) {
              throw malformed('two different Content-Length headers');
            }
            contentLength = length;
          }
          break;
        case 17:
          if (equalsLowerCase(name, 'transfer-encoding')) {
            transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
          }
          break;
      }
    }
    if (status < 200) {
      // 1xx: informational, read past. 101 would switch protocols, and no request of ours asks for it.
      if (status === 101) throw malformed('101 Switching Protocols to a request that asked for no upgrade');
      return ANOTHER_HEAD;
    }
    let chunked = false;
    if (transferEncoding !== undefined) {
      if (minor === 0) throw malformed('Transfer-Encoding in an HTTP/1.0 response');
      if (contentLength !== -1) throw malformed('both Content-Length and Transfer-Encoding');
      if (transferEncoding.trim().toLowerCase() !== 'chunked') {
        throw malformed(`Transfer-Encoding must be exactly "chunked", got "${transferEncoding}"`);
      }
      chunked = true;
    }
    this.keepAlive = !close && (minor === 1 || keepAliveToken);
    this.#status = status;
    this.#headers = headers;
    if (this.#bodiless || status === 204 || status === 304) return 0;
    if (chunked) return CHUNKED;
    if (contentLength >= 0) return contentLength;
    this.keepAlive = false;
    return UNTIL_CLOSE;
  }

  protected emitHead(): void {
    const headers = this.#headers;
    this.#headers = [];
    this.#events.onResponseHead(this.#status, headers);
  }

  protected emitData(chunk: Buffer): void {
    this.#events.onResponseData(chunk);
  }

  protected emitEnd(more: boolean): void {
    this.#events.onResponseEnd(more);
  }
}
