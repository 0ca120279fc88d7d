// The HTTP/1.1 framing requests and responses share, read strictly: a head, then a body delimited by
// Content-Length, the chunked coding or (responses only) the connection's close. Reads can be paused and
// what arrives meanwhile is held, so backpressure holds without losing bytes.

import { equalsLowerCase } from '../header-name-set.js';
import { isTokenChar } from './token.js';

/** How the body after a head is delimited: `>= 0` a length (0: none), or one of these. */
export const CHUNKED = -1;
export const UNTIL_CLOSE = -2;
/** The head was informational (1xx): another head follows. */
export const ANOTHER_HEAD = -3;

const IDLE = 0;
const HEAD = 1;
const BODY = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_DATA_END = 5;
const TRAILERS = 6;
const CLOSE_DELIMITED = 7;
const DONE = 8;

const CRLF = Buffer.from('\r\n', 'latin1');
const CRLF2 = Buffer.from('\r\n\r\n', 'latin1');
/** Longest chunk-size line (size and extensions) and trailer section accepted. */
const MAX_CHUNK_LINE_BYTES = 4096;
const MAX_TRAILER_BYTES = 16 * 1024;
/** Control characters other than HTAB: never valid in a head line (this also finds a bare CR or LF). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose
export const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;

/** Why a message was refused; `tooLarge` when a size or count limit (not the syntax) was broken. */
export type ParseFailure = (rule: string, tooLarge: boolean) => Error;

/**
 * One message at a time: `expectHead()` before each, then `execute()` with each chunk read. Subclasses
 * read the start line and framing headers (`readHead`) and receive the events; errors are thrown, made by
 * `fail`. Bytes after a complete message are held for the next one.
 */
export abstract class MessageParser {
  /** `request` or `response`, for messages. */
  protected readonly subject: string;
  readonly #maxHeaderBytes: number;
  protected readonly fail: ParseFailure;
  /** Empty lines before a head are skipped (requests). */
  protected skipsEmptyLines = false;
  #state = IDLE;
  /** Bytes of a line or head split across reads. */
  #pending: Buffer | undefined;
  /** Bytes read but not parsed yet: the reader paused, or they belong to the next message. */
  #held: Buffer | undefined;
  #paused = false;
  /** Body bytes left in a Content-Length body or in the current chunk. */
  #remaining = 0;
  #trailerBytes = 0;

  constructor(subject: string, maxHeaderBytes: number, fail: ParseFailure) {
    this.subject = subject;
    this.#maxHeaderBytes = maxHeaderBytes;
    this.fail = fail;
  }

  /**
   * Reads a head (start line and header lines, without the blank line) and returns how its body is
   * delimited. Called with the state already past the head, so a handler may pause or reset.
   */
  protected abstract readHead(text: string): number;
  /** The head just read is complete (its framing applied). */
  protected abstract emitHead(): void;
  /** A slice of the body, after de-chunking; a view into the read buffer, valid until the call returns. */
  protected abstract emitData(chunk: Buffer): void;
  /** The message is complete; `more`: bytes followed it in the same read. */
  protected abstract emitEnd(more: boolean): void;

  /** Expects the head of a new message; bytes held from earlier reads are parsed by the next `resume()`. */
  protected expectHead(keepHeld: boolean): void {
    this.#state = HEAD;
    if (!keepHeld) this.#held = undefined;
    this.#paused = false;
    this.#pending = undefined;
    this.#trailerBytes = 0;
  }

  /** Stops parsing (the exchange was aborted): nothing more is emitted. */
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

  /** Bytes are waiting (paused, or past the end of the message): the reader should stop reading. */
  get holding(): boolean {
    return this.#held !== undefined;
  }

  /** How many bytes are held. */
  get heldBytes(): number {
    return this.#held?.length ?? 0;
  }

  /** Delivers everything held, ignoring pauses (the connection is ending: nothing more will be read). */
  flush(): void {
    while (this.#held !== undefined && this.reading) this.resume();
  }

  /** Delivers what was held by `pause()`, then reads on (unless paused again). */
  resume(): void {
    this.#paused = false;
    const held = this.#held;
    if (held === undefined) return;
    this.#held = undefined;
    this.execute(held);
  }

  /** Bytes of a head have arrived, not all of it. */
  get headStarted(): boolean {
    return this.#state === HEAD && this.#pending !== undefined;
  }

  /** The head has arrived (timeouts after it are body timeouts). */
  get headReceived(): boolean {
    return this.#state > HEAD;
  }

  /** A message is being read (expected and not ended). */
  get reading(): boolean {
    return this.#state !== IDLE && this.#state !== DONE;
  }

  /** Ends a close-delimited body at EOF; `false` when the message was not close-delimited. */
  protected endAtClose(): boolean {
    if (this.#state !== CLOSE_DELIMITED) return false;
    this.#state = DONE;
    this.emitEnd(false);
    return true;
  }

  /**
   * Parses `chunk`, emitting events; bytes after the end of the message are held. What is kept past the
   * call is copied, so the caller may read into the same memory again (`net.connect({ onread })`).
   */
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
        this.#held = Buffer.from(data.subarray(at));
        return;
      }
      switch (this.#state) {
        case HEAD: {
          // Empty lines before a request line are ignored (RFC 9112 §2.2); a response never has them.
          if (this.skipsEmptyLines) {
            while (at + 1 < data.length && data[at] === 0x0d && data[at + 1] === 0x0a) at += 2;
            if (at === data.length) return;
          }
          const end = data.indexOf(CRLF2, at);
          // The limit is on the head without its blank line; up to 3 bytes of that line may be pending.
          if (end === -1 ? data.length - at > this.#maxHeaderBytes + 3 : end - at > this.#maxHeaderBytes) {
            throw this.fail(`the ${this.subject} head is larger than ${this.#maxHeaderBytes} bytes`, true);
          }
          if (end === -1) {
            this.#pending = Buffer.from(data.subarray(at));
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
          this.emitData(slice);
          if (this.#state === DONE) this.emitEnd(at < data.length);
          break;
        }
        case CHUNK_SIZE: {
          const eol = this.#line(data, at);
          if (eol === -1) return;
          const size = this.#chunkSize(data.toString('latin1', at, eol));
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
            this.#pending = Buffer.from(data.subarray(at));
            return;
          }
          if (data[at] !== 0x0d || data[at + 1] !== 0x0a)
            throw this.fail('a chunk is longer than its size', false);
          at += 2;
          this.#state = CHUNK_SIZE;
          break;
        }
        case TRAILERS: {
          const eol = this.#line(data, at);
          if (eol === -1) return;
          // Trailers are read past, not relayed (the proxy frames the message it sends itself).
          this.#trailerBytes += eol - at + 2;
          if (this.#trailerBytes > MAX_TRAILER_BYTES)
            throw this.fail('the trailer section is too large', true);
          if (CONTROL.test(data.toString('latin1', at, eol))) {
            throw this.fail('a control character in a trailer', false);
          }
          const empty = eol === at;
          at = eol + 2;
          if (empty) {
            this.#state = DONE;
            this.emitEnd(at < data.length);
          }
          break;
        }
        case CLOSE_DELIMITED: {
          const slice = at === 0 ? data : data.subarray(at);
          at = data.length;
          this.emitData(slice);
          break;
        }
        case DONE:
          // Bytes past the message: kept for the next one (a pipelined request), or dropped by `reset()`.
          this.#held = Buffer.from(data.subarray(at));
          return;
        default:
          // IDLE: reset by an event handler.
          return;
      }
    }
  }

  #head(text: string, more: boolean): void {
    const framing = this.readHead(text);
    if (framing === ANOTHER_HEAD) return;
    if (framing === CHUNKED) this.#state = CHUNK_SIZE;
    else if (framing === UNTIL_CLOSE) this.#state = CLOSE_DELIMITED;
    else if (framing === 0) this.#state = DONE;
    else {
      this.#remaining = framing;
      this.#state = BODY;
    }
    this.emitHead();
    if (framing === 0 && this.#state === DONE) this.emitEnd(more);
  }

  /** The index of the CRLF ending the line at `at`, or -1 with the partial line kept. */
  #line(data: Buffer, at: number): number {
    const eol = data.indexOf(CRLF, at);
    if (eol === -1) {
      if (data.length - at > MAX_CHUNK_LINE_BYTES) {
        throw this.fail('a chunk-size or trailer line is too long', true);
      }
      this.#pending = Buffer.from(data.subarray(at));
    }
    return eol;
  }

  /** The size of a chunk-size line (`1a3f` or `1a3f;ext=value`). */
  #chunkSize(line: string): number {
    let size = 0;
    let i = 0;
    for (; i < line.length; i++) {
      const c = line.charCodeAt(i);
      let digit: number;
      if (c >= 0x30 && c <= 0x39) digit = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) digit = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) digit = c - 0x37;
      else break;
      if (i >= 12) throw this.fail('a chunk size larger than 2^48 bytes', true);
      size = size * 16 + digit;
    }
    if (i === 0)
      throw this.fail(`the chunk-size line ${JSON.stringify(line.slice(0, 32))} has no size`, false);
    let rest = i;
    while (rest < line.length && (line.charCodeAt(rest) === 0x20 || line.charCodeAt(rest) === 0x09)) rest++;
    if (rest < line.length && line.charCodeAt(rest) !== 0x3b /* ; */) {
      throw this.fail(
        `the chunk-size line ${JSON.stringify(line.slice(0, 32))} is not "size[;extension]"`,
        false,
      );
    }
    if (CONTROL.test(line)) throw this.fail('a control character in a chunk-size line', false);
    return size;
  }
}

/**
 * Reads the header lines of `text` from `at` (just past the start line) into a flat `[name, value, …]`
 * list, names as received and values trimmed. Throws on a line that is not `token ":" value`, obs-fold,
 * control characters, bare CR or LF, or more than `maxCount` headers.
 */
export function readHeaderLines(
  subject: string,
  text: string,
  at: number,
  maxCount: number,
  fail: ParseFailure,
): string[] {
  // One pass over the characters (regular expressions per line cost several times more here).
  const length = text.length;
  const headers: string[] = [];
  while (at < length) {
    let i = at;
    while (i < length && isTokenChar(text.charCodeAt(i))) i++;
    if (i === at || i === length || text.charCodeAt(i) !== 0x3a /* : */) {
      const first = text.charCodeAt(at);
      if (first === 0x20 || first === 0x09) throw fail('a header line is folded (obs-fold)', false);
      const eol = text.indexOf('\r\n', at);
      const bad = text.slice(at, eol === -1 ? length : eol);
      throw fail(`the header line ${JSON.stringify(bad.slice(0, 64))} has no valid "name:"`, false);
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
        throw fail('a control character, bare CR or bare LF in a header line', false);
      }
      i++;
      if (c !== 0x20 && c !== 0x09) valueEnd = i;
    }
    if (i < length) {
      if (i + 1 === length || text.charCodeAt(i + 1) !== 0x0a)
        throw fail('a bare CR in a header line', false);
      at = i + 2;
    } else {
      at = length;
    }
    headers.push(name, text.slice(valueStart, valueEnd));
    if (headers.length > maxCount * 2) throw fail(`the ${subject} has more than ${maxCount} headers`, true);
  }
  return headers;
}

/** Whether `value` is a Content-Length: 1 to 15 digits. */
export function isContentLength(value: string): boolean {
  const length = value.length;
  if (length === 0 || length > 15) return false;
  for (let i = 0; i < length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

const KEEP_ALIVE = Object.freeze({ close: false, keepAlive: true });
const CLOSE = Object.freeze({ close: true, keepAlive: false });

/** The tokens of a `Connection` header value that matter to framing. */
export function connectionOptions(value: string): { close: boolean; keepAlive: boolean } {
  // The values nearly every message carries, without splitting them.
  if (equalsLowerCase(value, 'keep-alive')) return KEEP_ALIVE;
  if (equalsLowerCase(value, 'close')) return CLOSE;
  let close = false;
  let keepAlive = false;
  for (const token of value.toLowerCase().split(',')) {
    const option = token.trim();
    if (option === 'close') close = true;
    else if (option === 'keep-alive') keepAlive = true;
  }
  return { close, keepAlive };
}
