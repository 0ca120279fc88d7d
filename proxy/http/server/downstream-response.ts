// The response to a downstream request: a head written with the first body bytes, the body framed by its
// Content-Length, else chunked (HTTP/1.1) or by closing the connection (HTTP/1.0).

import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { equalsLowerCase, headerNameSet } from '../header-name-set.js';
import { isTokenChar } from '../wire/token.js';

/** What a response tells its connection. */
export interface ResponseOwner {
  readonly socket: Socket;
  /** The response has been written in full; `close`: the connection must close after it. */
  responseEnded(close: boolean): void;
}

const CHUNKED_END = Buffer.from('0\r\n\r\n', 'latin1');
const EMPTY = Buffer.alloc(0);
/** Body bytes up to this are copied next to the head and sent in one write. */
const MAX_COPY_BYTES = 16 * 1024;
const NO_BODY = new Set([204, 304]);
/** Headers a handler may pass that the server writes itself, or not at all. */
const isServersOwnHeader = headerNameSet(['transfer-encoding', 'connection']);

export class DownstreamResponse {
  readonly #owner: ResponseOwner;
  readonly #socket: Socket;
  readonly #headRequest: boolean;
  readonly #minor: number;
  /** Close the connection after this response (the client asked, a local reply decided, or the server drains). */
  #close: boolean;
  /** The head, written with the first body bytes. */
  #head: string | undefined;
  #bodiless = false;
  /** The headers give the body's length (or there is no body). */
  #framed = false;
  #chunked = false;
  #headersSent = false;
  #ended = false;
  #onAbort: (() => void) | undefined;
  #onDrain: (() => void) | undefined;

  constructor(owner: ResponseOwner, method: string, minor: number, keepAlive: boolean) {
    this.#owner = owner;
    this.#socket = owner.socket;
    this.#headRequest = method === 'HEAD';
    this.#minor = minor;
    this.#close = !keepAlive;
  }

  /** `writeHead` was called: a status can no longer be chosen. */
  get headersSent(): boolean {
    return this.#headersSent;
  }

  /** The whole response has been handed to the socket. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The connection is gone (or going): nothing more can be sent on it. */
  get destroyed(): boolean {
    return this.#socket.destroyed;
  }

  /** Sends `Connection: close` and closes the connection after this response. Before any body byte only. */
  closeConnection(): void {
    this.#close = true;
  }

  /** Called once if the connection closes before this response has ended (the client left, or was cut off). */
  onAbort(listener: () => void): void {
    this.#onAbort = listener;
  }

  /** Called once when the socket can take more after `write` returned `false`. */
  onDrain(listener: () => void): void {
    if (this.#onDrain === undefined) this.#socket.once('drain', () => this.#drained());
    this.#onDrain = listener;
  }

  /**
   * Sets the status and headers (flat `[name, value, …]`); the proxy adds the framing, `Date` when there is
   * none, and `Connection` when the connection closes (a given `Transfer-Encoding` or `Connection` is dropped). Throws on a name that is not a token or a value
   * with control characters (nothing is written then). The head is sent with the first body bytes.
   */
  writeHead(status: number, headers: readonly string[]): void {
    if (this.#headersSent) throw new Error('the response head was already written');
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    let hasLength = false;
    let hasDate = false;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!;
      const value = headers[i + 1]!;
      checkField(name, value);
      if (equalsLowerCase(name, 'content-length')) hasLength = true;
      else if (equalsLowerCase(name, 'date')) hasDate = true;
      // The server frames the body and decides the connection's fate itself.
      else if (isServersOwnHeader(name)) continue;
      head += `${name}: ${value}\r\n`;
    }
    if (!hasDate) head += `date: ${httpDate()}\r\n`;
    this.#bodiless = this.#headRequest || NO_BODY.has(status) || status < 200;
    this.#framed = hasLength || this.#bodiless;
    this.#head = head;
    this.#headersSent = true;
  }

  /** Writes body bytes; `false` when the socket's buffer is full (wait for `onDrain`). */
  write(chunk: Buffer): boolean {
    if (this.#ended || this.#socket.destroyed) return true;
    if (!this.#headersSent) this.writeHead(200, []);
    return this.#send(this.#head === undefined ? '' : this.#finishHead(-1), chunk);
  }

  /** Writes `body` (if any) and ends the response. */
  end(body?: Buffer | string): void {
    if (this.#ended) return;
    if (!this.#headersSent) this.writeHead(200, []);
    if (!this.#socket.destroyed) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : (body ?? EMPTY);
      // The whole body is known now: it goes with a length rather than chunked.
      const head = this.#head === undefined ? '' : this.#finishHead(bytes.length);
      if (head !== '' || bytes.length > 0) this.#send(head, bytes);
      if (this.#chunked) this.#socket.write(CHUNKED_END);
    }
    this.#ended = true;
    this.#owner.responseEnded(this.#close);
  }

  /**
   * Writes `head` (latin1, may be empty) and `chunk` framed: a small one copied with the head into one
   * buffer, one write (the common case: cheaper than a corked `writev` of the parts).
   */
  #send(head: string, chunk: Buffer): boolean {
    const socket = this.#socket;
    const length = this.#bodiless ? 0 : chunk.length;
    if (length === 0) return head === '' || socket.write(head, 'latin1');
    const prefix = this.#chunked ? `${head}${length.toString(16)}\r\n` : head;
    const suffix = this.#chunked ? 2 : 0;
    if (prefix === '') return socket.write(chunk);
    if (length > MAX_COPY_BYTES) {
      socket.cork();
      socket.write(prefix, 'latin1');
      socket.write(chunk);
      const ok = suffix === 0 || socket.write('\r\n', 'latin1');
      socket.uncork();
      return ok;
    }
    const out = Buffer.allocUnsafe(prefix.length + length + suffix);
    out.write(prefix, 0, 'latin1');
    chunk.copy(out, prefix.length);
    if (suffix !== 0) out.write('\r\n', prefix.length + length, 'latin1');
    return socket.write(out);
  }

  /** The head with its framing, as it goes on the wire; `length` is the whole body's when known, else -1. */
  #finishHead(length: number): string {
    let head = this.#head!;
    this.#head = undefined;
    if (!this.#framed) {
      if (length >= 0) head += `content-length: ${length}\r\n`;
      else if (this.#minor === 1) {
        this.#chunked = true;
        head += 'transfer-encoding: chunked\r\n';
      } else {
        this.#close = true; // HTTP/1.0 without a length: the close ends the body
      }
    }
    if (this.#close) head += 'connection: close\r\n';
    else if (this.#minor === 0) head += 'connection: keep-alive\r\n';
    return `${head}\r\n`;
  }

  /** Closes the connection at once: a client must see a response cut short, never a complete one. */
  destroy(_error?: Error): void {
    this.#socket.destroy();
  }

  /** The connection closed: tells the listener if the response had not ended. */
  connectionClosed(): void {
    if (this.#ended) return;
    const listener = this.#onAbort;
    this.#onAbort = undefined;
    listener?.();
  }

  #drained(): void {
    const listener = this.#onDrain;
    this.#onDrain = undefined;
    listener?.();
  }
}

/** Refuses a header the client would read differently than we wrote it. */
function checkField(name: string, value: string): void {
  if (name.length === 0) throw new TypeError('an empty response header name');
  for (let i = 0; i < name.length; i++) {
    if (!isTokenChar(name.charCodeAt(i)))
      throw new TypeError(`the response header name ${JSON.stringify(name)} is not a token`);
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c > 0xff) {
      throw new TypeError(`the value of response header ${name} has a control or non-latin1 character`);
    }
  }
}

let dateText = '';
let dateSecond = 0;

/** The current time as an HTTP date, rendered once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}
