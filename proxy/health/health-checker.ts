// Active health checks of the local app, one loop per listener as its `healthCheck` says, with
// healthy/unhealthy thresholds; the state of each is shown on `/endpoints`.
//
// Transitions (Envoy's): a listener starts `unknown`; its first success makes it `healthy` (at startup one
// is enough), `unhealthyThreshold` consecutive failures make it `unhealthy`, and from `unhealthy`,
// `healthyThreshold` consecutive successes make it `healthy` again.

import type { HealthCheck, Snapshot } from '../../control-plane/snapshot/index.js';
import type { ListenerPort } from '../config/proxy-config.js';
import { systemTimers, type TimerHandle, type Timers } from '../control-plane/timers.js';
import type { Stats } from '../telemetry/stats.js';
import { probe } from './probe.js';

export type HealthStatus = 'healthy' | 'unhealthy' | 'unknown';

/** What to check for one listener. */
export interface HealthCheckTarget {
  readonly listenerPort: number;
  /** The local port probed (the app's port for the checked port). */
  readonly port: number;
  readonly healthCheck: HealthCheck;
}

export interface ListenerHealth {
  readonly listenerPort: number;
  readonly port: number;
  readonly protocol: HealthCheck['protocol'];
  readonly path?: string;
  readonly status: HealthStatus;
  readonly consecutiveSuccesses: number;
  readonly consecutiveFailures: number;
  readonly lastError?: string;
  /** ISO time of the last finished check. */
  readonly lastCheckedAt?: string;
}

export interface HealthCheckerOptions {
  /** @default '127.0.0.1' */
  readonly host?: string;
  readonly stats?: Stats;
  /** @default systemTimers */
  readonly timers?: Timers;
  /** Called when a listener's status changes. */
  readonly onChange?: (health: ListenerHealth) => void;
}

/**
 * The checks a node snapshot asks for: each listener with a `healthCheck`, probing the app port of the
 * checked port (`healthCheck.port`, mapped through `appPorts` when it is a listener port, else probed as
 * is: in App Mesh's usual setup the app listens on the listener port itself).
 */
export function healthCheckTargets(
  snapshot: Snapshot,
  appPorts: readonly ListenerPort[],
): HealthCheckTarget[] {
  const appPortOf = new Map(appPorts.map(({ listenerPort, port }) => [listenerPort, port]));
  return snapshot.listeners.flatMap((listener) => {
    const healthCheck = listener.healthCheck;
    if (healthCheck === undefined) return [];
    const port = appPortOf.get(healthCheck.port) ?? healthCheck.port;
    return [{ listenerPort: listener.port, port, healthCheck }];
  });
}

interface Check {
  readonly target: HealthCheckTarget;
  readonly key: string;
  status: HealthStatus;
  successes: number;
  failures: number;
  lastError?: string;
  lastCheckedAt?: number;
  timer?: TimerHandle;
  abort?: AbortController;
  running?: Promise<void>;
  stopped: boolean;
}

export class HealthChecker {
  readonly #host: string;
  readonly #timers: Timers;
  readonly #options: HealthCheckerOptions;
  #checks = new Map<number, Check>();

  constructor(options: HealthCheckerOptions = {}) {
    this.#options = options;
    this.#host = options.host ?? '127.0.0.1';
    this.#timers = options.timers ?? systemTimers;
  }

  /** Checks exactly these listeners from now on; a listener whose check is unchanged keeps its state. */
  update(targets: readonly HealthCheckTarget[]): void {
    const next = new Map<number, Check>();
    for (const target of targets) {
      const key = JSON.stringify([target.port, target.healthCheck]);
      const existing = this.#checks.get(target.listenerPort);
      if (existing !== undefined && existing.key === key) {
        next.set(target.listenerPort, existing);
        continue;
      }
      if (existing !== undefined) this.#halt(existing);
      const check: Check = { target, key, status: 'unknown', successes: 0, failures: 0, stopped: false };
      next.set(target.listenerPort, check);
      this.#gauge(check);
      void this.#run(check);
    }
    for (const [listenerPort, check] of this.#checks) {
      if (!next.has(listenerPort)) this.#halt(check);
    }
    this.#checks = next;
  }

  /** The state of every checked listener, ascending by listener port. */
  states(): ListenerHealth[] {
    return [...this.#checks.values()]
      .sort((a, b) => a.target.listenerPort - b.target.listenerPort)
      .map((check) => this.#view(check));
  }

  /** The status of one listener; `unknown` when it is not checked. */
  statusOf(listenerPort: number): HealthStatus {
    return this.#checks.get(listenerPort)?.status ?? 'unknown';
  }

  /** Stops every check and waits for probes in flight. */
  async stop(): Promise<void> {
    const checks = [...this.#checks.values()];
    this.#checks = new Map();
    for (const check of checks) this.#halt(check);
    await Promise.all(checks.map((check) => check.running));
  }

  #halt(check: Check): void {
    check.stopped = true;
    if (check.timer !== undefined) this.#timers.clearTimeout(check.timer);
    check.abort?.abort();
  }

  async #run(check: Check): Promise<void> {
    if (check.stopped) return;
    const { healthCheck, port } = check.target;
    const abort = new AbortController();
    check.abort = abort;
    const timeout = this.#timers.setTimeout(() => abort.abort(), healthCheck.timeoutMs);
    check.running = probe(
      {
        protocol: healthCheck.protocol,
        host: this.#host,
        port,
        ...(healthCheck.path !== undefined ? { path: healthCheck.path } : {}),
      },
      abort.signal,
    ).then(
      () => this.#record(check, undefined),
      (error: Error) => this.#record(check, error.message),
    );
    await check.running;
    this.#timers.clearTimeout(timeout);
    if (check.stopped) return;
    check.timer = this.#timers.setTimeout(() => {
      check.timer = undefined;
      void this.#run(check);
    }, healthCheck.intervalMs);
  }

  #record(check: Check, error: string | undefined): void {
    if (check.stopped) return;
    const { healthyThreshold, unhealthyThreshold } = check.target.healthCheck;
    check.lastCheckedAt = this.#timers.now();
    const before = check.status;
    if (error === undefined) {
      check.successes += 1;
      check.failures = 0;
      if (before === 'unknown' || (before === 'unhealthy' && check.successes >= healthyThreshold)) {
        check.status = 'healthy';
      }
    } else {
      check.failures += 1;
      check.successes = 0;
      check.lastError = error;
      if (before !== 'unhealthy' && check.failures >= unhealthyThreshold) check.status = 'unhealthy';
    }
    this.#options.stats
      ?.counter('app_health_checks', {
        listener: String(check.target.listenerPort),
        result: error === undefined ? 'success' : 'failure',
      })
      .inc();
    if (check.status !== before) {
      this.#gauge(check);
      this.#options.onChange?.(this.#view(check));
    }
  }

  #gauge(check: Check): void {
    this.#options.stats
      ?.gauge('app_healthy', { listener: String(check.target.listenerPort) })
      .set(check.status === 'healthy' ? 1 : check.status === 'unhealthy' ? 0 : -1);
  }

  #view(check: Check): ListenerHealth {
    const { listenerPort, port, healthCheck } = check.target;
    return {
      listenerPort,
      port,
      protocol: healthCheck.protocol,
      ...(healthCheck.path !== undefined ? { path: healthCheck.path } : {}),
      status: check.status,
      consecutiveSuccesses: check.successes,
      consecutiveFailures: check.failures,
      ...(check.lastError !== undefined ? { lastError: check.lastError } : {}),
      ...(check.lastCheckedAt !== undefined
        ? { lastCheckedAt: new Date(check.lastCheckedAt).toISOString() }
        : {}),
    };
  }
}
