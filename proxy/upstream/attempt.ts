// One try of a request on one endpoint: the pool's dispatch handler, relaying events to its exchange.

import type { ClusterState } from './cluster-state.js';
import type { UpstreamEndpoint } from './endpoint.js';
import type { DispatchHandler } from './h1/index.js';

/** What an attempt reports to (the forwarder's exchange). Not called once the attempt is cancelled. */
export interface AttemptOwner {
  onAttemptHeaders(attempt: Attempt, status: number, headers: string[], resume: () => void): boolean;
  onAttemptData(attempt: Attempt, chunk: Buffer): boolean;
  onAttemptComplete(attempt: Attempt): void;
  onAttemptError(attempt: Attempt, err: Error): void;
}

/** `onConnect` marks the moment request bytes may start to reach the upstream: an error before it is a connect failure. */
export class Attempt implements DispatchHandler {
  readonly endpoint: UpstreamEndpoint;
  readonly #cluster: ClusterState;
  readonly #owner: AttemptOwner;
  #abort: ((reason: Error) => void) | undefined;
  #cancelled: Error | undefined;
  #released = false;
  /** The pool started writing the request. */
  sent = false;
  /** The response is being read only to keep the connection (a retry was decided on its status). */
  discarding = false;
  discardedBytes = 0;

  constructor(owner: AttemptOwner, cluster: ClusterState, endpoint: UpstreamEndpoint) {
    this.#owner = owner;
    this.#cluster = cluster;
    this.endpoint = endpoint;
  }

  get cancelled(): boolean {
    return this.#cancelled !== undefined;
  }

  /** Aborts the attempt (its connection is closed); the owner hears nothing more from it. */
  cancel(reason: Error): void {
    if (this.#cancelled !== undefined) return;
    this.#cancelled = reason;
    this.#abort?.(reason);
  }

  /** Aborts but keeps reporting: the owner gets `onAttemptError(reason)`. */
  fail(reason: Error): void {
    this.#abort?.(reason);
  }

  onConnect(abort: (reason: Error) => void): void {
    this.#abort = abort;
    if (this.#cancelled !== undefined) abort(this.#cancelled);
    else this.sent = true;
  }

  onHeaders(statusCode: number, headers: string[], resume: () => void): boolean {
    if (this.#cancelled !== undefined) return false;
    return this.#owner.onAttemptHeaders(this, statusCode, headers, resume);
  }

  onData(chunk: Buffer): boolean {
    if (this.#cancelled !== undefined) return false;
    return this.#owner.onAttemptData(this, chunk);
  }

  onComplete(): void {
    this.#release();
    if (this.#cancelled === undefined) this.#owner.onAttemptComplete(this);
  }

  onError(err: Error): void {
    this.#release();
    if (this.#cancelled === undefined) this.#owner.onAttemptError(this, err);
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#cluster.end(this.endpoint);
  }
}
