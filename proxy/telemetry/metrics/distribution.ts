// Latency distributions: an HDR histogram per key on the data path, and the immutable buckets a window
// carries (values in milliseconds with how many requests fell in each), merged and cut for the exporters.

import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';
import { LATENCY_HIGHEST_MICROS, LATENCY_SIGNIFICANT_DIGITS } from './constants.js';

/** Pure data: ascending bucket values (ms) and their counts, with the exact count, sum, min and max. */
export interface Distribution {
  readonly values: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
  /** Sum of the recorded latencies (ms), before bucketing. */
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

/** What the recorder uses of hdr-histogram-js's JS implementation (present at runtime, not in `Histogram`). */
interface BucketAccess {
  readonly countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  medianEquivalentValue(value: number): number;
}

// The package's index also loads its WebAssembly build, ~15 MB of RSS in every proxy; the plain JS
// histogram (32-bit buckets) is all this needs, so it is loaded alone.
const Int32Histogram = createRequire(import.meta.url)('hdr-histogram-js/dist/Int32Histogram.js')
  .default as new (
  lowestDiscernibleValue: number,
  highestTrackableValue: number,
  numberOfSignificantValueDigits: number,
) => Histogram & BucketAccess;

/** One key's latencies in the current window. `record` is O(1) and allocates nothing. */
export class LatencyHistogram {
  readonly #histogram: Histogram & BucketAccess;
  #sum = 0;
  #min = Number.POSITIVE_INFINITY;
  #max = 0;

  constructor() {
    this.#histogram = new Int32Histogram(1, LATENCY_HIGHEST_MICROS, LATENCY_SIGNIFICANT_DIGITS);
    this.#histogram.autoResize = false;
  }

  get count(): number {
    return this.#histogram.totalCount;
  }

  record(latencyMs: number): void {
    const ms = Number.isFinite(latencyMs) ? Math.max(latencyMs, 0) : 0;
    const micros = Math.min(LATENCY_HIGHEST_MICROS, Math.max(1, Math.round(ms * 1000)));
    this.#histogram.recordValue(micros);
    this.#sum += ms;
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
  }

  /** The window's buckets as data, then empty for the next window. */
  drain(): Distribution {
    const h = this.#histogram;
    const values: number[] = [];
    const counts: number[] = [];
    let seen = 0;
    const total = h.totalCount;
    for (let i = 0; i < h.countsArrayLength && seen < total; i++) {
      const n = h.getCountAtIndex(i);
      if (n === 0) continue;
      values.push(round3(h.medianEquivalentValue(h.valueFromIndex(i)) / 1000));
      counts.push(n);
      seen += n;
    }
    const out: Distribution = Object.freeze({
      values: Object.freeze(values),
      counts: Object.freeze(counts),
      count: total,
      sum: round3(this.#sum),
      min: total === 0 ? 0 : round3(this.#min),
      max: round3(this.#max),
    });
    h.reset();
    this.#sum = 0;
    this.#min = Number.POSITIVE_INFINITY;
    this.#max = 0;
    return out;
  }
}

/** The bucket sums of several distributions (same metric, rolled up to a coarser dimension set). */
export function mergeDistributions(parts: readonly Distribution[]): Distribution {
  if (parts.length === 1) return parts[0]!;
  const byValue = new Map<number, number>();
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const part of parts) {
    for (let i = 0; i < part.values.length; i++) {
      const v = part.values[i]!;
      byValue.set(v, (byValue.get(v) ?? 0) + part.counts[i]!);
    }
    count += part.count;
    sum += part.sum;
    if (part.count > 0) min = Math.min(min, part.min);
    max = Math.max(max, part.max);
  }
  const values = [...byValue.keys()].sort((a, b) => a - b);
  return Object.freeze({
    values: Object.freeze(values),
    counts: Object.freeze(values.map((v) => byValue.get(v)!)),
    count,
    sum: round3(sum),
    min: count === 0 ? 0 : min,
    max,
  });
}

/** The value at `percentile` (0–100) of a distribution: the bucket the rank falls in. */
export function valueAtPercentile(d: Distribution, percentile: number): number {
  if (d.count === 0) return 0;
  const rank = Math.max(1, Math.ceil((percentile / 100) * d.count));
  let seen = 0;
  for (let i = 0; i < d.values.length; i++) {
    seen += d.counts[i]!;
    if (seen >= rank) return d.values[i]!;
  }
  return d.values[d.values.length - 1]!;
}

/**
 * At most `limit` values standing for the distribution when no counts can be sent (EMF): every request's
 * bucket when there are no more than `limit` requests (exact), else one value per 1/`limit` of the requests
 * (the bucket at each quantile's midpoint), with the first and last replaced by the exact min and max.
 * CloudWatch's percentiles over these match the histogram's within one quantile step; their SampleCount is
 * the number of values, not of requests (use `RequestCountPerTarget` for counts).
 */
export function representativeValues(d: Distribution, limit: number): number[] {
  if (d.count === 0) return [];
  const out: number[] = [];
  if (d.count <= limit) {
    for (let i = 0; i < d.values.length; i++) for (let n = 0; n < d.counts[i]!; n++) out.push(d.values[i]!);
    return out;
  }
  for (let q = 0; q < limit; q++) out.push(valueAtPercentile(d, ((q + 0.5) / limit) * 100));
  out[0] = d.min;
  out[limit - 1] = d.max;
  return out;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
