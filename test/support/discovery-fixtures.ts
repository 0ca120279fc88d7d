// Meshes, virtual nodes, ECS tasks and EventBridge events for the discovery suites.

import { DynamoDbEndpointStore } from '../../control-plane/discovery/dynamodb-endpoint-store.js';
import { EndpointRegistry } from '../../control-plane/discovery/endpoint-registry.js';
import { MeshService } from '../../control-plane/service/mesh-service.js';
import type { Store } from '../../control-plane/store/store.js';
import type { EcsTaskStateChangeEvent } from '../../lambda/ecs-task-events.js';
import type { TestTable } from './dynamodb.js';
import type { FakeTask } from './ecs-endpoint.js';

export const ACCOUNT = '111122223333';
export const REGION = 'us-east-1';

/** A clock the test moves by hand (epoch ms). */
export class FakeClock {
  constructor(public ms = Date.UTC(2026, 0, 1)) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export function meshService(store: Store): MeshService {
  return new MeshService(store, { region: REGION, accountId: ACCOUNT });
}

/** A node that proxies register for themselves (DNS discovery), listening on `ports`. */
export function dnsNodeSpec(hostname: string, ports: readonly number[] = [8080]) {
  return {
    listeners: ports.map((port) => ({ portMapping: { port, protocol: 'http' } })),
    serviceDiscovery: { dns: { hostname } },
  };
}

/** A node that receives the ECS tasks its Cloud Map attributes select. */
export function cloudMapNodeSpec(attributes: Record<string, string>, ports: readonly number[] = [8080]) {
  return {
    listeners: ports.map((port) => ({ portMapping: { port, protocol: 'http' } })),
    serviceDiscovery: {
      awsCloudMap: {
        namespaceName: 'apps.local',
        serviceName: 'svc',
        attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
      },
    },
  };
}

/** Creates the mesh and its nodes through the real service (so specs are validated as users' are). */
export async function createMesh(
  store: Store,
  meshName: string,
  nodes: Record<string, Record<string, unknown>>,
): Promise<void> {
  const service = meshService(store);
  await service.create({ kind: 'mesh', meshName, name: meshName }, {});
  for (const [name, spec] of Object.entries(nodes)) {
    await service.create({ kind: 'virtualNode', meshName, name }, { spec });
  }
}

export function registryOn(
  table: TestTable,
  options: { requirePrincipal?: boolean; now?: () => number } = {},
): EndpointRegistry {
  return new EndpointRegistry({
    store: table.store,
    endpoints: endpointStoreOn(table),
    requirePrincipal: options.requirePrincipal ?? false,
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
}

export function endpointStoreOn(table: TestTable): DynamoDbEndpointStore {
  return new DynamoDbEndpointStore({ client: table.client, tableName: table.tableName });
}

export function clusterArn(name: string): string {
  return `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`;
}

export interface TaskOptions {
  readonly id: string;
  readonly family: string;
  readonly cluster?: string;
  readonly ip?: string;
  readonly zone?: string;
  readonly group?: string;
  readonly lastStatus?: string;
  readonly desiredStatus?: string;
  /** `eni` as events say it; DescribeTasks says `ElasticNetworkInterface`. */
  readonly attachmentType?: string;
  /** No ENI at all (bridge or host networking). */
  readonly noEni?: boolean;
}

/** A task in ECS's JSON shape (DescribeTasks' Task and the event detail alike). */
export function ecsTask(options: TaskOptions): FakeTask {
  const cluster = options.cluster ?? 'prod';
  return {
    taskArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${cluster}/${options.id}`,
    clusterArn: clusterArn(cluster),
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${options.family}:3`,
    group: options.group ?? `family:${options.family}`,
    availabilityZone: options.zone ?? 'us-east-1a',
    lastStatus: options.lastStatus ?? 'RUNNING',
    desiredStatus: options.desiredStatus ?? 'RUNNING',
    launchType: 'FARGATE',
    version: 3,
    attachments: options.noEni
      ? []
      : [
          {
            id: `att-${options.id}`,
            type: options.attachmentType ?? 'ElasticNetworkInterface',
            status: 'ATTACHED',
            details: [
              { name: 'subnetId', value: 'subnet-0123' },
              { name: 'networkInterfaceId', value: `eni-${options.id}` },
              { name: 'macAddress', value: '0a:00:00:00:00:01' },
              { name: 'privateDnsName', value: 'ip-10-0-0-1.ec2.internal' },
              { name: 'privateIPv4Address', value: options.ip ?? '10.0.0.1' },
            ],
          },
        ],
    containers: [],
  };
}

/** The EventBridge event ECS sends for the task's state. */
export function taskStateChange(task: FakeTask): EcsTaskStateChangeEvent {
  const detail = {
    ...task,
    attachments: (task.attachments as { type: string }[]).map((a) => ({ ...a, type: 'eni' })),
  };
  return {
    version: '0',
    id: `event-${Math.random().toString(16).slice(2)}`,
    'detail-type': 'ECS Task State Change',
    source: 'aws.ecs',
    account: ACCOUNT,
    time: '2026-01-01T00:00:00Z',
    region: REGION,
    resources: [task.taskArn],
    detail,
  };
}
