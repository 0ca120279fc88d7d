// Every cluster the proxy forwards to, kept in step with snapshots and endpoint sets without dropping requests.

import { isIP } from 'node:net';
import type { Cluster, Endpoint } from '../../control-plane/snapshot/index.js';
import type { Stats } from '../telemetry/stats.js';
import type { BalancerKind } from './balancer.js';
import { type Clock, systemClock } from './clock.js';
import {
  type ClusterContext,
  type ClusterDescription,
  type ClusterSettings,
  ClusterState,
} from './cluster-state.js';
import { DNS_REFRESH_MS, MAX_PASSTHROUGH_CLUSTERS } from './constants.js';
import { type LookupAll, systemLookup } from './dns-resolver.js';
import type { EndpointAddress } from './endpoint.js';

export interface UpstreamsOptions {
  /** Where cluster counters (overflow, ejections) go. @default - not counted */
  readonly stats?: Stats;
  /** @default the process clock */
  readonly clock?: Clock;
  /** @default dns.promises.lookup with all: true */
  readonly lookup?: LookupAll;
  /** @default 5000 */
  readonly dnsRefreshMs?: number;
  /** Balancer of snapshot clusters (the snapshot does not choose one). @default 'least-request' */
  readonly balancer?: BalancerKind;
}

/** The `/endpoints` admin document. */
export interface EndpointsDescription {
  readonly clusters: readonly ClusterDescription[];
}

export class Upstreams {
  readonly #context: ClusterContext;
  readonly #balancer: BalancerKind | undefined;
  readonly #mesh = new Map<string, ClusterState>();
  readonly #static = new Map<string, ClusterState>();
  /** Insertion order is recency: the first entry is the least recently used. */
  readonly #passthrough = new Map<string, ClusterState>();

  constructor(options: UpstreamsOptions = {}) {
    this.#context = {
      clock: options.clock ?? systemClock,
      lookup: options.lookup ?? systemLookup,
      dnsRefreshMs: options.dnsRefreshMs ?? DNS_REFRESH_MS,
      ...(options.stats === undefined ? {} : { stats: options.stats }),
    };
    this.#balancer = options.balancer;
  }

  /**
   * Brings the snapshot clusters in line with `clusters` and the registry's `endpoints` (virtual node →
   * endpoints). Existing clusters are updated in place; a cluster that is gone, or an endpoint that left,
   * drains: its requests in flight finish, then its connections close.
   *
   * A cluster `<node>:<port>` balances over each registry endpoint's `address` and the `ports[].port` whose
   * `listenerPort` is `port`. With no registry endpoints, a `dns` node's hostname is resolved (and again
   * every few seconds); `cloudMap` and `none` nodes then have no endpoints (503 "no healthy upstream").
   */
  apply(clusters: readonly Cluster[], endpoints: Readonly<Record<string, readonly Endpoint[]>>): void {
    const seen = new Set<string>();
    for (const cluster of clusters) {
      seen.add(cluster.id);
      const settings: ClusterSettings = {
        connectionPool: cluster.connectionPool,
        ...(cluster.outlierDetection === undefined ? {} : { outlierDetection: cluster.outlierDetection }),
        ...(this.#balancer === undefined ? {} : { balancer: this.#balancer }),
      };
      let state = this.#mesh.get(cluster.id);
      if (state === undefined) {
        state = new ClusterState(cluster.id, this.#context, settings);
        this.#mesh.set(cluster.id, state);
      } else {
        state.configure(settings);
      }
      const targets = registryTargets(endpoints[cluster.virtualNode], cluster.port);
      if (targets.length > 0 || cluster.discovery.kind !== 'dns') {
        state.watchDns(undefined, cluster.port);
        state.source = cluster.discovery.kind === 'dns' ? 'registry' : `registry (${cluster.discovery.kind})`;
        state.setEndpoints(targets);
      } else {
        const { hostname, responseType, ipPreference } = cluster.discovery;
        state.watchDns({ hostname, responseType, ipPreference }, cluster.port);
      }
    }
    for (const [id, state] of this.#mesh) {
      if (!seen.has(id)) {
        this.#mesh.delete(id);
        void state.close();
      }
    }
  }

  /** A snapshot cluster by id (`<virtualNode>:<port>`). */
  get(clusterId: string): ClusterState | undefined {
    return this.#mesh.get(clusterId);
  }

  /**
   * A cluster of fixed endpoints, such as the local app behind an inbound listener. Calling it again with
   * the same id updates that cluster in place (its removed endpoints drain).
   */
  static(id: string, endpoints: readonly EndpointAddress[], settings: ClusterSettings = {}): ClusterState {
    let state = this.#static.get(id);
    if (state === undefined) {
      state = new ClusterState(id, this.#context, settings);
      this.#static.set(id, state);
    } else {
      state.configure(settings);
    }
    state.setEndpoints(endpoints);
    return state;
  }

  /**
   * A cluster for egress to a real host outside the mesh (egress filter `ALLOW_ALL`), its name resolved by
   * DNS (every address, IPv4 first). The least recently used is drained past 256 such hosts.
   */
  passthrough(host: string, port: number): ClusterState {
    const id = `passthrough:${host}:${port}`;
    let state = this.#passthrough.get(id);
    if (state !== undefined) {
      this.#passthrough.delete(id);
      this.#passthrough.set(id, state);
      return state;
    }
    state = new ClusterState(id, this.#context);
    if (isIP(host) !== 0) state.setEndpoints([{ address: host, port }]);
    else state.watchDns({ hostname: host, responseType: 'ENDPOINTS', ipPreference: 'IPv4_PREFERRED' }, port);
    this.#passthrough.set(id, state);
    if (this.#passthrough.size > MAX_PASSTHROUGH_CLUSTERS) {
      const [oldest, evicted] = this.#passthrough.entries().next().value!;
      this.#passthrough.delete(oldest);
      void evicted.close();
    }
    return state;
  }

  /** What every cluster balances over, for the admin `/endpoints`; sorted by cluster id. */
  describe(): EndpointsDescription {
    const all = [...this.#mesh.values(), ...this.#static.values(), ...this.#passthrough.values()];
    all.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { clusters: all.map((c) => c.describe()) };
  }

  /** Closes every cluster; resolves once their requests in flight have finished. */
  async close(): Promise<void> {
    const all = [...this.#mesh.values(), ...this.#static.values(), ...this.#passthrough.values()];
    this.#mesh.clear();
    this.#static.clear();
    this.#passthrough.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}

function registryTargets(
  endpoints: readonly Endpoint[] | undefined,
  listenerPort: number,
): EndpointAddress[] {
  const targets: EndpointAddress[] = [];
  for (const endpoint of endpoints ?? []) {
    const mapping = endpoint.ports.find((p) => p.listenerPort === listenerPort);
    if (mapping !== undefined) targets.push({ address: endpoint.address, port: mapping.port });
  }
  return targets;
}
