import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcsTaskSync } from '../../../control-plane/discovery/ecs-task-sync.js';
import type { EndpointRegistry } from '../../../control-plane/discovery/endpoint-registry.js';
import {
  cloudMapNodeSpec,
  createMesh,
  dnsNodeSpec,
  ecsTask,
  endpointStoreOn,
  FakeClock,
  meshService,
  registryOn,
  type TaskOptions,
  taskStateChange,
} from '../../support/discovery-fixtures.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { uniqueMeshName } from '../../support/records.js';

describe('EcsTaskSync (ECS task state change events)', () => {
  let table: TestTable;
  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => {
    await table?.drop();
  });

  async function setup() {
    const mesh = uniqueMeshName('ecs');
    // Every mesh in the table takes part in ECS discovery: give each test its own family names.
    const family = (color: string) => `colorteller-${color}-${mesh}`;
    await createMesh(table.store, mesh, {
      blue: cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: family('blue') }),
      red: cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: family('red') }, [8080, 9090]),
      gateway: dnsNodeSpec('gateway.local'),
    });
    const clock = new FakeClock();
    const sync = new EcsTaskSync({ store: table.store, endpoints: endpointStoreOn(table), now: clock.now });
    const registry = registryOn(table, { now: clock.now });
    const apply = (options: TaskOptions) =>
      sync.apply(taskStateChange(ecsTask({ ...options, family: family(options.family) })).detail);
    return { mesh, clock, sync, registry, apply, family };
  }

  const endpointsOf = async (registry: EndpointRegistry, mesh: string, node: string) => {
    const read = await registry.read(mesh, [node]);
    if (read.notModified) throw new Error('unexpected 304');
    return read.set.endpoints[node]!;
  };

  it('registers a RUNNING task under its node with the task ENI’s IP, one port per listener', async () => {
    const { mesh, registry, apply } = await setup();
    const change = await apply({
      id: 'task-red-1',
      family: 'red',
      ip: '10.0.7.21',
      zone: 'us-east-1c',
    });
    expect(change).toEqual({
      action: 'registered',
      taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/task-red-1',
      address: '10.0.7.21',
      nodes: [`${mesh}/red`],
    });
    expect(await endpointsOf(registry, mesh, 'red')).toEqual([
      {
        id: 'task-red-1',
        address: '10.0.7.21',
        ports: [
          { listenerPort: 8080, port: 8080 },
          { listenerPort: 9090, port: 9090 },
        ],
        zone: 'us-east-1c',
        source: 'ecs',
      },
    ]);
    expect(await endpointsOf(registry, mesh, 'blue')).toEqual([]);
  });

  it('keeps ECS endpoints without heartbeats until the task stops, then removes them', async () => {
    const { mesh, clock, registry, apply } = await setup();
    await apply({ id: 'task-b1', family: 'blue', ip: '10.0.1.1' });
    clock.advance(86_400);
    expect((await endpointsOf(registry, mesh, 'blue')).map((e) => e.id)).toEqual(['task-b1']);

    const change = await apply({
      id: 'task-b1',
      family: 'blue',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
    });
    expect(change).toMatchObject({ action: 'removed', nodes: [`${mesh}/blue`] });
    expect(await endpointsOf(registry, mesh, 'blue')).toEqual([]);
  });

  it('removes a task as soon as it is told to stop, before it has stopped', async () => {
    const { mesh, registry, apply } = await setup();
    await apply({ id: 'task-b2', family: 'blue' });
    await apply({
      id: 'task-b2',
      family: 'blue',
      lastStatus: 'RUNNING',
      desiredStatus: 'STOPPED',
    });
    expect(await endpointsOf(registry, mesh, 'blue')).toEqual([]);
    // The later events for the same task are harmless.
    const later = await apply({
      id: 'task-b2',
      family: 'blue',
      lastStatus: 'DEPROVISIONING',
      desiredStatus: 'STOPPED',
    });
    expect(later).toMatchObject({ action: 'removed', nodes: [] });
  });

  it('ignores tasks of families no node names, tasks not running yet, and tasks without an ENI', async () => {
    const { mesh, registry, apply } = await setup();
    expect(await apply({ id: 'task-x', family: 'batch' })).toEqual({
      action: 'ignored',
      taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/task-x',
      reason: `no virtual node receives it (none lists ECS_TASK_DEFINITION_FAMILY "colorteller-batch-${mesh}" with attributes matching the task)`,
    });
    expect(await apply({ id: 'task-p', family: 'blue', lastStatus: 'PENDING' })).toMatchObject({
      action: 'ignored',
      reason: 'task is PENDING, not running yet',
    });
    expect(await apply({ id: 'task-bridge', family: 'blue', noEni: true })).toMatchObject({
      action: 'ignored',
      reason: expect.stringContaining('awsvpc'),
    });
    for (const node of ['blue', 'red', 'gateway'])
      expect(await endpointsOf(registry, mesh, node)).toEqual([]);
  });

  it('sees a node added after it has cached the mesh', async () => {
    const { mesh, registry, apply, family } = await setup();
    await apply({ id: 'task-b3', family: 'blue' });
    await meshService(table.store).create(
      { kind: 'virtualNode', meshName: mesh, name: 'green' },
      { spec: cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: family('green') }) },
    );
    expect(await apply({ id: 'task-g1', family: 'green', ip: '10.0.9.9' })).toMatchObject({
      action: 'registered',
      nodes: [`${mesh}/green`],
    });
    expect((await endpointsOf(registry, mesh, 'green')).map((e) => e.address)).toEqual(['10.0.9.9']);
  });

  it('leaves proxy-registered endpoints of the same node alone', async () => {
    const { mesh, registry, apply } = await setup();
    await registry.register(mesh, 'blue', 'proxy-1', {
      address: '10.0.0.50',
      ports: [{ listenerPort: 8080, port: 15000 }],
    });
    await apply({ id: 'task-b4', family: 'blue' });
    await apply({
      id: 'task-b4',
      family: 'blue',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
    });
    expect((await endpointsOf(registry, mesh, 'blue')).map((e) => `${e.id}:${e.source}`)).toEqual([
      'proxy-1:proxy',
    ]);
  });
  it('keeps the task’s own live proxy registration (its ingress port) over the ECS description of it', async () => {
    const { mesh, clock, registry, apply } = await setup();
    // The proxy in task-b5 registered itself under the task id, with its ingress port.
    await registry.register(mesh, 'blue', 'task-b5', {
      address: '10.0.1.5',
      ports: [{ listenerPort: 8080, port: 15000 }],
    });
    await apply({ id: 'task-b5', family: 'blue', ip: '10.0.1.5' });
    expect(
      (await endpointsOf(registry, mesh, 'blue')).map((e) => [e.id, e.source, e.ports[0]!.port]),
    ).toEqual([['task-b5', 'proxy', 15000]]);
    // Once the proxy stops heartbeating (its registration expired), the task's ECS endpoint takes over.
    clock.advance(3_600);
    await apply({ id: 'task-b5', family: 'blue', ip: '10.0.1.5' });
    expect(
      (await endpointsOf(registry, mesh, 'blue')).map((e) => [e.id, e.source, e.ports[0]!.port]),
    ).toEqual([['task-b5', 'ecs', 8080]]);
  });
});
