// Repairs drift between a cluster's running ECS tasks and the registry's ECS endpoints of that cluster:
// adds what events missed, removes what outlived its task, rewrites what changed (node listeners).

import type { Store } from '../store/store.js';
import { EcsNodeIndex } from './ecs-node-index.js';
import { ecsEndpointRecord, receivesTask } from './ecs-node-matcher.js';
import { type EcsTaskShape, isCluster, toEcsTask } from './ecs-task.js';
import type { EndpointRecord, EndpointStore } from './endpoint-store.js';
import { contentHash } from './private/endpoint-content.js';

/** Where the reconciler learns which tasks run (ListTasks + DescribeTasks on AWS). */
export interface EcsTaskSource {
  /** Every task of the cluster whose desired status is RUNNING. */
  runningTasks(cluster: string): Promise<EcsTaskShape[]>;
}

export interface EcsReconcilerOptions {
  readonly store: Store;
  readonly endpoints: EndpointStore;
  readonly tasks: EcsTaskSource;
  /** @default a new index over `store` */
  readonly index?: EcsNodeIndex;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

export interface ReconcileReport {
  readonly cluster: string;
  /** Tasks the cluster reported with desired status RUNNING. */
  readonly tasks: number;
  /** Endpoints as `<mesh>/<node>/<task id>`. */
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: number;
  /** Tasks a node would receive but that cannot be an endpoint (no ENI address), with the reason. */
  readonly skipped: readonly { readonly taskArn: string; readonly reason: string }[];
}

export class EcsReconciler {
  readonly #endpoints: EndpointStore;
  readonly #tasks: EcsTaskSource;
  readonly #index: EcsNodeIndex;
  readonly #now: () => number;

  constructor(options: EcsReconcilerOptions) {
    this.#endpoints = options.endpoints;
    this.#tasks = options.tasks;
    this.#index = options.index ?? new EcsNodeIndex(options.store);
    this.#now = options.now ?? Date.now;
  }

  /** `cluster` is a cluster name or ARN, as ECS's ListTasks takes it. */
  async reconcile(cluster: string): Promise<ReconcileReport> {
    const nowSeconds = Math.floor(this.#now() / 1000);
    const view = await this.#index.load();
    // The registry is read BEFORE the tasks are listed: an endpoint an event adds after this read is
    // not in `existing`, so it can never be removed as "not running" by a listing that predates it.
    const existing = new Map<string, EndpointRecord>();
    for (const meshName of view.meshNames) {
      for (const record of await this.#endpoints.listMesh(meshName, nowSeconds)) {
        if (
          record.endpoint.source === 'ecs' &&
          record.cluster !== undefined &&
          isCluster(record.cluster, cluster)
        ) {
          existing.set(keyOf(record), record);
        }
      }
    }

    const shapes = await this.#tasks.runningTasks(cluster);
    const desired = new Map<string, EndpointRecord>();
    const skipped: { taskArn: string; reason: string }[] = [];
    for (const shape of shapes) {
      const parsed = toEcsTask(shape);
      if (!parsed.ok || parsed.task.state !== 'running') continue;
      const { task } = parsed;
      for (const target of view.targets.filter((t) => receivesTask(t, task))) {
        const record = ecsEndpointRecord(target, task);
        if (record === undefined) {
          if (task.address === undefined) {
            skipped.push({
              taskArn: task.taskArn,
              reason: 'no ENI address: ECS discovery needs awsvpc networking',
            });
          }
          continue;
        }
        desired.set(keyOf(record), record);
      }
    }

    const added: string[] = [];
    const updated: string[] = [];
    const removed: string[] = [];
    let unchanged = 0;
    for (const [key, record] of desired) {
      const current = existing.get(key);
      if (current !== undefined && sameContent(current, record)) {
        unchanged++;
        continue;
      }
      // A live registration by the task's own proxy stays (see EndpointStore.put).
      if ((await this.#endpoints.put(record, nowSeconds)) === 'kept') {
        unchanged++;
        continue;
      }
      (current === undefined ? added : updated).push(key);
    }
    for (const [key, record] of existing) {
      if (desired.has(key)) continue;
      await this.#endpoints.delete(record.meshName, record.nodeName, record.endpoint.id);
      removed.push(key);
    }
    return { cluster, tasks: shapes.length, added, updated, removed, unchanged, skipped };
  }
}

function keyOf(record: EndpointRecord): string {
  return `${record.meshName}/${record.nodeName}/${record.endpoint.id}`;
}

function sameContent(a: EndpointRecord, b: EndpointRecord): boolean {
  return contentHash(a.endpoint, a.cluster) === contentHash(b.endpoint, b.cluster);
}
