// One cluster's live state: its endpoints and their pools, balancing, the pending-request limit, ejection.

import { type ConnectionPool, type OutlierDetection, UNLIMITED } from '../../control-plane/snapshot/index.js';
import type { Counter, Stats } from '../telemetry/stats.js';
import { type Balancer, type BalancerKind, createBalancer, DEFAULT_BALANCER } from './balancer.js';
import type { Clock } from './clock.js';
import { type DnsTarget, DnsWatch, type LookupAll } from './dns-resolver.js';
import { type EndpointAddress, endpointKey, UpstreamEndpoint } from './endpoint.js';
import { OutlierDetector } from './outlier-detector.js';
import { RetryBudget } from './retry-budget.js';

export interface ClusterSettings {
  /** Connections per endpoint and requests allowed to wait for one. @default unlimited (App Mesh's default) */
  readonly connectionPool?: Partial<Pick<ConnectionPool, 'maxConnections' | 'maxPendingRequests'>>;
  /** @default - endpoints are never ejected */
  readonly outlierDetection?: OutlierDetection;
  /** @default 'least-request' */
  readonly balancer?: BalancerKind;
}

/** What the cluster needs from its owner (`Upstreams`). */
export interface ClusterContext {
  readonly clock: Clock;
  readonly lookup: LookupAll;
  readonly dnsRefreshMs: number;
  readonly stats?: Stats;
}

export interface EndpointDescription {
  readonly address: string;
  readonly healthy: boolean;
  readonly ejected: boolean;
  /** Remaining ejection time; absent when not ejected. */
  readonly ejectedForMs?: number;
  readonly timesEjected: number;
  readonly activeRequests: number;
}

export interface ClusterDescription {
  readonly id: string;
  readonly balancer: BalancerKind;
  /** Where endpoints come from: `static`, `dns:<host>`, or `registry`. */
  readonly source: string;
  readonly maxConnectionsPerEndpoint: number | 'unlimited';
  readonly maxPendingRequests: number | 'unlimited';
  readonly pendingRequests: number;
  readonly endpoints: readonly EndpointDescription[];
}

export class ClusterState {
  readonly id: string;
  /** A budget shared by every route to this cluster, for callers that do not keep one per route. */
  readonly budget = new RetryBudget();
  readonly #context: ClusterContext;
  #endpoints: UpstreamEndpoint[] = [];
  #balancerKind: BalancerKind = DEFAULT_BALANCER;
  #balancer: Balancer = createBalancer(DEFAULT_BALANCER);
  #maxConnections = UNLIMITED;
  #maxPending = UNLIMITED;
  #pending = 0;
  #outlier: OutlierDetector | undefined;
  #dns: DnsWatch | undefined;
  #dnsPort = 0;
  #source = 'static';
  #closed = false;
  readonly #overflow: Counter | undefined;
  readonly #ejections: Counter | undefined;
  /** Set while the first DNS resolution is under way, so a request can wait for endpoints to appear. */
  resolving: Promise<void> | undefined;

  constructor(id: string, context: ClusterContext, settings: ClusterSettings = {}) {
    this.id = id;
    this.#context = context;
    this.#overflow = context.stats?.counter('cluster_upstream_rq_pending_overflow', { cluster: id });
    this.#ejections = context.stats?.counter('cluster_outlier_ejections', { cluster: id });
    this.configure(settings);
  }

  get endpoints(): readonly UpstreamEndpoint[] {
    return this.#endpoints;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Applies limits, balancer and outlier detection; a changed connection limit rebuilds the pools (old ones drain). */
  configure(settings: ClusterSettings): void {
    const maxConnections = settings.connectionPool?.maxConnections ?? UNLIMITED;
    this.#maxPending = settings.connectionPool?.maxPendingRequests ?? UNLIMITED;
    const kind = settings.balancer ?? DEFAULT_BALANCER;
    if (kind !== this.#balancerKind) {
      this.#balancerKind = kind;
      this.#balancer = createBalancer(kind);
    }
    if (maxConnections !== this.#maxConnections) {
      this.#maxConnections = maxConnections;
      const old = this.#endpoints;
      this.#endpoints = old.map((e) => new UpstreamEndpoint(e, maxConnections));
      for (const endpoint of old) void endpoint.drain();
    }
    const od = settings.outlierDetection;
    if (od === undefined) {
      this.#outlier?.close();
      this.#outlier = undefined;
    } else if (this.#outlier === undefined) {
      this.#outlier = new OutlierDetector(
        od,
        () => this.#endpoints,
        this.#context.clock,
        () => this.#ejections?.inc(),
      );
    } else {
      this.#outlier.configure(od);
    }
  }

  /** Replaces the endpoint set: kept endpoints keep their pools and state, removed ones drain. */
  setEndpoints(targets: readonly EndpointAddress[]): void {
    if (this.#closed) return;
    const current = new Map(this.#endpoints.map((e) => [e.key, e]));
    const next: UpstreamEndpoint[] = [];
    for (const target of targets) {
      const key = endpointKey(target);
      const existing = current.get(key);
      if (existing !== undefined) {
        current.delete(key);
        next.push(existing);
      } else if (!next.some((e) => e.key === key)) {
        next.push(new UpstreamEndpoint(target, this.#maxConnections));
      }
    }
    this.#endpoints = next;
    for (const removed of current.values()) void removed.drain();
  }

  /** Feeds endpoints from DNS (`target`) or stops doing so (`undefined`: registry or static endpoints). */
  watchDns(target: DnsTarget | undefined, port: number): void {
    const same =
      target !== undefined &&
      this.#dns !== undefined &&
      this.#dns.target.hostname === target.hostname &&
      this.#dns.target.responseType === target.responseType &&
      this.#dns.target.ipPreference === target.ipPreference &&
      this.#dnsPort === port;
    if (same) return;
    this.#dns?.close();
    this.#dns = undefined;
    this.resolving = undefined;
    this.#source = target === undefined ? this.#source : `dns:${target.hostname}`;
    if (target === undefined || this.#closed) return;
    this.#dnsPort = port;
    const watch = new DnsWatch(
      target,
      this.#context.dnsRefreshMs,
      (addresses) => this.setEndpoints(addresses.map((address) => ({ address, port }))),
      this.#context.clock,
      this.#context.lookup,
    );
    this.#dns = watch;
    this.resolving = watch.firstResolution.then(() => {
      if (this.#dns === watch) this.resolving = undefined;
    });
  }

  /** Labels where endpoints come from, for `describe()`. */
  set source(source: string) {
    this.#source = source;
  }

  /** An endpoint for the next attempt (see `Balancer.pick`). */
  pick(avoid?: UpstreamEndpoint): UpstreamEndpoint | undefined {
    return this.#balancer.pick(this.#endpoints, avoid);
  }

  /**
   * Admits one request to `endpoint`: false (and counted) when it would have to wait for a connection while
   * `maxPendingRequests` others already wait. Every admitted request is ended with `end()`.
   */
  begin(endpoint: UpstreamEndpoint): boolean {
    if (endpoint.active >= endpoint.connectionLimit) {
      if (this.#pending >= this.#maxPending) {
        this.#overflow?.inc();
        return false;
      }
      this.#pending++;
    }
    endpoint.active++;
    return true;
  }

  end(endpoint: UpstreamEndpoint): void {
    endpoint.active--;
    // One waiting request (if any) now has this connection.
    if (endpoint.active >= endpoint.connectionLimit && this.#pending > 0) this.#pending--;
  }

  /** Outcome of one attempt, for outlier detection. */
  report(endpoint: UpstreamEndpoint, serverError: boolean): void {
    this.#outlier?.report(endpoint, serverError);
  }

  /** Marks an endpoint (by `address:port`) healthy or not, as an active health checker sees it. */
  setHealthy(key: string, healthy: boolean): void {
    for (const endpoint of this.#endpoints) if (endpoint.key === key) endpoint.healthy = healthy;
  }

  describe(): ClusterDescription {
    const now = this.#context.clock.now();
    return {
      id: this.id,
      balancer: this.#balancerKind,
      source: this.#source,
      maxConnectionsPerEndpoint: this.#maxConnections >= UNLIMITED ? 'unlimited' : this.#maxConnections,
      maxPendingRequests: this.#maxPending >= UNLIMITED ? 'unlimited' : this.#maxPending,
      pendingRequests: this.#pending,
      endpoints: this.#endpoints.map((e) => ({
        address: e.key,
        healthy: e.healthy,
        ejected: e.ejected,
        ...(e.ejected ? { ejectedForMs: Math.max(0, e.ejectedUntil - now) } : {}),
        timesEjected: e.timesEjected,
        activeRequests: e.active,
      })),
    };
  }

  /** Stops discovery and ejection timers; pools close after their requests in flight finish. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#dns?.close();
    this.#outlier?.close();
    const endpoints = this.#endpoints;
    this.#endpoints = [];
    await Promise.all(endpoints.map((e) => e.drain()));
  }
}
