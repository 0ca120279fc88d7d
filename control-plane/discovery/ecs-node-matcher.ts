// How an ECS task maps to the virtual nodes that receive it: through the Cloud Map attributes the
// node's `awsCloudMap` service discovery already lists, as App Mesh examples write them.
//
//   serviceDiscovery: { awsCloudMap: { namespaceName: 'apps.local', serviceName: 'colorteller',
//     attributes: [{ key: 'ECS_TASK_DEFINITION_FAMILY', value: 'colorteller-blue' }] } }
//
// A node takes part only when its attributes name ECS_TASK_DEFINITION_FAMILY; then it receives every
// running task of that family for which all its other ECS attributes hold too (ECS_SERVICE_NAME,
// ECS_CLUSTER_NAME, AVAILABILITY_ZONE, REGION — the attributes ECS itself puts on the Cloud Map
// instances it registers). Attributes without ECS meaning (custom Cloud Map attributes) are ignored
// here. See README.md in this folder.

import type { Endpoint } from '../snapshot/endpoints.js';
import type { ResourceRecord } from '../store/store.js';
import type { EcsTask } from './ecs-task.js';
import { clusterNameOf } from './ecs-task.js';
import type { EndpointRecord } from './endpoint-store.js';
import { cloudMapAttributesOf, listenerPortsOf } from './private/node-spec.js';

/** The Cloud Map attribute keys with ECS meaning, and what each is compared with. */
export const ECS_ATTRIBUTES = {
  /** Required: the family in the task's `taskDefinitionArn`. */
  ECS_TASK_DEFINITION_FAMILY: (task: EcsTask) => task.family,
  /** The service in the task's group `service:<name>`. */
  ECS_SERVICE_NAME: (task: EcsTask) => task.serviceName,
  /** The name of the task's cluster. */
  ECS_CLUSTER_NAME: (task: EcsTask) => clusterNameOf(task.clusterArn),
  AVAILABILITY_ZONE: (task: EcsTask) => task.availabilityZone,
  REGION: (task: EcsTask) => task.region,
} as const satisfies Record<string, (task: EcsTask) => string | undefined>;

export type EcsAttributeKey = keyof typeof ECS_ATTRIBUTES;

export const FAMILY_ATTRIBUTE: EcsAttributeKey = 'ECS_TASK_DEFINITION_FAMILY';

/** A virtual node that receives ECS tasks, and the conditions a task must meet. */
export interface EcsNodeTarget {
  readonly meshName: string;
  readonly nodeName: string;
  /** Each becomes a port of the endpoint, dialled on the same port (awsvpc: container port = task port). */
  readonly listenerPorts: readonly number[];
  /** Every ECS attribute the node lists (the family among them). */
  readonly conditions: readonly { readonly key: EcsAttributeKey; readonly value: string }[];
}

/** The node as an ECS target; undefined unless it declares Cloud Map discovery with a task family. */
export function ecsTargetOf(record: ResourceRecord): EcsNodeTarget | undefined {
  if (record.key.kind !== 'virtualNode') return undefined;
  const attributes = cloudMapAttributesOf(record.spec);
  if (attributes === undefined) return undefined;
  const conditions = attributes
    .filter((a): a is { key: EcsAttributeKey; value: string } => Object.hasOwn(ECS_ATTRIBUTES, a.key))
    .map(({ key, value }) => ({ key, value }));
  if (!conditions.some((c) => c.key === FAMILY_ATTRIBUTE)) return undefined;
  return {
    meshName: record.key.meshName,
    nodeName: record.key.name,
    listenerPorts: listenerPortsOf(record.spec),
    conditions,
  };
}

/** Whether the node receives the task: every ECS attribute it lists holds for the task. */
export function receivesTask(target: EcsNodeTarget, task: EcsTask): boolean {
  return target.conditions.every(({ key, value }) => ECS_ATTRIBUTES[key](task) === value);
}

/**
 * The endpoint the task gives the node: id = task id, address = the ENI's IP, a port per listener,
 * the task's zone, source `ecs`, no expiry, and the cluster so reconcile can find it. Undefined when the
 * task has no ENI address (bridge or host networking) or the node has no listeners.
 */
export function ecsEndpointRecord(target: EcsNodeTarget, task: EcsTask): EndpointRecord | undefined {
  if (task.address === undefined || target.listenerPorts.length === 0) return undefined;
  const endpoint: Endpoint = {
    id: task.taskId,
    address: task.address,
    ports: target.listenerPorts.map((port) => ({ listenerPort: port, port })),
    ...(task.availabilityZone !== undefined ? { zone: task.availabilityZone } : {}),
    source: 'ecs',
  };
  return { meshName: target.meshName, nodeName: target.nodeName, endpoint, cluster: task.clusterArn };
}
