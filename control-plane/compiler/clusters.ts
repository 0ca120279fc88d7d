// Clusters: a virtual node listener as a route destination, resolved from a weighted target's node and port.

import type { VirtualNodeSpec } from '../model/virtual-node.js';
import type { Cluster, Discovery, IpPreference, OutlierDetection } from '../snapshot/clusters.js';
import { compareStrings } from '../snapshot/hash.js';
import { DEFAULT_CLOUD_MAP_IP_PREFERENCE, DEFAULT_DNS_IP_PREFERENCE } from './defaults.js';
import { toMs } from './durations.js';
import { connectionPool, healthCheck, listenerTimeout, type NodeListener } from './listeners.js';
import type { MeshIndex } from './mesh-index.js';
import type { Notes } from './notes.js';

export type TargetResolution =
  | { readonly ok: true; readonly cluster: Cluster }
  | {
      readonly ok: false;
      /** The field of the weighted target that is wrong. */
      readonly field: 'virtualNode' | 'port';
      readonly reason: string;
    };

/** `<virtualNode>:<port>` */
export function clusterId(virtualNode: string, port: number): string {
  return `${virtualNode}:${port}`;
}

/** The clusters of one snapshot: each built once, kept only when a route sends it traffic. */
export class ClusterSet {
  readonly #index: MeshIndex;
  readonly #notes: Notes;
  readonly #meshIpPreference: IpPreference | undefined;
  readonly #used = new Map<string, Cluster>();

  constructor(index: MeshIndex, notes: Notes, meshIpPreference: IpPreference | undefined) {
    this.#index = index;
    this.#notes = notes;
    this.#meshIpPreference = meshIpPreference;
  }

  /**
   * The cluster a target `{ virtualNode, port }` means: the node's listener on `port`, or its only
   * listener when no port is given. Anything else (no such node, no listener, no listener on that
   * port, several listeners and no port) does not resolve: guessing could send traffic somewhere wrong.
   */
  resolve(virtualNode: string, port: number | undefined): TargetResolution {
    const node = this.#index.get('virtualNode', virtualNode);
    if (node === undefined) {
      return { ok: false, field: 'virtualNode', reason: `virtual node "${virtualNode}" does not exist` };
    }
    const listeners = node.spec.listeners ?? [];
    const ports = listeners.map((listener) => listener.portMapping.port).sort((a, b) => a - b);
    let listener: NodeListener | undefined;
    if (port !== undefined) {
      listener = listeners.find((candidate) => candidate.portMapping.port === port);
      if (listener === undefined) {
        const has = ports.length === 0 ? 'has no listeners' : `listens on ${ports.join(', ')}`;
        return { ok: false, field: 'port', reason: `virtual node "${virtualNode}" ${has}, not on ${port}` };
      }
    } else if (listeners.length === 1) {
      listener = listeners[0]!;
    } else {
      const reason =
        listeners.length === 0
          ? `virtual node "${virtualNode}" has no listeners`
          : `virtual node "${virtualNode}" listens on ${ports.join(', ')}: the target must name a port`;
      return { ok: false, field: 'port', reason };
    }
    return { ok: true, cluster: this.#build(virtualNode, node.spec, listener) };
  }

  /** Keeps `cluster` in the snapshot. */
  use(cluster: Cluster): void {
    if (cluster.discovery.kind === 'cloudMap') {
      this.#notes.unsupported(
        { resource: `virtualNode/${cluster.virtualNode}`, path: 'spec.serviceDiscovery.awsCloudMap' },
        'Cloud Map is not queried in this version: endpoints come only from the Tessera registry (proxy self-registration or ECS task events)',
      );
    }
    this.#used.set(cluster.id, cluster);
  }

  /** The clusters in use, by id. */
  list(): Cluster[] {
    return [...this.#used.values()].sort((a, b) => compareStrings(a.id, b.id));
  }

  #build(virtualNode: string, spec: VirtualNodeSpec, listener: NodeListener): Cluster {
    const check = healthCheck(listener);
    const outlier = listener.outlierDetection && outlierDetection(listener.outlierDetection);
    return {
      id: clusterId(virtualNode, listener.portMapping.port),
      virtualNode,
      port: listener.portMapping.port,
      protocol: listener.portMapping.protocol,
      discovery: this.#discovery(spec),
      connectionPool: connectionPool(listener),
      ...(outlier !== undefined ? { outlierDetection: outlier } : {}),
      ...(check !== undefined ? { healthCheck: check } : {}),
      timeout: listenerTimeout(listener),
    };
  }

  #discovery(spec: VirtualNodeSpec): Discovery {
    const { dns, awsCloudMap } = spec.serviceDiscovery ?? {};
    if (dns !== undefined) {
      return {
        kind: 'dns',
        hostname: dns.hostname,
        responseType: dns.responseType ?? 'LOADBALANCER',
        ipPreference: dns.ipPreference ?? this.#meshIpPreference ?? DEFAULT_DNS_IP_PREFERENCE,
      };
    }
    if (awsCloudMap !== undefined) {
      const attributes = [...(awsCloudMap.attributes ?? [])]
        .map(({ key, value }) => ({ key, value }))
        .sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.value, b.value));
      return {
        kind: 'cloudMap',
        namespaceName: awsCloudMap.namespaceName,
        serviceName: awsCloudMap.serviceName,
        attributes,
        ipPreference: awsCloudMap.ipPreference ?? this.#meshIpPreference ?? DEFAULT_CLOUD_MAP_IP_PREFERENCE,
      };
    }
    return { kind: 'none' };
  }
}

function outlierDetection(spec: NonNullable<NodeListener['outlierDetection']>): OutlierDetection {
  return {
    maxServerErrors: spec.maxServerErrors,
    intervalMs: toMs(spec.interval),
    baseEjectionDurationMs: toMs(spec.baseEjectionDuration),
    maxEjectionPercent: spec.maxEjectionPercent,
  };
}
