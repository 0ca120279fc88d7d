// Forwards one downstream request to a cluster: attempts, retries, timeouts, and the response relayed back.

import type { PassThrough } from 'node:stream';
import type { RetryPolicy, Timeout } from '../../control-plane/snapshot/index.js';
import type { DownstreamRequest, DownstreamResponse } from '../http/server/index.js';
import { Attempt, type AttemptOwner } from './attempt.js';
import type { ClusterState } from './cluster-state.js';
import { MAX_DISCARD_BODY_BYTES, MAX_REPLAY_BODY_BYTES } from './constants.js';
import type { UpstreamEndpoint } from './endpoint.js';
import { classifyError, type FailureKind } from './errors.js';
import type { DispatchOptions } from './h1/index.js';
import { LOCAL_REPLIES, type LocalReply, sendLocalReply } from './local-reply.js';
import { readRequestBody, releaseBody } from './request-body.js';
import type { RetryBudget } from './retry-budget.js';
import { backoffMs, isIdempotent, shouldRetry } from './retry-rules.js';
import { countStatus, type RouteStats } from './route-stats.js';
import { upstreamHeaders } from './upstream-headers.js';

export interface UpstreamCall {
  /** The downstream request (its body is read here) and response (written here). */
  readonly req: DownstreamRequest;
  readonly res: DownstreamResponse;
  /** From `Upstreams.get`, `.static` or `.passthrough`. */
  readonly cluster: ClusterState;
  readonly method: string;
  /** Origin-form target with its query. */
  readonly path: string;
  /** Flat raw header array, already cleaned for the upstream by the caller. */
  readonly headers: string[];
  /** The request body's declared length: 0 none, -1 chunked (`AcceptedRequestHead.bodyLength`). */
  readonly bodyLength: number;
  /** @default - no retries */
  readonly retryPolicy?: RetryPolicy;
  /** `perRequestMs` covers every attempt; `idleMs` limits silence from the upstream. 0 disables either. */
  readonly timeout: Timeout;
  /** Shared per cluster (`cluster.budget`) or per route. */
  readonly budget: RetryBudget;
  readonly stats: RouteStats;
  /** Downstream hygiene of the upstream's raw response headers (drop hop-by-hop). @default identity */
  readonly responseHeaders?: (raw: string[]) => string[];
  /** Called once when the exchange is over, for access logs and traces. */
  readonly done?: (outcome: ForwardOutcome) => void;
  /**
   * Told about each attempt before it is sent (tracing): may give the headers to send on it instead of
   * `headers` (as upstream-ready), and hears how the attempt ended.
   */
  readonly observeAttempt?: (
    endpoint: string,
    attempt: number,
    headers: string[],
  ) => AttemptObserver | undefined;
}

export interface AttemptObserver {
  readonly headers?: string[];
  end(result: { readonly status?: number; readonly error?: Error }): void;
}

export interface ForwardOutcome {
  /** Status sent downstream; 0 when none was (client gone first). */
  readonly status: number;
  readonly attempts: number;
  /** `address:port` of the last endpoint tried. */
  readonly endpoint: string | undefined;
  /** Message of the local reply, when the proxy answered itself. */
  readonly localReply: string | undefined;
  /** The response was cut short: the client left, or the upstream or a timeout broke it after it began. */
  readonly aborted: boolean;
  /** Response body bytes relayed downstream (a local reply's body included). */
  readonly bytesSent: number;
  /** Attempts after the first. */
  readonly retries: number;
  /** A timeout (per request, per try, or idle) ended the exchange or one of its attempts. */
  readonly timedOut: boolean;
}

/**
 * Forwards `call` and answers the client: the upstream's response, or a local reply (503 no endpoint,
 * refused, reset or overflow; 502 malformed; 504 timeout). Never throws; never sends a response twice.
 */
export function forward(call: UpstreamCall): void {
  new Exchange(call).start();
}

const CLIENT_GONE = new Error('downstream client disconnected');
const TRY_TIMEOUT = new Error('upstream per-try timeout');
const REQUEST_TIMEOUT = new Error('upstream request timeout');
const MALFORMED_HEADERS = new Error('upstream response headers refused by the downstream writer');
const DISCARD_LIMIT = new Error('discarded response too large');

const REPLY_FOR: Record<FailureKind, LocalReply> = {
  connect: LOCAL_REPLIES.connectFailure,
  reset: LOCAL_REPLIES.reset,
  malformed: LOCAL_REPLIES.malformed,
  timeout: LOCAL_REPLIES.idleTimeout,
  local: LOCAL_REPLIES.local,
};

type Timer = ReturnType<typeof setTimeout>;

class Exchange implements AttemptOwner {
  readonly #call: UpstreamCall;
  readonly #idempotent: boolean;
  #dispatch: DispatchOptions;
  #stream: PassThrough | undefined;
  #replayable = true;
  #attempt: Attempt | undefined;
  #last: UpstreamEndpoint | undefined;
  #attempts = 0;
  #retries = 0;
  #deadline = 0;
  #committed = false;
  #status = 0;
  #done = false;
  #waitedForDns = false;
  #requestTimer: Timer | undefined;
  #tryTimer: Timer | undefined;
  #backoffTimer: Timer | undefined;
  #resume: (() => void) | undefined;
  #awaitingDrain = false;
  #observer: AttemptObserver | undefined;
  #bytesSent = 0;
  #timedOut = false;

  constructor(call: UpstreamCall) {
    this.#call = call;
    this.#idempotent = isIdempotent(call.method);
    this.#dispatch = {
      path: call.path,
      method: call.method,
      headers: upstreamHeaders(call.headers),
      body: null,
      idleTimeoutMs: call.timeout.idleMs,
    };
  }

  start(): void {
    const { req, res, timeout, stats } = this.#call;
    stats.requests.inc();
    this.#call.budget.deposit();
    res.onAbort(this.#onDownstreamClose);
    if (timeout.perRequestMs > 0) {
      this.#deadline = Date.now() + timeout.perRequestMs;
      this.#requestTimer = setTimeout(this.#onRequestTimeout, timeout.perRequestMs);
    }
    const declared = this.#call.bodyLength;
    if (declared === 0) {
      this.#next();
      return;
    }
    readRequestBody(req, declared, MAX_REPLAY_BODY_BYTES, (body) => {
      if (this.#done) {
        if (!(body instanceof Error) && !body.replayable) releaseBody(req, body.stream);
        return;
      }
      if (body instanceof Error) {
        this.#finish(0, undefined, true);
        return;
      }
      if (body.replayable) {
        this.#dispatch = { ...this.#dispatch, body: body.bytes };
      } else {
        this.#replayable = false;
        this.#stream = body.stream;
        this.#dispatch = { ...this.#dispatch, body: body.stream };
      }
      this.#next();
    });
  }

  /** Starts the next attempt on an endpoint the balancer picks (a different one for a retry, if it can). */
  #next(): void {
    if (this.#done) return;
    const cluster = this.#call.cluster;
    const avoid = this.#call.retryPolicy?.preferDifferentHost === false ? undefined : this.#last;
    const endpoint = cluster.pick(avoid);
    if (endpoint === undefined) {
      const resolving = cluster.resolving;
      if (resolving !== undefined && !this.#waitedForDns) {
        this.#waitedForDns = true;
        void resolving.then(() => this.#next());
        return;
      }
      this.#localReply(LOCAL_REPLIES.noHealthyUpstream);
      return;
    }
    if (!cluster.begin(endpoint)) {
      this.#call.stats.overflow.inc();
      this.#localReply(LOCAL_REPLIES.overflow);
      return;
    }
    this.#attempts++;
    this.#last = endpoint;
    const attempt = new Attempt(this, cluster, endpoint);
    this.#attempt = attempt;
    const perTry = this.#call.retryPolicy?.perRetryTimeoutMs ?? 0;
    if (perTry > 0) this.#tryTimer = setTimeout(this.#onTryTimeout, perTry);
    let options = this.#dispatch;
    const observe = this.#call.observeAttempt;
    if (observe !== undefined) {
      this.#observer = observe(endpoint.key, this.#attempts, this.#dispatch.headers as string[]);
      if (this.#observer?.headers !== undefined)
        options = { ...this.#dispatch, headers: this.#observer.headers };
    }
    endpoint.pool.dispatch(options, attempt);
  }

  onAttemptHeaders(attempt: Attempt, status: number, upstreamHeaders: string[], resume: () => void): boolean {
    this.#clearTryTimer();
    this.#endObserver({ status });
    this.#call.cluster.report(attempt.endpoint, status >= 500);
    if (this.#mayRetry('status', status)) {
      attempt.discarding = true;
      return true;
    }
    const { res, responseHeaders } = this.#call;
    try {
      res.writeHead(
        status,
        responseHeaders === undefined ? upstreamHeaders : responseHeaders(upstreamHeaders),
      );
    } catch {
      // A header the parser let through (or the hook added) was refused: a failed writeHead leaves the
      // response half-configured, so no reply can be trusted on it; the connection is closed instead.
      attempt.cancel(MALFORMED_HEADERS);
      this.#call.stats.upstreamErrors.inc();
      res.destroy();
      this.#finish(LOCAL_REPLIES.malformed.status, LOCAL_REPLIES.malformed.message, true);
      return false;
    }
    this.#committed = true;
    this.#status = status;
    this.#resume = resume;
    countStatus(this.#call.stats, status);
    return true;
  }

  onAttemptData(attempt: Attempt, chunk: Buffer): boolean {
    if (attempt.discarding) {
      attempt.discardedBytes += chunk.length;
      if (attempt.discardedBytes > MAX_DISCARD_BODY_BYTES) attempt.fail(DISCARD_LIMIT);
      return true;
    }
    this.#bytesSent += chunk.length;
    if (this.#call.res.write(chunk)) return true;
    if (!this.#awaitingDrain) {
      this.#awaitingDrain = true;
      this.#call.res.onDrain(this.#onDrain);
    }
    return false;
  }

  onAttemptComplete(attempt: Attempt): void {
    this.#attempt = undefined;
    if (attempt.discarding) {
      this.#retryAfterBackoff();
      return;
    }
    this.#call.res.end();
    this.#finish(this.#status, undefined, false);
  }

  onAttemptError(attempt: Attempt, err: Error): void {
    this.#attempt = undefined;
    this.#clearTryTimer();
    this.#endObserver({ error: err });
    if (attempt.discarding) {
      this.#retryAfterBackoff(); // decided (and budgeted) on the status already
      return;
    }
    const { stats, cluster, res } = this.#call;
    const kind = classifyError(err, attempt.sent);
    if (kind !== 'local') {
      stats.upstreamErrors.inc();
      cluster.report(attempt.endpoint, true);
    }
    if (kind === 'timeout' || (err as { code?: string }).code === 'UPSTREAM_BODY_TIMEOUT') {
      stats.timeouts.inc();
      this.#timedOut = true;
    }
    if (this.#committed) {
      // The response has begun: the client must see it cut short, never complete.
      res.destroy(err);
      this.#finish(this.#status, undefined, true);
      return;
    }
    if (this.#mayRetry(kind, 0)) {
      this.#retryAfterBackoff();
      return;
    }
    this.#localReply(REPLY_FOR[kind]);
  }

  /** Whether to retry now; takes the retry from the budget when it says yes. */
  #mayRetry(kind: FailureKind | 'status', status: number): boolean {
    const policy = this.#call.retryPolicy;
    if (policy === undefined || this.#retries >= policy.maxRetries || !this.#replayable) return false;
    if (!shouldRetry(policy, kind, status, this.#idempotent)) return false;
    if (this.#deadline !== 0 && Date.now() >= this.#deadline) return false;
    if (!this.#call.budget.tryWithdraw()) {
      this.#call.stats.budgetExhausted.inc();
      return false;
    }
    this.#retries++;
    this.#call.stats.retries.inc();
    return true;
  }

  #retryAfterBackoff(): void {
    if (this.#done) return;
    this.#backoffTimer = setTimeout(this.#onBackoff, backoffMs(this.#retries));
  }

  readonly #onBackoff = (): void => {
    this.#backoffTimer = undefined;
    this.#next();
  };

  readonly #onTryTimeout = (): void => {
    this.#tryTimer = undefined;
    const attempt = this.#attempt;
    if (attempt === undefined || this.#done) return;
    this.#attempt = undefined;
    attempt.cancel(TRY_TIMEOUT);
    this.#endObserver({ error: TRY_TIMEOUT });
    this.#timedOut = true;
    const { stats, cluster } = this.#call;
    stats.timeouts.inc();
    stats.upstreamErrors.inc();
    cluster.report(attempt.endpoint, true);
    if (this.#mayRetry('timeout', 0)) this.#retryAfterBackoff();
    else this.#localReply(LOCAL_REPLIES.perTryTimeout);
  };

  readonly #onRequestTimeout = (): void => {
    this.#requestTimer = undefined;
    if (this.#done) return;
    this.#call.stats.timeouts.inc();
    this.#timedOut = true;
    this.#endObserver({ error: REQUEST_TIMEOUT });
    this.#attempt?.cancel(REQUEST_TIMEOUT);
    this.#attempt = undefined;
    if (this.#committed) {
      this.#call.res.destroy(REQUEST_TIMEOUT);
      this.#finish(this.#status, undefined, true);
    } else {
      this.#localReply(LOCAL_REPLIES.requestTimeout);
    }
  };

  readonly #onDownstreamClose = (): void => {
    if (this.#done) return;
    this.#endObserver({ error: CLIENT_GONE });
    this.#attempt?.cancel(CLIENT_GONE);
    this.#attempt = undefined;
    this.#finish(this.#status, undefined, true);
  };

  readonly #onDrain = (): void => {
    this.#awaitingDrain = false;
    this.#resume?.();
  };

  #localReply(reply: LocalReply): void {
    if (this.#done) return;
    this.#endObserver({ error: CLIENT_GONE });
    this.#attempt?.cancel(CLIENT_GONE);
    this.#attempt = undefined;
    const committed = this.#committed;
    sendLocalReply(this.#call.res, reply);
    if (!committed) this.#bytesSent += reply.body.length;
    if (!committed) countStatus(this.#call.stats, reply.status);
    this.#finish(committed ? this.#status : reply.status, reply.message, committed);
  }

  /** Tells the observer of the attempt in flight (if any) how it ended, once. */
  #endObserver(result: { status?: number; error?: Error }): void {
    const observer = this.#observer;
    this.#observer = undefined;
    observer?.end(result);
  }

  #clearTryTimer(): void {
    if (this.#tryTimer !== undefined) {
      clearTimeout(this.#tryTimer);
      this.#tryTimer = undefined;
    }
  }

  #finish(status: number, localReply: string | undefined, aborted: boolean): void {
    if (this.#done) return;
    this.#done = true;
    this.#clearTryTimer();
    if (this.#requestTimer !== undefined) clearTimeout(this.#requestTimer);
    if (this.#backoffTimer !== undefined) clearTimeout(this.#backoffTimer);
    if (this.#stream !== undefined) releaseBody(this.#call.req, this.#stream);
    this.#call.done?.({
      status,
      attempts: this.#attempts,
      endpoint: this.#last?.key,
      localReply,
      aborted,
      bytesSent: this.#bytesSent,
      retries: this.#retries,
      timedOut: this.#timedOut,
    });
  }
}
