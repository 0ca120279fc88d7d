// Reads proxies' admin `/stats` over time and turns the counters into rows of the live view: one per
// service (its proxy's inbound listener) and one per route a proxy sends to (its outbound counters).

import { request } from 'undici';
import type { LatencySummary } from './latency-window.js';
import type { ViewRow } from './live-view.js';

/** Rates and success cover at most this much recent time. */
export const STATS_WINDOW_MS = 10_000;
/** How long one `/stats` read may take. */
const ADMIN_TIMEOUT_MS = 2_000;

export interface ProxySource {
  /** The virtual node the proxy stands in for. */
  readonly name: string;
  /** `http://127.0.0.1:PORT` of its admin port. */
  readonly adminUrl: string;
}

interface CounterSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Sample {
  readonly at: number;
  readonly counters: readonly CounterSeries[];
}

export interface MeshStatsOptions {
  /** @default STATS_WINDOW_MS */
  readonly windowMs?: number;
  /** End-to-end latency of a service, where it is measured (the load generator's entry service). */
  readonly latencyOf?: (service: string) => LatencySummary | undefined;
}

export class MeshStats {
  readonly #sources: readonly ProxySource[];
  readonly #windowMs: number;
  readonly #latencyOf: MeshStatsOptions['latencyOf'];
  readonly #history = new Map<string, Sample[]>();
  readonly #errors = new Map<string, string>();

  constructor(sources: readonly ProxySource[], options: MeshStatsOptions = {}) {
    this.#sources = sources;
    this.#windowMs = options.windowMs ?? STATS_WINDOW_MS;
    this.#latencyOf = options.latencyOf;
  }

  /** Reads every proxy's `/stats` once; an unreachable proxy is noted, not thrown. */
  async sample(now = Date.now()): Promise<void> {
    await Promise.all(
      this.#sources.map(async (source) => {
        try {
          this.add(source.adminUrl, { at: now, counters: await readCounters(source.adminUrl) });
          this.#errors.delete(source.adminUrl);
        } catch (error) {
          this.#errors.set(source.adminUrl, (error as Error).message);
        }
      }),
    );
  }

  /** Records a sample taken elsewhere (tests, or a reader of its own). */
  add(adminUrl: string, sample: Sample): void {
    const history = this.#history.get(adminUrl) ?? [];
    history.push(sample);
    // Keep one sample older than the window, so a full window is always covered.
    while (history.length > 2 && history[1]!.at <= sample.at - this.#windowMs) history.shift();
    this.#history.set(adminUrl, history);
  }

  /** Proxies that did not answer the last read, with why. */
  errors(): string[] {
    return [...this.#errors].map(([url, message]) => `${url}: ${message}`);
  }

  rows(): ViewRow[] {
    const latest = new Map<string, readonly CounterSeries[]>();
    for (const [url, history] of this.#history) latest.set(url, history.at(-1)!.counters);
    const services: ViewRow[] = [];
    const routes: ViewRow[] = [];
    for (const source of this.#sources) {
      const history = this.#history.get(source.adminUrl);
      const window = history === undefined ? undefined : span(history);
      const latency = this.#latencyOf?.(source.name);
      services.push({
        kind: 'service',
        name: source.name,
        ...(window ? traffic(window, { direction: 'inbound' }) : {}),
        ...(latency ? { p50Ms: latency.p50Ms, p99Ms: latency.p99Ms } : {}),
        ejections: ejectionsOf(source.name, latest),
      });
      if (window === undefined) continue;
      const seen = new Set<string>();
      for (const c of window.last.counters) {
        if (c.name !== 'upstream_rq_total' || c.labels.direction !== 'outbound') continue;
        const service = c.labels.virtual_service ?? '';
        const route = c.labels.route ?? '';
        const key = `${service}\u0000${route}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const labels = { direction: 'outbound', virtual_service: service, route };
        routes.push({
          kind: 'route',
          name: `${source.name} → ${service}/${route}`,
          ...traffic(window, labels),
          retriesPerSecond: rate(window, sum(window, 'upstream_rq_retry', labels)),
        });
      }
    }
    routes.sort((a, b) => a.name.localeCompare(b.name));
    return [...services, ...routes];
  }
}

interface Span {
  readonly first: Sample;
  readonly last: Sample;
}

/** The newest sample and the oldest one within the window (absent: a single sample, no rates yet). */
function span(history: readonly Sample[]): Span | undefined {
  if (history.length < 2) return undefined;
  return { first: history[0]!, last: history.at(-1)! };
}

function matches(series: CounterSeries, name: string, labels: Readonly<Record<string, string>>): boolean {
  return series.name === name && Object.entries(labels).every(([k, v]) => series.labels[k] === v);
}

/** The increase of every `name{labels…}` series over the span. */
function sum(window: Span, name: string, labels: Readonly<Record<string, string>>): number {
  const total = (sample: Sample) =>
    sample.counters.reduce((acc, c) => (matches(c, name, labels) ? acc + c.value : acc), 0);
  return Math.max(0, total(window.last) - total(window.first));
}

function rate(window: Span, increase: number): number {
  const seconds = (window.last.at - window.first.at) / 1000;
  return seconds > 0 ? increase / seconds : 0;
}

/** Request rate and success rate (responses that were not 5xx) of the series with `labels`. */
function traffic(
  window: Span,
  labels: Readonly<Record<string, string>>,
): Pick<ViewRow, 'requestsPerSecond' | 'successRate'> {
  const requests = sum(window, 'upstream_rq_total', labels);
  const responses = sum(window, 'upstream_rq_status', labels);
  const failures = sum(window, 'upstream_rq_status', { ...labels, class: '5xx' });
  return {
    requestsPerSecond: rate(window, requests),
    ...(responses > 0 ? { successRate: (responses - failures) / responses } : {}),
  };
}

/** Times any proxy ejected an endpoint of `node` (clusters are named `<node>:<port>`). */
function ejectionsOf(node: string, latest: ReadonlyMap<string, readonly CounterSeries[]>): number {
  let total = 0;
  for (const counters of latest.values()) {
    for (const c of counters) {
      if (c.name === 'cluster_outlier_ejections' && c.labels.cluster?.startsWith(`${node}:`))
        total += c.value;
    }
  }
  return total;
}

async function readCounters(adminUrl: string): Promise<CounterSeries[]> {
  const res = await request(`${adminUrl}/stats`, {
    headersTimeout: ADMIN_TIMEOUT_MS,
    bodyTimeout: ADMIN_TIMEOUT_MS,
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`/stats answered ${res.statusCode}`);
  }
  const body = (await res.body.json()) as { counters?: CounterSeries[] };
  return body.counters ?? [];
}

/** The virtual node a proxy serves, from its `/config`; undefined when it does not say. */
export async function proxyName(adminUrl: string): Promise<string | undefined> {
  const res = await request(`${adminUrl}/config`, {
    headersTimeout: ADMIN_TIMEOUT_MS,
    bodyTimeout: ADMIN_TIMEOUT_MS,
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    return undefined;
  }
  const body = (await res.body.json()) as { proxy?: { name?: string } };
  return body.proxy?.name;
}
