// One downstream connection: requests read one at a time (pipelined ones wait, unread, until the response
// before them has ended), each handed to the listener's handler with its response.

import type { Socket } from 'node:net';
import type { HttpLimits } from '../limits.js';
import { localReplyHead } from '../local-reply.js';
import { readAcceptedInto } from '../wire/socket-reads.js';
import { DownstreamRequest } from './downstream-request.js';
import { DownstreamResponse } from './downstream-response.js';
import { type RequestHead, RequestParser, RequestRefusal } from './request-parser.js';

export type RequestHandler = (req: DownstreamRequest, res: DownstreamResponse) => void;

/** What a connection needs from its server. */
export interface ConnectionServer {
  readonly handle: RequestHandler;
  /** With `headersTimeoutMs` at most `requestTimeoutMs` (when that is set). */
  readonly limits: HttpLimits;
  /** The server is draining: finish the request in flight, then close. */
  readonly draining: boolean;
  closed(connection: ServerConnection): void;
}

/** What the connection's deadline means when it passes. */
const NONE = 0;
/** The head of a request has not arrived in time: 408. */
const HEADERS = 1;
/** The body of a request has not arrived in time: 408. */
const REQUEST = 2;
/** Nothing was asked since the last response: close quietly. */
const IDLE = 3;
/** The connection is closing: the client has this long to close its side after the last byte is sent. */
const LINGER = 4;

/**
 * How long a closing connection waits for the client's FIN, reading and dropping what it sends, before it
 * is destroyed: closing with unread input would reset the connection and could discard the last response
 * on the client's side (Envoy's delayed close).
 */
const LINGER_MS = 1_000;

const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n';

/**
 * How much a connection reads ahead of what it can deliver (a pipelined request, a body nobody reads yet)
 * before its socket stops reading. Reading on is what notices a client that closes meanwhile; a stopped
 * socket reads nothing, not even its FIN. 16 KiB is the read-ahead of Node's own sockets.
 */
const MAX_HELD_BYTES = 16 * 1024;

export class ServerConnection {
  readonly socket: Socket;
  readonly #server: ConnectionServer;
  readonly #parser: RequestParser;
  #request: DownstreamRequest | undefined;
  #response: DownstreamResponse | undefined;
  /** The response has ended and the connection closes: nothing more is read. */
  #closing = false;
  #socketPaused = false;
  /** Bytes the kernel had taken at the last deadline that found a response still being delivered. */
  #lastSent = -1;
  /** When the current deadline passes (epoch ms), and what it means. */
  deadline = 0;
  #deadlineKind = NONE;

  constructor(server: ConnectionServer, socket: Socket) {
    this.#server = server;
    this.socket = socket;
    this.#parser = new RequestParser(this, server.limits);
    socket.setNoDelay(true);
    this.#expect(HEADERS, server.limits.headersTimeoutMs);
    if (!readAcceptedInto(socket, this.#onRead)) socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    socket.resume();
  }

  /** The server drains: an idle connection closes now, a busy one after the response in flight. */
  drain(): void {
    if (this.#request !== undefined) this.#response?.closeConnection();
    else if (!this.#closing) this.#close();
  }

  /** Called by the server's sweep when `deadline` has passed. */
  timedOut(): void {
    const kind = this.#deadlineKind;
    this.#expect(NONE, 0);
    switch (kind) {
      case IDLE:
        // Not idle while the last response is still on its way to a client reading it.
        if (this.#delivering()) this.#expect(IDLE, this.#server.limits.keepAliveTimeoutMs);
        else this.#close();
        break;
      case LINGER:
        if (this.#delivering()) this.#expect(LINGER, LINGER_MS);
        else this.socket.destroy();
        break;
      case HEADERS:
      case REQUEST:
        if (this.#response?.headersSent) {
          this.socket.destroy();
          return;
        }
        this.#refuse(
          408,
          kind === HEADERS
            ? 'the request head did not arrive in time'
            : 'the request body did not arrive in time',
        );
        break;
    }
  }

  readonly #onRead = (nread: number, buffer: Uint8Array): boolean => {
    this.#onData((buffer as Buffer).subarray(0, nread));
    return true;
  };

  readonly #onData = (chunk: Buffer): void => {
    if (this.#closing) return;
    if (this.#deadlineKind === IDLE) this.#expect(HEADERS, this.#server.limits.headersTimeoutMs);
    const parser = this.#parser;
    try {
      parser.execute(chunk);
    } catch (err) {
      this.#refused(err);
      return;
    }
    // The start of the next head came with the end of a request answered at once.
    if (this.#deadlineKind === IDLE && parser.headStarted)
      this.#expect(HEADERS, this.#server.limits.headersTimeoutMs);
    if (parser.heldBytes >= MAX_HELD_BYTES && !this.#socketPaused) {
      this.#socketPaused = true;
      this.socket.pause();
    }
  };

  onRequestHead(head: RequestHead): void {
    const request = new DownstreamRequest(head, this.socket, this);
    const server = this.#server;
    const response = new DownstreamResponse(
      this,
      head.method,
      head.minor,
      head.keepAlive && !server.draining,
    );
    this.#request = request;
    this.#response = response;
    if (head.bodyLength !== 0 && server.limits.requestTimeoutMs > 0)
      this.#expect(REQUEST, server.limits.requestTimeoutMs);
    else this.#expect(NONE, 0);
    if (head.expectUnknown) {
      this.#refuse(417, 'the only expectation supported is "Expect: 100-continue"');
      return;
    }
    if (head.expectContinue && head.minor === 1 && head.bodyLength !== 0)
      this.socket.write(CONTINUE, 'latin1');
    server.handle(request, response);
  }

  onRequestData(chunk: Buffer): void {
    const request = this.#request;
    // After the response has ended, the rest of the body is read past so the connection stays usable.
    if (request === undefined || this.#response?.ended === true) return;
    // A copy: the chunk lies in the buffer the next read overwrites (`readAcceptedInto`).
    if (!request.deliver(Buffer.from(chunk))) this.#parser.pause();
  }

  onRequestEnd(): void {
    const request = this.#request;
    if (request === undefined) return;
    if (this.#deadlineKind === REQUEST) this.#expect(NONE, 0);
    request.finish();
    if (this.#response?.ended === true) this.#nextRequest();
  }

  /** The request body's reader wants more. */
  readMore(): void {
    if (this.#parser.paused) this.#resumeParser();
  }

  responseEnded(close: boolean): void {
    if (close || this.#server.draining) {
      this.#close();
      return;
    }
    if (this.#request?.complete === true) {
      this.#nextRequest();
      return;
    }
    // The body is still arriving: read past it (`onRequestData`), then take the next request; once the
    // caller of `end()` has unwound, so no other request is handled inside it.
    if (this.#parser.paused) queueMicrotask(this.#resumeParser);
  }

  #nextRequest(): void {
    this.#request = undefined;
    this.#response = undefined;
    if (this.#server.draining) {
      this.#close();
      return;
    }
    if (this.#parser.holding) {
      // A pipelined request is waiting: read it once the exchange that ended has finished unwinding.
      this.#expect(HEADERS, this.#server.limits.headersTimeoutMs);
      queueMicrotask(this.#readHeld);
      return;
    }
    this.#expect(IDLE, this.#server.limits.keepAliveTimeoutMs);
    this.#parser.next();
    this.#resumeSocket();
  }

  /** Parses the request held behind the one that ended. */
  readonly #readHeld = (): void => this.#parse(true);
  /** Parses on after the body's reader caught up, or after the response ended before the body. */
  readonly #resumeParser = (): void => this.#parse(false);

  #parse(nextRequest: boolean): void {
    if (this.#closing) return;
    try {
      if (nextRequest) this.#parser.next();
      else this.#parser.resume();
    } catch (err) {
      this.#refused(err);
      return;
    }
    this.#resumeSocket();
  }

  #resumeSocket(): void {
    if (!this.#socketPaused || this.#parser.heldBytes >= MAX_HELD_BYTES) return;
    this.#socketPaused = false;
    this.socket.resume();
  }

  /** Bytes wait to be sent, and some were sent since the last check (the client is still reading). */
  #delivering(): boolean {
    const socket = this.socket;
    if (socket.writableLength === 0) return false;
    // `bytesWritten` counts what is still queued too: what the kernel took is the rest.
    const sent = socket.bytesWritten - socket.writableLength;
    if (sent === this.#lastSent) return false;
    this.#lastSent = sent;
    return true;
  }

  /** A parse of what the client sent failed: answers the refusal (anything else is a bug, thrown on). */
  #refused(err: unknown): void {
    if (!(err instanceof RequestRefusal)) throw err;
    this.#request?.abort(err);
    this.#refuse(err.status, err.message);
  }

  /** Answers `status` itself and closes: after a refused head the rest of the stream cannot be trusted. */
  #refuse(status: number, message: string): void {
    if (this.#response?.headersSent) {
      this.socket.destroy();
      return;
    }
    this.#close(localReplyHead(status, message));
  }

  /**
   * Closes gracefully: sends `last` (if any) and a FIN, then reads and drops whatever the client still sends
   * until it closes its side or `LINGER_MS` pass with nothing left to deliver.
   */
  #close(last?: string): void {
    this.#closing = true;
    this.#parser.reset();
    this.#expect(LINGER, LINGER_MS);
    if (this.#socketPaused) {
      this.#socketPaused = false;
      this.socket.resume();
    }
    if (last === undefined) this.socket.end();
    else this.socket.end(last, 'latin1');
  }

  #expect(kind: number, ms: number): void {
    this.#deadlineKind = ms > 0 ? kind : NONE;
    this.deadline = ms > 0 ? Date.now() + ms : 0;
  }

  readonly #onEnd = (): void => {
    // The client half-closed: like Node's server, a request still in flight is abandoned.
    this.socket.destroy();
  };

  readonly #onError = (): void => {
    this.socket.destroy();
  };

  readonly #onClose = (): void => {
    this.#closing = true;
    this.#parser.reset();
    this.#expect(NONE, 0);
    this.#request?.abort();
    this.#response?.connectionClosed();
    this.#server.closed(this);
  };
}
