// Serves each proxy its compiled snapshot. An unchanged poll costs one DynamoDB read on a warm instance
// (the mesh's generation) and two on a cold one (plus the shared cache); only a change recompiles.

import { compileSnapshot } from '../compiler/index.js';
import { NotFoundError } from '../errors.js';
import { notFoundMessage } from '../model/kinds.js';
import type { MeshContents, MeshVersion, Store } from '../store/store.js';
import type { ProxyRef } from './proxy-ref.js';
import type { CachedSnapshot, SnapshotCache } from './snapshot-cache.js';

/** How many proxies' snapshots one instance keeps in memory. */
export const DEFAULT_MEMORY_CACHE_ENTRIES = 2_000;
/** How many meshes' last consistent read one instance keeps, so a change is loaded once, not per proxy. */
export const MESHES_KEPT_IN_MEMORY = 8;

export type SnapshotRead =
  | { readonly notModified: true; readonly version: string }
  | { readonly notModified: false; readonly version: string; readonly json: string };

export interface SnapshotServiceOptions {
  readonly store: Store;
  /** A cache shared by every instance. @default - none (memory only) */
  readonly cache?: SnapshotCache;
  /** @default 2000 */
  readonly memoryEntries?: number;
}

export class SnapshotService {
  readonly #store: Store;
  readonly #cache: SnapshotCache | undefined;
  readonly #memoryEntries: number;
  /** Insertion-ordered, so the oldest entry is the first to go. */
  readonly #memory = new Map<string, CachedSnapshot>();
  /** The latest read (or read in flight) of each mesh, shared by every proxy's recompile. */
  readonly #meshes = new Map<string, Promise<MeshContents | undefined>>();

  constructor(options: SnapshotServiceOptions) {
    this.#store = options.store;
    this.#cache = options.cache;
    this.#memoryEntries = options.memoryEntries ?? DEFAULT_MEMORY_CACHE_ENTRIES;
  }

  /**
   * The snapshot of `proxy` in `meshName` as of every committed write, or `notModified` when its version
   * is `knownVersion`.
   */
  async read(
    meshName: string,
    proxy: ProxyRef,
    knownVersion?: (version: string) => boolean,
  ): Promise<SnapshotRead> {
    const current = await this.#store.meshVersion(meshName);
    if (current === undefined) {
      throw new NotFoundError(notFoundMessage({ kind: 'mesh', meshName, name: meshName }));
    }
    const memoryKey = `${meshName}\u0000${proxy.kind}\u0000${proxy.name}`;
    const isCurrent = (entry: CachedSnapshot | undefined): entry is CachedSnapshot =>
      entry !== undefined && entry.meshUid === current.meshUid && entry.generation >= current.generation;

    let entry = this.#memory.get(memoryKey);
    if (!isCurrent(entry)) {
      entry = await this.#cache?.get(meshName, proxy);
      if (!isCurrent(entry)) {
        entry = await this.#compile(meshName, proxy, current);
        await this.#cache?.put(meshName, proxy, entry);
      }
      this.#remember(memoryKey, entry);
    }
    return knownVersion?.(entry.version)
      ? { notModified: true, version: entry.version }
      : { notModified: false, version: entry.version, json: entry.json };
  }

  async #compile(meshName: string, proxy: ProxyRef, current: MeshVersion): Promise<CachedSnapshot> {
    const contents = await this.#contents(meshName, current);
    if (contents === undefined)
      throw new NotFoundError(notFoundMessage({ kind: 'mesh', meshName, name: meshName }));
    const result = compileSnapshot({ mesh: contents.mesh, resources: contents.resources, proxy });
    if (!result.ok) {
      const key = { kind: proxy.kind, meshName, name: proxy.name };
      throw new NotFoundError(notFoundMessage(key));
    }
    return {
      meshUid: contents.meshUid,
      generation: contents.generation,
      version: result.snapshot.version,
      json: result.json,
    };
  }

  /** A consistent read of the mesh at `current` or later, loading it only when the one kept is older. */
  async #contents(meshName: string, current: MeshVersion): Promise<MeshContents | undefined> {
    const kept = await this.#meshes.get(meshName)?.catch(() => undefined);
    if (kept !== undefined && kept.meshUid === current.meshUid && kept.generation >= current.generation) {
      return kept;
    }
    const loading = this.#store.loadMesh(meshName);
    this.#meshes.delete(meshName);
    this.#meshes.set(meshName, loading);
    if (this.#meshes.size > MESHES_KEPT_IN_MEMORY) this.#meshes.delete(this.#meshes.keys().next().value!);
    return loading;
  }

  #remember(key: string, entry: CachedSnapshot): void {
    this.#memory.delete(key);
    this.#memory.set(key, entry);
    if (this.#memory.size > this.#memoryEntries) {
      const oldest = this.#memory.keys().next().value;
      if (oldest !== undefined) this.#memory.delete(oldest);
    }
  }
}
