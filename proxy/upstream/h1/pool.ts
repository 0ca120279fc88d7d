// The connections to one upstream endpoint: reused while kept alive, opened up to a limit, requests queued
// beyond it. The proxy's replacement for undici's Pool on the data path (see README.md in this folder).

import { type ConnectionOwner, H1Connection } from './connection.js';
import { type DispatchHandler, type DispatchOptions, PendingRequest } from './dispatch.js';
import { UpstreamHttpError } from './errors.js';
import type { ResponseLimits } from './response-parser.js';

export interface H1PoolOptions {
  /** Connections open at once; `Infinity` for no limit. Requests past it wait, first come first served. */
  readonly connections: number;
  /** An idle connection closes after this long... */
  readonly keepAliveTimeoutMs: number;
  /** ...or after what the upstream's `Keep-Alive: timeout=` says (less a second), at most this. */
  readonly keepAliveMaxTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly limits: ResponseLimits;
}

export class H1Pool implements ConnectionOwner {
  readonly address: string;
  readonly port: number;
  readonly authority: string;
  readonly connectTimeoutMs: number;
  readonly limits: ResponseLimits;
  readonly #options: H1PoolOptions;
  /** Most recently used last: reusing it finds the connection least likely to have been closed. */
  readonly #idle: H1Connection[] = [];
  readonly #queue: PendingRequest[] = [];
  #open = 0;
  #closed = false;
  #drained: (() => void) | undefined;

  constructor(address: string, port: number, options: H1PoolOptions) {
    this.address = address;
    this.port = port;
    this.authority = address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.limits = options.limits;
    this.#options = options;
  }

  /** No new requests are taken. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Connections open or opening. */
  get connections(): number {
    return this.#open;
  }

  /** Sends a request on an idle connection, a new one, or (at the limit) the next one to free up. */
  dispatch(options: DispatchOptions, handler: DispatchHandler): void {
    if (this.#closed) {
      const err = new UpstreamHttpError('UPSTREAM_POOL_CLOSED', `the pool to ${this.authority} is closed`);
      queueMicrotask(() => handler.onError(err));
      return;
    }
    const request = new PendingRequest(options, handler);
    const idle = this.#idle.pop();
    if (idle !== undefined) idle.run(request);
    else if (this.#open < this.#options.connections) this.#connect(request);
    else this.#queue.push(request);
  }

  /** Takes no new requests; resolves once those queued and in flight have finished and all is closed. */
  close(): Promise<void> {
    this.#closed = true;
    for (const connection of this.#idle.splice(0)) connection.destroy();
    if (this.#open === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
    });
  }

  release(connection: H1Connection, keepAliveMs: number | undefined): void {
    const next = this.#queue.shift();
    if (next !== undefined) {
      connection.run(next);
      return;
    }
    if (this.#closed) {
      connection.destroy();
      return;
    }
    const { keepAliveTimeoutMs, keepAliveMaxTimeoutMs } = this.#options;
    connection.idle(
      keepAliveMs === undefined
        ? keepAliveTimeoutMs
        : Math.max(1_000, Math.min(keepAliveMs - 1_000, keepAliveMaxTimeoutMs)),
    );
    this.#idle.push(connection);
  }

  dropped(connection: H1Connection): void {
    this.#open--;
    const at = this.#idle.indexOf(connection);
    if (at !== -1) this.#idle.splice(at, 1);
    const next = this.#queue.shift();
    if (next !== undefined) this.#connect(next);
    else if (this.#open === 0 && this.#closed) this.#drained?.();
  }

  #connect(request: PendingRequest): void {
    this.#open++;
    new H1Connection(this, request);
  }
}
