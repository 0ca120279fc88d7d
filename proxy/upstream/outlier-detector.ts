// Passive health: ejects an endpoint after consecutive server errors, for a time that grows with each ejection.

import type { OutlierDetection } from '../../control-plane/snapshot/index.js';
import type { Clock } from './clock.js';
import type { UpstreamEndpoint } from './endpoint.js';

/**
 * Envoy's consecutive-5xx detector. `report()` is called once per finished attempt: a 5xx, a connect
 * failure, a reset or a timeout counts as a server error, anything else resets the count. On the
 * `maxServerErrors`-th error in a row the endpoint is ejected at once — unless that would put more than
 * `maxEjectionPercent` of the cluster's endpoints out — for `baseEjectionDurationMs × multiplier`, the
 * multiplier growing with each ejection. A timer brings it back exactly on time. Every `intervalMs` a sweep
 * lowers the multiplier of endpoints that stayed in, so a host that recovered is forgiven gradually.
 */
export class OutlierDetector {
  #config: OutlierDetection;
  readonly #endpoints: () => readonly UpstreamEndpoint[];
  readonly #clock: Clock;
  readonly #onEject: (endpoint: UpstreamEndpoint) => void;
  readonly #timers = new Map<UpstreamEndpoint, unknown>();
  #sweep: unknown;

  constructor(
    config: OutlierDetection,
    endpoints: () => readonly UpstreamEndpoint[],
    clock: Clock,
    onEject: (endpoint: UpstreamEndpoint) => void = () => {},
  ) {
    this.#config = config;
    this.#endpoints = endpoints;
    this.#clock = clock;
    this.#onEject = onEject;
    this.#startSweep();
  }

  /** Takes new settings; current ejections keep their end time. */
  configure(config: OutlierDetection): void {
    const intervalChanged = config.intervalMs !== this.#config.intervalMs;
    this.#config = config;
    if (intervalChanged) {
      this.#clock.clearInterval(this.#sweep);
      this.#startSweep();
    }
  }

  /** Records the outcome of one attempt on `endpoint`. */
  report(endpoint: UpstreamEndpoint, serverError: boolean): void {
    if (!serverError) {
      endpoint.consecutiveErrors = 0;
      return;
    }
    endpoint.consecutiveErrors++;
    if (endpoint.ejected || endpoint.consecutiveErrors < this.#config.maxServerErrors) return;
    if (!this.#mayEjectOneMore()) return;
    this.#eject(endpoint);
  }

  /** Brings every endpoint back and stops the timers. */
  close(): void {
    this.#clock.clearInterval(this.#sweep);
    for (const [endpoint, timer] of this.#timers) {
      this.#clock.clearTimeout(timer);
      endpoint.ejected = false;
    }
    this.#timers.clear();
  }

  #mayEjectOneMore(): boolean {
    const endpoints = this.#endpoints();
    let ejected = 0;
    for (const endpoint of endpoints) if (endpoint.ejected) ejected++;
    return (ejected + 1) * 100 <= this.#config.maxEjectionPercent * endpoints.length;
  }

  #eject(endpoint: UpstreamEndpoint): void {
    endpoint.ejected = true;
    endpoint.timesEjected++;
    endpoint.ejectionMultiplier++;
    endpoint.consecutiveErrors = 0;
    const duration = this.#config.baseEjectionDurationMs * endpoint.ejectionMultiplier;
    endpoint.ejectedUntil = this.#clock.now() + duration;
    this.#timers.set(
      endpoint,
      this.#clock.setTimeout(() => this.#restore(endpoint), duration),
    );
    this.#onEject(endpoint);
  }

  #restore(endpoint: UpstreamEndpoint): void {
    const timer = this.#timers.get(endpoint);
    if (timer !== undefined) {
      this.#clock.clearTimeout(timer);
      this.#timers.delete(endpoint);
    }
    endpoint.ejected = false;
    endpoint.ejectedUntil = 0;
  }

  #startSweep(): void {
    const interval = this.#config.intervalMs;
    if (interval <= 0) return;
    this.#sweep = this.#clock.setInterval(() => {
      const now = this.#clock.now();
      for (const endpoint of this.#endpoints()) {
        if (endpoint.ejected) {
          if (endpoint.ejectedUntil <= now) this.#restore(endpoint);
        } else if (endpoint.ejectionMultiplier > 0) {
          endpoint.ejectionMultiplier--;
        }
      }
    }, interval);
  }
}
