// The counters one forwarded request updates, resolved once per route (or target) by the caller.

import type { Counter, Labels, Stats } from '../telemetry/stats.js';

export interface RouteStats {
  /** Requests forwarded (each counted once, whatever its attempts). */
  readonly requests: Counter;
  /** Retries made (attempts after the first). */
  readonly retries: Counter;
  /** Requests that ended in a timeout (per request, per try, or idle). */
  readonly timeouts: Counter;
  /** Responses sent downstream (upstream or local), by status class. */
  readonly status1xx: Counter;
  readonly status2xx: Counter;
  readonly status3xx: Counter;
  readonly status4xx: Counter;
  readonly status5xx: Counter;
  /** Requests refused at once because the cluster's pending-request limit was reached. */
  readonly overflow: Counter;
  /** Retries not made because the retry budget was spent. */
  readonly budgetExhausted: Counter;
  /** Attempts that failed without a usable response: connect failure, reset, malformed, timeout. */
  readonly upstreamErrors: Counter;
}

/** Creates (or finds) the `upstream_rq_*` series for `labels`; call once per route, not per request. */
export function routeStats(stats: Stats, labels: Labels): RouteStats {
  const c = (name: string) => stats.counter(name, labels);
  const byClass = (cls: string) => stats.counter('upstream_rq_status', { ...labels, class: cls });
  return {
    requests: c('upstream_rq_total'),
    retries: c('upstream_rq_retry'),
    timeouts: c('upstream_rq_timeout'),
    status1xx: byClass('1xx'),
    status2xx: byClass('2xx'),
    status3xx: byClass('3xx'),
    status4xx: byClass('4xx'),
    status5xx: byClass('5xx'),
    overflow: c('upstream_rq_pending_overflow'),
    budgetExhausted: c('upstream_rq_retry_budget_exhausted'),
    upstreamErrors: c('upstream_rq_error'),
  };
}

/** Counts a status sent downstream under its class. */
export function countStatus(stats: RouteStats, status: number): void {
  if (status >= 500) stats.status5xx.inc();
  else if (status >= 400) stats.status4xx.inc();
  else if (status >= 300) stats.status3xx.inc();
  else if (status >= 200) stats.status2xx.inc();
  else stats.status1xx.inc();
}
