// What a request handed to the upstream HTTP/1.1 client is, and the callbacks it reports through.

import type { Readable } from 'node:stream';

export interface DispatchOptions {
  readonly method: string;
  /** Origin-form target with its query. */
  readonly path: string;
  /**
   * Flat `[name, value, …]`, without hop-by-hop framing headers (`upstreamHeaders`); `Host` and the body's
   * framing (`Content-Length` or chunked) are added when missing.
   */
  readonly headers: readonly string[];
  /** A replayable buffer, a stream sent once, or none. */
  readonly body: Buffer | Readable | null;
  /** Longest silence from the upstream once the request is on the wire; 0 for none. */
  readonly idleTimeoutMs: number;
}

/**
 * The request's callbacks, in order: `onConnect` once it has a connection (a failure before it means no
 * byte was sent), `onHeaders` for the final response head, `onData` per body slice, then `onComplete` or
 * `onError` (exactly one of them, also after `abort`). `false` from `onHeaders`/`onData` stops delivery
 * until `resume` is called; the idle timeout does not run meanwhile (the wait is downstream's, not the
 * upstream's).
 */
export interface DispatchHandler {
  onConnect(abort: (reason: Error) => void): void;
  onHeaders(status: number, headers: string[], resume: () => void): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  onError(err: Error): void;
}

/** A dispatched request and its handler, from the pool's queue to the end of its response. */
export class PendingRequest {
  readonly options: DispatchOptions;
  readonly handler: DispatchHandler;
  /** The head to write (checked when dispatched), and whether the body goes chunked. */
  readonly head: string;
  readonly chunked: boolean;
  /** The connection running it, while one does. */
  runner: RequestRunner | undefined;
  /** Sent again on a fresh connection already, after a reused one turned out closed (see `H1Connection`). */
  replayed = false;

  constructor(options: DispatchOptions, handler: DispatchHandler, head: string, chunked: boolean) {
    this.options = options;
    this.handler = handler;
    this.head = head;
    this.chunked = chunked;
  }

  readonly abort = (reason: Error): void => {
    this.runner?.abort(this, reason);
  };

  readonly resume = (): void => {
    this.runner?.resume(this);
  };
}

/** What `abort` and `resume` reach: the connection, which ignores calls for a request it no longer runs. */
export interface RequestRunner {
  abort(request: PendingRequest, reason: Error): void;
  resume(request: PendingRequest): void;
}
