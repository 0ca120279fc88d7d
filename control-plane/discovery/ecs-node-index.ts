// Which virtual nodes, across every mesh, receive ECS tasks: loaded from the store and kept in memory
// (a warm Lambda reuses it), re-read for a mesh only when its generation or uid has changed.

import type { ListQuery, ResourceRecord, Store } from '../store/store.js';
import { type EcsNodeTarget, ecsTargetOf } from './ecs-node-matcher.js';

export interface EcsNodeView {
  /** Every mesh that exists (reconcile looks for stale endpoints in all of them). */
  readonly meshNames: readonly string[];
  /** The nodes that take part in ECS discovery, in mesh then node order. */
  readonly targets: readonly EcsNodeTarget[];
}

interface CachedMesh {
  readonly uid: string;
  readonly generation: number;
  readonly targets: readonly EcsNodeTarget[];
}

export class EcsNodeIndex {
  readonly #store: Store;
  #meshes = new Map<string, CachedMesh>();

  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * The current view: one Query for the meshes, one GetItem per mesh for its generation, and the node
   * list only of meshes that changed since the last call.
   */
  async load(): Promise<EcsNodeView> {
    const meshes = await listAll(this.#store, { kind: 'mesh' });
    const loaded = await Promise.all(meshes.map((mesh) => this.#loadMesh(mesh)));
    const next = new Map<string, CachedMesh>();
    loaded.forEach((cached, i) => {
      if (cached !== undefined) next.set(meshes[i]!.key.name, cached);
    });
    this.#meshes = next;
    return {
      meshNames: [...next.keys()],
      targets: [...next.values()].flatMap((mesh) => mesh.targets),
    };
  }

  async #loadMesh(mesh: ResourceRecord): Promise<CachedMesh | undefined> {
    const meshName = mesh.key.name;
    // Read before the nodes: a write landing in between leaves a stale generation here, so the next
    // load reads the nodes again. Never the other way round.
    const generation = await this.#store.meshGeneration(meshName);
    if (generation === undefined) return undefined;
    const cached = this.#meshes.get(meshName);
    if (cached !== undefined && cached.uid === mesh.uid && cached.generation === generation) return cached;
    const nodes = await listAll(this.#store, { kind: 'virtualNode', meshName });
    const targets = nodes.map(ecsTargetOf).filter((target) => target !== undefined);
    return { uid: mesh.uid, generation, targets };
  }
}

async function listAll(store: Store, query: ListQuery): Promise<ResourceRecord[]> {
  const records: ResourceRecord[] = [];
  let nextToken: string | undefined;
  do {
    const page = await store.list(query, { limit: 100, ...(nextToken !== undefined ? { nextToken } : {}) });
    records.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return records;
}
