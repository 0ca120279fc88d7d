// Recent request latencies, kept for a sliding window, with percentiles computed on demand.

/** At most this many samples are kept, whatever the rate; older ones go first. */
export const MAX_LATENCY_SAMPLES = 20_000;

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export class LatencyWindow {
  readonly #windowMs: number;
  readonly #now: () => number;
  #samples: { at: number; ms: number }[] = [];

  constructor(windowMs: number, now: () => number = Date.now) {
    this.#windowMs = windowMs;
    this.#now = now;
  }

  record(ms: number): void {
    this.#samples.push({ at: this.#now(), ms });
    if (this.#samples.length > MAX_LATENCY_SAMPLES) this.#samples.splice(0, this.#samples.length / 2);
  }

  /** p50 and p99 of the samples in the window (nearest rank); undefined when there are none. */
  summary(): LatencySummary | undefined {
    const since = this.#now() - this.#windowMs;
    this.#samples = this.#samples.filter((s) => s.at >= since);
    if (this.#samples.length === 0) return undefined;
    const sorted = this.#samples.map((s) => s.ms).sort((a, b) => a - b);
    return { count: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
  }
}

/** The nearest-rank percentile of ascending `sorted` values (non-empty). */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}
