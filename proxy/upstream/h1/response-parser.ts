// Reads HTTP/1.1 responses off an upstream connection, strictly: anything a smuggling attack or a broken
// server could make two parsers read differently is refused (the connection is then discarded, and the
// request answered 502), never guessed at.

import { malformed } from './errors.js';
import { isTokenChar } from './token.js';

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

const IDLE = 0;
const HEAD = 1;
const BODY = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_DATA_END = 5;
const TRAILERS = 6;
const UNTIL_CLOSE = 7;
const DONE = 8;

const CRLF = Buffer.from('\r\n', 'latin1');
const CRLF2 = Buffer.from('\r\n\r\n', 'latin1');
/** Longest chunk-size line (size and extensions) and trailer section accepted. */
const MAX_CHUNK_LINE_BYTES = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;
/** Control characters other than HTAB: never valid in a head line (this also finds a bare CR or LF). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: .*)?$/;

/**
 * One response at a time: `start()` before each request's response, then `execute()` with each chunk
 * read, and `end()` when the connection reaches EOF. Errors are thrown as `UpstreamHttpError`.
 */
export class ResponseParser {
  readonly #events: ResponseEvents;
  readonly #limits: ResponseLimits;
  #state = IDLE;
  #bodiless = false;
  /** Bytes of a line or head split across reads. */
  #pending: Buffer | undefined;
  /** Bytes read but not parsed yet because the reader paused. */
  #held: Buffer | undefined;
  #paused = false;
  /** Body bytes left in a Content-Length body or in the current chunk. */
  #remaining = 0;
  #trailerBytes = 0;
  /** The connection may carry another request once this response ends. */
  keepAlive = false;
  /** The upstream's `Keep-Alive: timeout=` in milliseconds, when it sent one. */
  keepAliveTimeoutMs: number | undefined;

  constructor(events: ResponseEvents, limits: ResponseLimits) {
    this.#events = events;
    this.#limits = limits;
  }

  /** Expects the response to a request; a response to `HEAD` has no body whatever its headers say. */
  start(method: string): void {
    this.#state = HEAD;
    this.#held = undefined;
    this.#paused = false;
    this.#bodiless = method === 'HEAD';
    this.#pending = undefined;
    this.#trailerBytes = 0;
    this.keepAlive = false;
    this.keepAliveTimeoutMs = undefined;
  }

  /** Stops parsing (the request was aborted): nothing more is emitted. */
  reset(): void {
    this.#state = IDLE;
    this.#pending = undefined;
    this.#held = undefined;
    this.#paused = false;
  }

  /** Emits nothing more until `resume()`: what is left of the current read is held, not delivered. */
  pause(): void {
    this.#paused = true;
  }

  /** Paused by `pause()` and not resumed. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Delivers everything held, ignoring pauses (the connection is ending: nothing more will be read). */
  flush(): void {
    while (this.#held !== undefined) this.resume();
  }

  /** Delivers what was held by `pause()`, then reads on (unless paused again). */
  resume(): void {
    this.#paused = false;
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    this.execute(held);
  }

  /** The final head has arrived (timeouts after it are body timeouts). */
  get headReceived(): boolean {
    return this.#state > HEAD;
  }

  /** A response is being read (started and not ended). */
  get reading(): boolean {
    return this.#state !== IDLE && this.#state !== DONE;
  }

  /** Parses `chunk`, emitting events; bytes after the end of the response are left unread. */
  execute(chunk: Buffer): void {
    if (this.#held !== undefined) {
      this.#held = Buffer.concat([this.#held, chunk]);
      return;
    }
    let data = chunk;
    if (this.#pending !== undefined) {
      data = Buffer.concat([this.#pending, chunk]);
      this.#pending = undefined;
    }
    let at = 0;
    while (at < data.length) {
      if (this.#paused && this.#state !== DONE && this.#state !== IDLE) {
        this.#held = data.subarray(at);
        return;
      }
      switch (this.#state) {
        case HEAD: {
          const end = data.indexOf(CRLF2, at);
          // The limit is on the head without its blank line; up to 3 bytes of that line may be pending.
          if (
            end === -1
              ? data.length - at > this.#limits.maxHeaderBytes + 3
              : end - at > this.#limits.maxHeaderBytes
          ) {
            throw malformed(`the response head is larger than ${this.#limits.maxHeaderBytes} bytes`);
          }
          if (end === -1) {
            this.#pending = data.subarray(at);
            return;
          }
          const start = at;
          at = end + 4;
          this.#head(data.toString('latin1', start, end), at < data.length);
          break;
        }
        case BODY:
        case CHUNK_DATA: {
          const n = Math.min(this.#remaining, data.length - at);
          this.#remaining -= n;
          const slice = data.subarray(at, at + n);
          at += n;
          if (this.#remaining === 0) this.#state = this.#state === BODY ? DONE : CHUNK_DATA_END;
          this.#events.onResponseData(slice);
          if (this.#state === DONE) this.#events.onResponseEnd(at < data.length);
          break;
        }
        case CHUNK_SIZE: {
          const eol = this.#line(data, at);
          if (eol === -1) return;
          const size = chunkSize(data.toString('latin1', at, eol));
          at = eol + 2;
          if (size === 0) {
            this.#state = TRAILERS;
          } else {
            this.#remaining = size;
            this.#state = CHUNK_DATA;
          }
          break;
        }
        case CHUNK_DATA_END: {
          if (data.length - at < 2) {
            this.#pending = data.subarray(at);
            return;
          }
          if (data[at] !== 0x0d || data[at + 1] !== 0x0a) throw malformed('a chunk is longer than its size');
          at += 2;
          this.#state = CHUNK_SIZE;
          break;
        }
        case TRAILERS: {
          const eol = this.#line(data, at);
          if (eol === -1) return;
          // Trailers are read past, not relayed (the downstream response is not chunked by us on purpose).
          this.#trailerBytes += eol - at + 2;
          if (this.#trailerBytes > MAX_TRAILER_BYTES) throw malformed('the trailer section is too large');
          if (CONTROL.test(data.toString('latin1', at, eol)))
            throw malformed('a control character in a trailer');
          const empty = eol === at;
          at = eol + 2;
          if (empty) {
            this.#state = DONE;
            this.#events.onResponseEnd(at < data.length);
          }
          break;
        }
        case UNTIL_CLOSE: {
          const slice = at === 0 ? data : data.subarray(at);
          at = data.length;
          this.#events.onResponseData(slice);
          break;
        }
        default:
          // DONE: bytes past the response (reported with its end); IDLE: reset by an event handler.
          return;
      }
    }
  }

  /** The connection reached EOF: ends a body delimited by the close, else throws if a response was cut. */
  end(): void {
    if (this.#state === UNTIL_CLOSE) {
      this.#state = DONE;
      this.#events.onResponseEnd(false);
      return;
    }
    if (this.reading) throw malformed('the connection closed before the response ended');
  }

  /** The index of the CRLF ending the line at `at`, or -1 with the partial line kept. */
  #line(data: Buffer, at: number): number {
    const eol = data.indexOf(CRLF, at);
    if (eol === -1) {
      if (data.length - at > MAX_CHUNK_LINE_BYTES)
        throw malformed('a chunk-size or trailer line is too long');
      this.#pending = data.subarray(at);
    }
    return eol;
  }

  #head(text: string, more: boolean): void {
    // One pass over the characters (regular expressions per line cost several times more here).
    const length = text.length;
    let at = text.indexOf('\r\n');
    if (at === -1) at = length;
    const statusText = text.slice(0, at);
    const statusLine = STATUS_LINE.exec(statusText);
    if (statusLine === null || CONTROL.test(statusText)) {
      throw malformed(
        `the status line ${JSON.stringify(statusText.slice(0, 64))} is not "HTTP/1.x NNN reason"`,
      );
    }
    const minor = statusLine[1] === '1' ? 1 : 0;
    const status = Number(statusLine[2]);
    const headers: string[] = [];
    let contentLength = -1;
    let transferEncoding: string | undefined;
    let close = false;
    let keepAliveToken = false;
    at += 2;
    while (at < length) {
      let i = at;
      while (i < length && isTokenChar(text.charCodeAt(i))) i++;
      if (i === at || i === length || text.charCodeAt(i) !== 0x3a /* : */) {
        const first = text.charCodeAt(at);
        if (first === 0x20 || first === 0x09) throw malformed('a header line is folded (obs-fold)');
        const eol = text.indexOf('\r\n', at);
        const bad = text.slice(at, eol === -1 ? length : eol);
        throw malformed(`the header line ${JSON.stringify(bad.slice(0, 64))} has no valid "name:"`);
      }
      const name = text.slice(at, i);
      i++;
      // Every index below is checked against `length` first: reading past it would deoptimize the loop.
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c !== 0x20 && c !== 0x09) break;
        i++;
      }
      const valueStart = i;
      let valueEnd = i;
      while (i < length) {
        const c = text.charCodeAt(i);
        if (c === 0x0d) break;
        if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
          throw malformed('a control character, bare CR or bare LF in a header line');
        }
        i++;
        if (c !== 0x20 && c !== 0x09) valueEnd = i;
      }
      if (i < length) {
        if (i + 1 === length || text.charCodeAt(i + 1) !== 0x0a)
          throw malformed('a bare CR in a header line');
        at = i + 2;
      } else {
        at = length;
      }
      const value = text.slice(valueStart, valueEnd);
      headers.push(name, value);
      if (headers.length > this.#limits.maxHeaderCount * 2) {
        throw malformed(`the response has more than ${this.#limits.maxHeaderCount} headers`);
      }
      switch (name.length) {
        case 10: {
          const lower = name.toLowerCase();
          if (lower === 'connection') {
            for (const token of value.toLowerCase().split(',')) {
              const option = token.trim();
              if (option === 'close') close = true;
              else if (option === 'keep-alive') keepAliveToken = true;
            }
          } else if (lower === 'keep-alive') {
            const timeout = /(?:^|[\s,])timeout=(\d+)/i.exec(value);
            if (timeout !== null) this.keepAliveTimeoutMs = Number(timeout[1]) * 1000;
          }
          break;
        }
        case 14:
          if (name.toLowerCase() === 'content-length') {
            if (!/^\d{1,15}$/.test(value)) throw malformed(`Content-Length "${value}" is not a number`);
            const length = Number(value);
            if (contentLength !== -1 && contentLength !== length) {
              throw malformed('two different Content-Length headers');
            }
            contentLength = length;
          }
          break;
        case 17:
          if (name.toLowerCase() === 'transfer-encoding') {
            transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
          }
          break;
      }
    }
    if (status < 200) {
      // 1xx: informational, read past. 101 would switch protocols, and no request of ours asks for it.
      if (status === 101) throw malformed('101 Switching Protocols to a request that asked for no upgrade');
      return;
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
    let next: number;
    if (this.#bodiless || status === 204 || status === 304) next = DONE;
    else if (chunked) next = CHUNK_SIZE;
    else if (contentLength === 0) next = DONE;
    else if (contentLength > 0) {
      this.#remaining = contentLength;
      next = BODY;
    } else {
      next = UNTIL_CLOSE;
      this.keepAlive = false;
    }
    this.#state = next;
    this.#events.onResponseHead(status, headers);
    if (next === DONE && this.#state === DONE) this.#events.onResponseEnd(more);
  }
}

/** The size of a chunk-size line (`1a3f` or `1a3f;ext=value`). */
function chunkSize(line: string): number {
  let size = 0;
  let i = 0;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    let digit: number;
    if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) digit = c - 0x57;
    else if (c >= 0x41 && c <= 0x46) digit = c - 0x37;
    else break;
    if (i >= 12) throw malformed('a chunk size larger than 2^48 bytes');
    size = size * 16 + digit;
  }
  if (i === 0) throw malformed(`the chunk-size line ${JSON.stringify(line.slice(0, 32))} has no size`);
  let rest = i;
  while (rest < line.length && (line.charCodeAt(rest) === 0x20 || line.charCodeAt(rest) === 0x09)) rest++;
  if (rest < line.length && line.charCodeAt(rest) !== 0x3b /* ; */) {
    throw malformed(`the chunk-size line ${JSON.stringify(line.slice(0, 32))} is not "size[;extension]"`);
  }
  if (CONTROL.test(line)) throw malformed('a control character in a chunk-size line');
  return size;
}
