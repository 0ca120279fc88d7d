// A retry budget: retries may add at most a fraction of recent requests (plus a small floor per second).

import { RETRY_BUDGET_MIN_PER_SECOND, RETRY_BUDGET_RATIO, RETRY_BUDGET_WINDOW_MS } from './constants.js';

export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of the requests in the window. @default 0.2 */
  readonly ratio?: number;
  /** Retries allowed in any one second regardless of the ratio. @default 10 */
  readonly minRetriesPerSecond?: number;
  /** How long requests and retries are remembered, in whole seconds of milliseconds. @default 10000 */
  readonly windowMs?: number;
  /** Milliseconds clock. @default Date.now */
  readonly now?: () => number;
}

/**
 * Linkerd's budget (20% + 10/s over 10 s), kept as one-second buckets so each call is O(1) and allocates
 * nothing. Every request calls `deposit()` once; a retry is made only when `tryWithdraw()` says so. Under a
 * total outage this bounds attempts to about `requests × 1.2 + 10 × seconds` instead of `× (1 + maxRetries)`.
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #minPerSecond: number;
  readonly #now: () => number;
  readonly #requests: number[];
  readonly #retries: number[];
  #index = 0;
  #second: number;
  #sumRequests = 0;
  #sumRetries = 0;

  constructor(options: RetryBudgetOptions = {}) {
    this.#ratio = options.ratio ?? RETRY_BUDGET_RATIO;
    this.#minPerSecond = options.minRetriesPerSecond ?? RETRY_BUDGET_MIN_PER_SECOND;
    this.#now = options.now ?? Date.now;
    const buckets = Math.max(1, Math.ceil((options.windowMs ?? RETRY_BUDGET_WINDOW_MS) / 1000));
    this.#requests = new Array<number>(buckets).fill(0);
    this.#retries = new Array<number>(buckets).fill(0);
    this.#second = Math.floor(this.#now() / 1000);
  }

  /** Records a request (not a retry). */
  deposit(): void {
    this.#rotate();
    this.#requests[this.#index]!++;
    this.#sumRequests++;
  }

  /** Records and allows a retry if the budget has room; false means "do not retry". */
  tryWithdraw(): boolean {
    this.#rotate();
    const allowed =
      this.#sumRetries < this.#ratio * this.#sumRequests || this.#retries[this.#index]! < this.#minPerSecond;
    if (allowed) {
      this.#retries[this.#index]!++;
      this.#sumRetries++;
    }
    return allowed;
  }

  /** Requests and retries currently in the window. */
  get window(): { readonly requests: number; readonly retries: number } {
    this.#rotate();
    return { requests: this.#sumRequests, retries: this.#sumRetries };
  }

  #rotate(): void {
    const second = Math.floor(this.#now() / 1000);
    if (second === this.#second) return;
    const steps = Math.min(second - this.#second, this.#requests.length);
    for (let i = 0; i < steps; i++) {
      this.#index = (this.#index + 1) % this.#requests.length;
      this.#sumRequests -= this.#requests[this.#index]!;
      this.#sumRetries -= this.#retries[this.#index]!;
      this.#requests[this.#index] = 0;
      this.#retries[this.#index] = 0;
    }
    this.#second = second;
  }
}
