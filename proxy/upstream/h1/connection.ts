// One TCP connection to an upstream: one request at a time, written and its response parsed here.

import { connect, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { READ_BUFFER } from '../../http/wire/socket-reads.js';
import type { PendingRequest, RequestRunner } from './dispatch.js';
import { UpstreamHttpError } from './errors.js';
import { type ResponseLimits, ResponseParser } from './response-parser.js';

/** The pool a connection reports to. */
export interface ConnectionOwner {
  readonly address: string;
  readonly port: number;
  /** `Host` for requests that carry none. */
  readonly authority: string;
  readonly connectTimeoutMs: number;
  readonly limits: ResponseLimits;
  /** The connection finished a request and can take another (it is open, clean and keep-alive). */
  release(connection: H1Connection, keepAliveMs: number | undefined): void;
  /** The connection is closed (or failed to open); it is not to be used again. */
  dropped(connection: H1Connection): void;
  /** Sends `request` again, first in line, on a connection opened for it. */
  replay(request: PendingRequest): void;
}

/** Methods without side effects (RFC 9110 §9.2.1): the only ones sent twice without being asked to. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/** How a keep-alive connection the upstream closed while it sat idle fails the next request on it. */
const STALE_CONNECTION_ERRORS = new Set(['UPSTREAM_CLOSED', 'ECONNRESET', 'EPIPE']);

const CLOSED_BEFORE_RESPONSE = 'the upstream closed the connection before the response ended';

export class H1Connection implements RequestRunner {
  readonly #owner: ConnectionOwner;
  readonly #socket: Socket;
  readonly #parser: ResponseParser;
  #connected = false;
  #request: PendingRequest | undefined;
  /** A streamed request body still being written. */
  #body: Readable | undefined;
  #chunked = false;
  /** Set when the connection must close after the current response (framing no longer trusted). */
  #reusable = true;
  #idleTimeoutMs = 0;
  /** The socket's inactivity timeout as last set: re-set only when it changes (each call re-arms a timer). */
  #timeoutMs = -1;
  /** Requests completed on this connection. */
  #served = 0;
  /** A byte of the current request's response has arrived. */
  #heard = false;
  /** While idle in the pool: when it is to be closed (the pool sweeps; see `H1Pool.release`). */
  idleUntil = 0;

  /** Opens a connection for `first`, which runs on it once it is connected. */
  constructor(owner: ConnectionOwner, first: PendingRequest) {
    this.#owner = owner;
    this.#parser = new ResponseParser(this, owner.limits);
    this.#request = first;
    const socket = connect({
      host: owner.address,
      port: owner.port,
      noDelay: true,
      // Reads skip the Readable machinery and land in the buffer every proxy socket shares (see
      // socket-reads.ts): what outlives the call (held bytes, body chunks) is copied.
      onread: { buffer: READ_BUFFER, callback: this.#onRead },
    });
    this.#socket = socket;
    this.#setTimeout(owner.connectTimeoutMs);
    socket.once('connect', this.#onConnect);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('timeout', this.#onTimeout);
    socket.once('close', this.#onClose);
  }

  /** Writes `request` and reads its response; the connection must be open and idle. */
  run(request: PendingRequest): void {
    this.#request = request;
    const { options, handler } = request;
    request.runner = this;
    this.#heard = false;
    this.#parser.start(options.method);
    handler.onConnect(request.abort);
    if (this.#request !== request) return; // aborted before a byte was written
    this.#idleTimeoutMs = options.idleTimeoutMs;
    this.#setTimeout(options.idleTimeoutMs);
    this.#socket.resume();
    const body = options.body;
    if (body === null) {
      this.#socket.write(request.head, 'latin1');
    } else if (Buffer.isBuffer(body)) {
      this.#socket.cork();
      this.#socket.write(request.head, 'latin1');
      this.#socket.write(body);
      this.#socket.uncork();
    } else {
      this.#socket.write(request.head, 'latin1');
      this.#body = body;
      this.#chunked = request.chunked;
      body.on('data', this.#onBodyData);
      body.once('end', this.#onBodyEnd);
      body.once('error', this.#onBodyError);
      body.resume();
    }
  }

  abort(request: PendingRequest, reason: Error): void {
    if (this.#request === request) this.#fail(reason);
  }

  /** Delivery resumes after a handler returned `false` (a stale `resume` of an earlier request is ignored). */
  resume(request: PendingRequest): void {
    if (this.#request !== request || !this.#parser.paused) return;
    this.#parser.resume();
    if (this.#request === request && !this.#parser.paused) {
      this.#setTimeout(this.#idleTimeoutMs);
      this.#socket.resume();
    }
  }

  /** Closes an idle connection (pool closing). */
  destroy(): void {
    this.#socket.destroy();
  }

  /** Open and not ending: an idle connection the upstream closed stays in the pool until 'close' fires. */
  get usable(): boolean {
    return !this.#socket.destroyed && this.#reusable;
  }

  // The parser's events.

  onResponseHead(status: number, headers: string[]): void {
    const request = this.#request!;
    if (!request.handler.onHeaders(status, headers, request.resume)) this.#pause();
  }

  onResponseData(chunk: Buffer): void {
    const request = this.#request!;
    // A copy: `chunk` is a view of the shared read buffer, which the next read overwrites.
    if (!request.handler.onData(Buffer.from(chunk))) this.#pause();
  }

  onResponseEnd(extraBytes: boolean): void {
    const request = this.#request!;
    this.#request = undefined;
    request.runner = undefined;
    this.#served++;
    // Bytes after the response, or a body the upstream did not wait for: the framing is lost.
    const reusable = this.#reusable && !extraBytes && this.#parser.keepAlive && this.#body === undefined;
    if (this.#body !== undefined) this.#stopBody();
    // Back to the pool first, so a request the handler sends from `onComplete` can have it.
    if (reusable) {
      this.#socket.resume();
      this.#owner.release(this, this.#parser.keepAliveTimeoutMs);
    } else {
      this.#socket.destroy();
    }
    request.handler.onComplete();
  }

  /** The handler cannot take more now: read nothing more, and do not count the wait as upstream silence. */
  #pause(): void {
    this.#parser.pause();
    this.#socket.pause();
    this.#setTimeout(0);
  }

  // Socket events.

  readonly #onConnect = (): void => {
    this.#connected = true;
    this.#setTimeout(0);
    const first = this.#request!;
    this.#request = undefined;
    this.run(first);
  };

  readonly #onRead = (nread: number, buffer: Uint8Array): boolean => {
    this.#onData((buffer as Buffer).subarray(0, nread));
    return true;
  };

  readonly #onData = (chunk: Buffer): void => {
    if (this.#request === undefined) {
      // Bytes nobody asked for: the upstream's framing cannot be trusted any more.
      this.#socket.destroy();
      return;
    }
    this.#heard = true;
    try {
      this.#parser.execute(chunk);
    } catch (err) {
      this.#fail(err as Error);
    }
  };

  readonly #onEnd = (): void => {
    this.#reusable = false;
    if (this.#request !== undefined && this.#connected) {
      try {
        this.#parser.flush(); // nothing more will be read: what is held goes now
        this.#parser.end();
      } catch {
        this.#fail(new UpstreamHttpError('UPSTREAM_CLOSED', CLOSED_BEFORE_RESPONSE));
      }
    }
    this.#socket.destroy();
  };

  readonly #onError = (err: Error): void => {
    if (this.#request !== undefined) this.#fail(err);
  };

  readonly #onTimeout = (): void => {
    if (!this.#connected) {
      this.#fail(
        new UpstreamHttpError(
          'UPSTREAM_CONNECT_TIMEOUT',
          `no connection to ${this.#owner.authority} within ${this.#owner.connectTimeoutMs} ms`,
        ),
      );
    } else if (this.#request !== undefined) {
      const body = this.#parser.headReceived;
      this.#fail(
        new UpstreamHttpError(
          body ? 'UPSTREAM_BODY_TIMEOUT' : 'UPSTREAM_HEADERS_TIMEOUT',
          `the upstream sent nothing for ${this.#idleTimeoutMs} ms ${body ? 'within the response body' : 'before the response head'}`,
        ),
      );
    } else {
      this.#socket.destroy(); // idle, and silent for a request's whole idle timeout
    }
  };

  readonly #onClose = (): void => {
    if (this.#request !== undefined) {
      this.#fail(new UpstreamHttpError('UPSTREAM_CLOSED', CLOSED_BEFORE_RESPONSE));
    }
    this.#owner.dropped(this);
  };

  #setTimeout(ms: number): void {
    if (ms === this.#timeoutMs) return;
    this.#timeoutMs = ms;
    this.#socket.setTimeout(ms);
  }

  /** Ends the current request with `err` and closes the connection (what it carried is unknown now). */
  #fail(err: Error): void {
    const request = this.#request;
    if (request === undefined) return;
    this.#request = undefined;
    request.runner = undefined;
    this.#parser.reset();
    if (this.#body !== undefined) this.#stopBody();
    this.#socket.destroy();
    if (this.#isStale(request, err)) {
      // The upstream closed this kept-alive connection as the request went out (the race every HTTP/1.1
      // client has): nothing was answered, so a safe request with a replayable body goes again, once.
      request.replayed = true;
      this.#owner.replay(request);
      return;
    }
    request.handler.onError(err);
  }

  #isStale(request: PendingRequest, err: Error): boolean {
    const { method, body } = request.options;
    return (
      this.#served > 0 &&
      !this.#heard &&
      !request.replayed &&
      STALE_CONNECTION_ERRORS.has((err as { code?: string }).code ?? '') &&
      SAFE_METHODS.has(method) &&
      (body === null || Buffer.isBuffer(body))
    );
  }

  // Streaming a request body.

  readonly #onBodyData = (data: Buffer | string): void => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (chunk.length === 0) return; // an empty chunk would end a chunked body
    const socket = this.#socket;
    let flushed: boolean;
    if (this.#chunked) {
      socket.cork();
      socket.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      socket.write(chunk);
      flushed = socket.write('\r\n', 'latin1');
      socket.uncork();
    } else {
      flushed = socket.write(chunk);
    }
    if (!flushed) {
      this.#body!.pause();
      socket.once('drain', this.#onSocketDrain);
    }
  };

  readonly #onSocketDrain = (): void => {
    this.#body?.resume();
  };

  readonly #onBodyEnd = (): void => {
    if (this.#chunked) this.#socket.write('0\r\n\r\n', 'latin1');
    this.#detachBody();
  };

  readonly #onBodyError = (err: Error): void => {
    this.#fail(err);
  };

  /** The response ended or failed before the body was sent: stop sending, and never reuse the connection. */
  #stopBody(): void {
    this.#reusable = false;
    this.#detachBody();
  }

  #detachBody(): void {
    const body = this.#body;
    if (body === undefined) return;
    this.#body = undefined;
    body.off('data', this.#onBodyData);
    body.off('end', this.#onBodyEnd);
    body.off('error', this.#onBodyError);
    this.#socket.off('drain', this.#onSocketDrain);
  }
}
