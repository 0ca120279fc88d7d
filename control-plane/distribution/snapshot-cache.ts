// Where compiled snapshots are kept between requests, keyed by the mesh state they were compiled from.

import type { ProxyRef } from './proxy-ref.js';

export interface CachedSnapshot {
  /** The mesh (uid) and generation the snapshot was compiled from. */
  readonly meshUid: string;
  readonly generation: number;
  /** The snapshot's content hash. */
  readonly version: string;
  /** The serialized snapshot, exactly as served. */
  readonly json: string;
}

/** A shared cache (DynamoDB) that survives cold starts. Losing an entry only costs a recompile. */
export interface SnapshotCache {
  get(meshName: string, proxy: ProxyRef): Promise<CachedSnapshot | undefined>;
  /** Keeps `entry` unless a snapshot of a newer generation of the same mesh is already there. */
  put(meshName: string, proxy: ProxyRef, entry: CachedSnapshot): Promise<void>;
}
