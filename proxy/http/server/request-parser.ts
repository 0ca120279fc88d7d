// Reads HTTP/1.1 requests off a downstream connection, strictly: anything two parsers could read
// differently (request smuggling) is refused with 400, over-large heads with 431, never guessed at.

import { equalsLowerCase } from '../header-name-set.js';
import {
  CHUNKED,
  connectionOptions,
  isContentLength,
  MessageParser,
  readHeaderLines,
} from '../wire/message-parser.js';

/** A request head as read off the wire. */
export interface RequestHead {
  readonly method: string;
  /** The request target as sent (origin-, absolute-, authority- or asterisk-form). */
  readonly target: string;
  /** Digits of `HTTP/x.y`; the parser reads any, `checkRequestHead` answers 505 for all but 1.0 and 1.1. */
  readonly major: number;
  readonly minor: number;
  /** Flat `[name, value, …]`, names in the case received. */
  readonly headers: string[];
  /** The body's length: 0 none, `-1` chunked. */
  readonly bodyLength: number;
  /** The client lets the connection carry another request after this one. */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue`: the client waits for an interim 100 before sending the body. */
  readonly expectContinue: boolean;
  /** An `Expect` other than `100-continue`: answered 417. */
  readonly expectUnknown: boolean;
}

export interface RequestEvents {
  onRequestHead(head: RequestHead): void;
  /** A slice of the body, after de-chunking. */
  onRequestData(chunk: Buffer): void;
  /** The request (its body included) is complete. */
  onRequestEnd(): void;
}

export interface RequestLimits {
  /** Bytes of one request head (request line and headers): more is answered 431. */
  readonly maxHeaderBytes: number;
  /** More headers than this is answered 431. */
  readonly maxHeaderCount: number;
}

/** A request the proxy answers itself with `status` and closes the connection on: the stream is untrusted. */
export class RequestRefusal extends Error {
  readonly status: 400 | 431;

  constructor(status: 400 | 431, message: string) {
    super(message);
    this.name = 'RequestRefusal';
    this.status = status;
  }
}

const refuse = (rule: string, tooLarge: boolean): RequestRefusal =>
  new RequestRefusal(tooLarge ? 431 : 400, rule);

/** `METHOD SP target SP HTTP/x.y`; the target has no control characters or spaces. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is its purpose
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([^\x00-\x20\x7f]+) HTTP\/(\d)\.(\d)$/;

/**
 * One request at a time: `next()` before each (the first is expected at construction), then `execute()`
 * with each chunk read. Bytes after a complete request wait, held, until `next()`. Refusals are thrown as
 * `RequestRefusal`.
 */
export class RequestParser extends MessageParser {
  readonly #events: RequestEvents;
  readonly #maxHeaderCount: number;
  #head: RequestHead | undefined;

  constructor(events: RequestEvents, limits: RequestLimits) {
    super('request', limits.maxHeaderBytes, refuse);
    this.#events = events;
    this.#maxHeaderCount = limits.maxHeaderCount;
    this.skipsEmptyLines = true;
    this.expectHead(false);
  }

  /** Expects the next request; parses what arrived after the last one. */
  next(): void {
    this.expectHead(true);
    this.resume();
  }

  protected readHead(text: string): number {
    let at = text.indexOf('\r\n');
    if (at === -1) at = text.length;
    const line = REQUEST_LINE.exec(at === text.length ? text : text.slice(0, at));
    if (line === null) {
      throw refuse(
        `the request line ${JSON.stringify(text.slice(0, Math.min(at, 64)))} is not "METHOD target HTTP/1.x"`,
        false,
      );
    }
    const major = line[3]!.charCodeAt(0) - 0x30;
    const minor = line[4]!.charCodeAt(0) - 0x30;
    const headers = readHeaderLines(this.subject, text, at + 2, this.#maxHeaderCount, refuse);
    let contentLength = -1;
    let transferEncoding: string | undefined;
    let close = false;
    let keepAliveToken = false;
    let expect: string | undefined;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!;
      switch (name.length) {
        case 6:
          if (equalsLowerCase(name, 'expect')) expect = headers[i + 1]!;
          break;
        case 10:
          if (equalsLowerCase(name, 'connection')) {
            const options = connectionOptions(headers[i + 1]!);
            close ||= options.close;
            keepAliveToken ||= options.keepAlive;
          }
          break;
        case 14:
          if (equalsLowerCase(name, 'content-length')) {
            const value = headers[i + 1]!;
            if (contentLength !== -1)
              throw refuse('the request has more than one Content-Length header', false);
            if (!isContentLength(value)) throw refuse(`Content-Length "${value}" is not a number`, false);
            contentLength = Number(value);
          }
          break;
        case 17:
          if (equalsLowerCase(name, 'transfer-encoding')) {
            const value = headers[i + 1]!;
            transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`;
          }
          break;
      }
    }
    let bodyLength = contentLength === -1 ? 0 : contentLength;
    if (transferEncoding !== undefined) {
      if (contentLength !== -1)
        throw refuse('the request has both Content-Length and Transfer-Encoding', false);
      if (minor === 0) throw refuse('an HTTP/1.0 request cannot use Transfer-Encoding', false);
      if (transferEncoding.trim().toLowerCase() !== 'chunked') {
        throw refuse(`Transfer-Encoding must be exactly "chunked", got "${transferEncoding}"`, false);
      }
      bodyLength = CHUNKED;
    }
    const expectContinue = expect !== undefined && expect.toLowerCase() === '100-continue';
    this.#head = {
      method: line[1]!,
      target: line[2]!,
      major,
      minor,
      headers,
      bodyLength,
      keepAlive: !close && (minor === 1 || keepAliveToken),
      expectContinue,
      expectUnknown: expect !== undefined && !expectContinue,
    };
    return bodyLength;
  }

  protected emitHead(): void {
    const head = this.#head!;
    this.#head = undefined;
    this.#events.onRequestHead(head);
  }

  protected emitData(chunk: Buffer): void {
    this.#events.onRequestData(chunk);
  }

  protected emitEnd(): void {
    this.#events.onRequestEnd();
  }
}
