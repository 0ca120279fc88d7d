// The connections to one upstream endpoint: reused while kept alive, opened up to a limit, requests queued
// beyond it. The proxy's replacement for undici's Pool on the data path (see README.md in this folder).

import { type ConnectionOwner, H1Connection } from './connection.js';
import { type DispatchHandler, type DispatchOptions, PendingRequest } from './dispatch.js';
import { UpstreamHttpError } from './errors.js';
import { serializeHead } from './request-head.js';
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
  #closed: Promise<void> | undefined;
  /** Closes idle connections past their keep-alive time; armed while there are idle connections. */
  #sweepTimer: ReturnType<typeof setTimeout> | undefined;
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
    return this.#closed !== undefined;
  }

  /** Connections open or opening. */
  get connections(): number {
    return this.#open;
  }

  /**
   * Sends a request on an idle connection, a new one, or (at the limit) the next one to free up. A request
   * that cannot be written, or a closed pool, fails it (`onError`, on a later tick) without a connection.
   */
  dispatch(options: DispatchOptions, handler: DispatchHandler): void {
    let request: PendingRequest;
    try {
      if (this.#closed !== undefined) {
        throw new UpstreamHttpError('UPSTREAM_POOL_CLOSED', `the pool to ${this.authority} is closed`);
      }
      const { head, chunked } = serializeHead(options, this.authority);
      request = new PendingRequest(options, handler, head, chunked);
    } catch (err) {
      queueMicrotask(() => handler.onError(err as Error));
      return;
    }
    let idle = this.#idle.pop();
    while (idle !== undefined && !idle.usable) idle = this.#idle.pop();
    if (idle !== undefined) idle.run(request);
    else if (this.#open < this.#options.connections) this.#connect(request);
    else this.#queue.push(request);
  }

  /** Takes no new requests; resolves once those queued and in flight have finished and all is closed. */
  close(): Promise<void> {
    if (this.#closed !== undefined) return this.#closed;
    for (const connection of this.#idle.splice(0)) connection.destroy();
    if (this.#sweepTimer !== undefined) clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#closed =
      this.#open === 0
        ? Promise.resolve()
        : new Promise((resolve) => {
            this.#drained = resolve;
          });
    return this.#closed;
  }

  release(connection: H1Connection, keepAliveMs: number | undefined): void {
    const next = this.#queue.shift();
    if (next !== undefined) {
      connection.run(next);
      return;
    }
    if (this.#closed !== undefined) {
      connection.destroy();
      return;
    }
    const { keepAliveTimeoutMs, keepAliveMaxTimeoutMs } = this.#options;
    // Closing before the upstream does avoids sending on a connection it is closing: a second early, or
    // half the time for hints of 2 s and less.
    const hinted =
      keepAliveMs === undefined
        ? keepAliveTimeoutMs
        : keepAliveMs > 2_000
          ? keepAliveMs - 1_000
          : keepAliveMs / 2;
    if (hinted < 1) {
      connection.destroy(); // `Keep-Alive: timeout=0`
      return;
    }
    // One pool timer, not a socket timer re-armed per request, ends idle connections.
    const keepAlive = Math.min(hinted, keepAliveMaxTimeoutMs);
    connection.idleUntil = Date.now() + keepAlive;
    this.#idle.push(connection);
    this.#sweepIn(keepAlive);
  }

  replay(request: PendingRequest): void {
    // First in line; the failed connection's 'close' (`dropped`) opens the connection it runs on.
    this.#queue.unshift(request);
  }

  dropped(connection: H1Connection): void {
    this.#open--;
    const at = this.#idle.indexOf(connection);
    if (at !== -1) this.#idle.splice(at, 1);
    const next = this.#queue.shift();
    if (next !== undefined) this.#connect(next);
    else if (this.#open === 0 && this.#closed !== undefined) this.#drained?.();
  }

  #sweepIn(ms: number): void {
    if (this.#sweepTimer !== undefined) return;
    this.#sweepTimer = setTimeout(this.#sweep, ms);
    this.#sweepTimer.unref();
  }

  readonly #sweep = (): void => {
    this.#sweepTimer = undefined;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    let kept = 0;
    for (const connection of this.#idle) {
      if (connection.idleUntil <= now) {
        connection.destroy();
      } else {
        this.#idle[kept++] = connection;
        next = Math.min(next, connection.idleUntil - now);
      }
    }
    this.#idle.length = kept;
    if (kept > 0) this.#sweepIn(next);
  };

  #connect(request: PendingRequest): void {
    this.#open++;
    new H1Connection(this, request);
  }
}
