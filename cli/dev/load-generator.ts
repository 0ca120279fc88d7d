// The built-in load generator: a steady rate of GET requests to a service's ingress, timed end to end.

import { Agent, request } from 'undici';
import { LatencyWindow } from './latency-window.js';

/** Requests still waiting for an answer after this long are given up (and counted as failures). */
export const LOAD_REQUEST_TIMEOUT_MS = 10_000;
/** Latency percentiles cover this much recent time. */
export const LATENCY_WINDOW_MS = 10_000;

export interface LoadGeneratorOptions {
  /** e.g. `http://127.0.0.1:15000/` (a proxy's ingress). */
  readonly url: string;
  /** Requests per second. */
  readonly rate: number;
}

export interface LoadGenerator {
  readonly latency: LatencyWindow;
  /** Responses by status (0: no response), since the start. */
  readonly statuses: ReadonlyMap<number, number>;
  stop(): Promise<void>;
}

export function startLoadGenerator(options: LoadGeneratorOptions): LoadGenerator {
  const latency = new LatencyWindow(LATENCY_WINDOW_MS);
  const statuses = new Map<number, number>();
  const dispatcher = new Agent({ keepAliveTimeout: 5_000, connections: 64 });
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 1000 / options.rate;
  const started = performance.now();
  let sent = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const one = async () => {
    const begin = performance.now();
    let status = 0;
    try {
      const res = await request(options.url, {
        dispatcher,
        headersTimeout: LOAD_REQUEST_TIMEOUT_MS,
        bodyTimeout: LOAD_REQUEST_TIMEOUT_MS,
      });
      await res.body.dump();
      status = res.statusCode;
    } catch {
      status = 0;
    }
    latency.record(performance.now() - begin);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  };

  // Sends what is due since the start (so a slow tick catches up), then sleeps until the next is due.
  const tick = () => {
    if (stopped) return;
    const due = Math.floor((performance.now() - started) / intervalMs) + 1;
    for (; sent < due; sent++) {
      const p = one().finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    timer = setTimeout(tick, Math.max(1, started + sent * intervalMs - performance.now()));
  };
  tick();

  return {
    latency,
    statuses,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([...inFlight]);
      await dispatcher.close();
    },
  };
}
