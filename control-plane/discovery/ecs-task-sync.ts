// Applies one ECS task state change to the registry: a running task becomes an endpoint of every
// virtual node that receives it; a stopping or stopped task's endpoints go at once.

import type { Store } from '../store/store.js';
import { EcsNodeIndex } from './ecs-node-index.js';
import { type EcsNodeTarget, ecsEndpointRecord, receivesTask } from './ecs-node-matcher.js';
import { type EcsTask, type EcsTaskShape, toEcsTask } from './ecs-task.js';
import type { EndpointStore } from './endpoint-store.js';

export interface EcsDiscoveryOptions {
  /** The mesh resources: which nodes receive which tasks. */
  readonly store: Store;
  readonly endpoints: EndpointStore;
  /** @default a new index over `store` (share one across invocations to keep its cache) */
  readonly index?: EcsNodeIndex;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** A node as `<mesh>/<node>`, for logs and reports. */
export type NodeRef = `${string}/${string}`;

export type TaskChange =
  | {
      readonly action: 'registered';
      readonly taskArn: string;
      readonly address: string;
      readonly nodes: readonly NodeRef[];
    }
  /** `nodes`: where an endpoint of the task was actually removed (maybe none). */
  | { readonly action: 'removed'; readonly taskArn: string; readonly nodes: readonly NodeRef[] }
  | { readonly action: 'ignored'; readonly taskArn?: string; readonly reason: string };

export class EcsTaskSync {
  readonly #endpoints: EndpointStore;
  readonly #index: EcsNodeIndex;
  readonly #now: () => number;

  constructor(options: EcsDiscoveryOptions) {
    this.#endpoints = options.endpoints;
    this.#index = options.index ?? new EcsNodeIndex(options.store);
    this.#now = options.now ?? Date.now;
  }

  /** Applies the task as it is now (an event's `detail`). Idempotent: events may repeat. */
  async apply(shape: EcsTaskShape): Promise<TaskChange> {
    const parsed = toEcsTask(shape);
    if (!parsed.ok) return { action: 'ignored', ...taskArnOf(shape), reason: parsed.reason };
    const { task } = parsed;
    if (task.state === 'starting') {
      return {
        action: 'ignored',
        taskArn: task.taskArn,
        reason: `task is ${shape.lastStatus}, not running yet`,
      };
    }
    const targets = (await this.#index.load()).targets.filter((target) => receivesTask(target, task));
    if (targets.length === 0) {
      return { action: 'ignored', taskArn: task.taskArn, reason: noTargetReason(task) };
    }
    return task.state === 'running' ? this.#register(task, targets) : this.#remove(task, targets);
  }

  async #register(task: EcsTask, targets: readonly EcsNodeTarget[]): Promise<TaskChange> {
    if (task.address === undefined) {
      return {
        action: 'ignored',
        taskArn: task.taskArn,
        reason: 'the task has no ENI address: ECS discovery needs awsvpc networking',
      };
    }
    const nowSeconds = Math.floor(this.#now() / 1000);
    const nodes: NodeRef[] = [];
    for (const target of targets) {
      const record = ecsEndpointRecord(target, task);
      if (record === undefined) continue;
      await this.#endpoints.put(record, nowSeconds);
      nodes.push(`${target.meshName}/${target.nodeName}`);
    }
    return { action: 'registered', taskArn: task.taskArn, address: task.address, nodes };
  }

  async #remove(task: EcsTask, targets: readonly EcsNodeTarget[]): Promise<TaskChange> {
    const removed = await Promise.all(
      targets.map((target) => this.#endpoints.delete(target.meshName, target.nodeName, task.taskId)),
    );
    const nodes = targets
      .filter((_, i) => removed[i])
      .map((target): NodeRef => `${target.meshName}/${target.nodeName}`);
    return { action: 'removed', taskArn: task.taskArn, nodes };
  }
}

export function noTargetReason(task: EcsTask): string {
  return `no virtual node receives it (none lists ECS_TASK_DEFINITION_FAMILY "${task.family}" with attributes matching the task)`;
}

function taskArnOf(shape: EcsTaskShape): { taskArn?: string } {
  return shape.taskArn ? { taskArn: shape.taskArn } : {};
}
