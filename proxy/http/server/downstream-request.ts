// A request received on a listener: its head as read, and its body as a stream made only when there is one.

import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { equalsLowerCase } from '../header-name-set.js';
import type { RequestHead } from './request-parser.js';

/** What the request body's stream tells its connection. */
export interface BodySource {
  /** The reader wants more: parsing may go on. */
  readMore(): void;
}

export class DownstreamRequest {
  readonly method: string;
  /** The request target as sent. */
  readonly url: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  /** Flat `[name, value, …]`, names in the case received. */
  readonly rawHeaders: string[];
  /** The body's declared length: 0 none, `-1` chunked. */
  readonly bodyLength: number;
  readonly socket: Socket;
  readonly #source: BodySource;
  #body: RequestBodyStream | undefined;
  /** Why the body was cut short, once it was. */
  #aborted: Error | undefined;
  /** Every body byte has been received. */
  complete: boolean;

  constructor(head: RequestHead, socket: Socket, source: BodySource) {
    this.method = head.method;
    this.url = head.target;
    this.httpVersionMajor = head.major;
    this.httpVersionMinor = head.minor;
    this.rawHeaders = head.headers;
    this.bodyLength = head.bodyLength;
    this.socket = socket;
    this.#source = source;
    this.complete = head.bodyLength === 0;
  }

  /** `1.1` or `1.0` (or what else the client sent: such requests are refused with 505). */
  get httpVersion(): string {
    return `${this.httpVersionMajor}.${this.httpVersionMinor}`;
  }

  /** The first value of the header `lowerName` (given in lower case), if any. */
  header(lowerName: string): string | undefined {
    const raw = this.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      if (equalsLowerCase(raw[i]!, lowerName)) return raw[i + 1];
    }
    return undefined;
  }

  /**
   * The body as a stream, made on first use. It pauses the connection's reading while nobody reads it
   * (backpressure), errors if the connection ends before the body does, and is empty when there is none.
   */
  get body(): Readable {
    if (this.#body === undefined) {
      this.#body = new RequestBodyStream(this.#source);
      if (this.complete) this.#body.push(null);
      else if (this.#aborted !== undefined) {
        // Once the caller has had the chance to listen for the error.
        const body = this.#body;
        const reason = this.#aborted;
        process.nextTick(() => body.destroy(reason));
      }
    }
    return this.#body;
  }

  /** Body bytes from the connection; `false` when the reader is full (stop parsing until `readMore`). */
  deliver(chunk: Buffer): boolean {
    return this.body.push(chunk);
  }

  /** The body is complete. */
  finish(): void {
    this.complete = true;
    this.#body?.push(null);
  }

  /** The body was cut short: the connection closed, or what followed was refused (`reason`). */
  abort(reason?: Error): void {
    if (this.complete || this.#aborted !== undefined) return;
    this.#aborted = reason ?? new Error('the connection closed before the request body ended');
    this.#body?.destroy(this.#aborted);
  }
}

class RequestBodyStream extends Readable {
  readonly #source: BodySource;

  constructor(source: BodySource) {
    super();
    this.#source = source;
  }

  override _read(): void {
    this.#source.readMore();
  }

  // As IncomingMessage does: a cut body nobody listens to is no reason to crash the process.
  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    callback(this.listenerCount('error') > 0 ? err : null);
  }
}
