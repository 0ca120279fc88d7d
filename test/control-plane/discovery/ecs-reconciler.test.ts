import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EcsReconciler } from '../../../control-plane/discovery/ecs-reconciler.js';
import { EcsApiTaskSource } from '../../../control-plane/discovery/ecs-task-source.js';
import { EcsTaskSync } from '../../../control-plane/discovery/ecs-task-sync.js';
import type { EndpointRegistry } from '../../../control-plane/discovery/endpoint-registry.js';
import {
  cloudMapNodeSpec,
  clusterArn,
  createMesh,
  dnsNodeSpec,
  ecsTask,
  endpointStoreOn,
  meshService,
  registryOn,
  type TaskOptions,
} from '../../support/discovery-fixtures.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { type EcsEndpoint, startEcsEndpoint } from '../../support/ecs-endpoint.js';
import { uniqueMeshName } from '../../support/records.js';

describe('EcsReconciler (ListTasks + DescribeTasks against an awsJson1_1 endpoint)', () => {
  let table: TestTable;
  let ecs: EcsEndpoint;
  beforeAll(async () => {
    table = await createTestTable();
    ecs = await startEcsEndpoint({ clusters: [] });
  });
  afterEach(() => {
    ecs.tasks = [];
    ecs.requests.length = 0;
  });
  afterAll(async () => {
    await ecs?.close();
    await table?.drop();
  });

  async function setup() {
    const mesh = uniqueMeshName('rec');
    // Reconcile looks at every mesh in the table: each test gets its own families and clusters.
    const family = (color: string) => `${color}-${mesh}`;
    const cluster = (name: string) => `${name}-${mesh}`;
    ecs.clusters.push(clusterArn(cluster('prod')), clusterArn(cluster('staging')));
    await createMesh(table.store, mesh, {
      blue: cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: family('blue') }),
      red: cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: family('red') }),
      gateway: dnsNodeSpec('gateway.local'),
    });
    const endpoints = endpointStoreOn(table);
    const reconciler = new EcsReconciler({
      store: table.store,
      endpoints,
      tasks: new EcsApiTaskSource(ecs.client()),
    });
    const sync = new EcsTaskSync({ store: table.store, endpoints });
    const task = (options: TaskOptions) =>
      ecsTask({ ...options, family: family(options.family), cluster: cluster(options.cluster ?? 'prod') });
    const prod = cluster('prod');
    return { mesh, reconciler, sync, task, family, cluster, prod, registry: registryOn(table) };
  }

  const ids = async (registry: EndpointRegistry, mesh: string, node: string) => {
    const read = await registry.read(mesh, [node]);
    if (read.notModified) throw new Error('unexpected 304');
    return read.set.endpoints[node]!.map((e) => `${e.id}@${e.address}`);
  };

  it('adds a running task that no event registered, and removes one whose task is gone', async () => {
    const { mesh, reconciler, sync, task, registry, prod } = await setup();
    const vanished = task({ id: 'gone-1', family: 'blue', ip: '10.0.0.1' });
    await sync.apply(vanished);
    ecs.tasks = [task({ id: 'missed-1', family: 'blue', ip: '10.0.0.2' })];

    const report = await reconciler.reconcile(prod);
    expect(report).toMatchObject({
      cluster: prod,
      tasks: 1,
      added: [`${mesh}/blue/missed-1`],
      updated: [],
      removed: [`${mesh}/blue/gone-1`],
      unchanged: 0,
    });
    expect(await ids(registry, mesh, 'blue')).toEqual(['missed-1@10.0.0.2']);

    const again = await reconciler.reconcile(prod);
    expect(again).toMatchObject({ added: [], removed: [], unchanged: 1 });
  });

  it('asks ECS for RUNNING tasks, signed, over awsJson1_1', async () => {
    const { reconciler, task, prod } = await setup();
    ecs.tasks = [task({ id: 'r-1', family: 'red' })];
    await reconciler.reconcile(prod);
    expect(ecs.requests.map((r) => r.operation)).toEqual(['ListTasks', 'DescribeTasks']);
    expect(ecs.requests[0]!.body).toMatchObject({ cluster: prod, desiredStatus: 'RUNNING' });
    expect(ecs.requests[1]!.body).toEqual({
      cluster: prod,
      tasks: [task({ id: 'r-1', family: 'red' }).taskArn],
    });
  });

  it('pages through more than 100 tasks and describes them in batches of at most 100', async () => {
    const { mesh, reconciler, task, registry, prod } = await setup();
    ecs.tasks = Array.from({ length: 230 }, (_, i) =>
      task({
        id: `t-${String(i).padStart(3, '0')}`,
        family: i % 2 === 0 ? 'blue' : 'red',
        ip: `10.1.${i >> 8}.${i & 255}`,
      }),
    );
    const report = await reconciler.reconcile(prod);
    expect(report.tasks).toBe(230);
    expect(report.added).toHaveLength(230);
    const lists = ecs.requests.filter((r) => r.operation === 'ListTasks');
    const describes = ecs.requests.filter((r) => r.operation === 'DescribeTasks');
    expect(lists).toHaveLength(3);
    expect(lists[0]!.body.nextToken).toBeUndefined();
    expect(lists[1]!.body.nextToken).toEqual(expect.any(String));
    expect(describes.map((r) => (r.body.tasks as string[]).length)).toEqual([100, 100, 30]);
    expect(await ids(registry, mesh, 'blue')).toHaveLength(115);
    expect(await ids(registry, mesh, 'red')).toHaveLength(115);
  });

  it('touches only the ECS endpoints of the cluster it reconciles', async () => {
    const { mesh, reconciler, sync, task, registry, prod, cluster } = await setup();
    await sync.apply(task({ id: 'staging-1', family: 'blue', cluster: 'staging', ip: '10.2.0.1' }));
    await registry.register(mesh, 'blue', 'proxy-1', {
      address: '10.3.0.1',
      ports: [{ listenerPort: 8080, port: 15000 }],
    });
    const report = await reconciler.reconcile(prod);
    expect(report).toMatchObject({ tasks: 0, added: [], removed: [] });
    expect(await ids(registry, mesh, 'blue')).toEqual(['proxy-1@10.3.0.1', 'staging-1@10.2.0.1']);

    await reconciler.reconcile(clusterArn(cluster('staging')));
    expect(await ids(registry, mesh, 'blue')).toEqual(['proxy-1@10.3.0.1']);
  });

  it('rewrites endpoints whose node changed and drops those of a node that no longer selects the task', async () => {
    const { mesh, reconciler, sync, task, family, registry, prod } = await setup();
    const blue = task({ id: 'b-1', family: 'blue', ip: '10.4.0.1' });
    const red = task({ id: 'r-1', family: 'red', ip: '10.4.0.2' });
    await sync.apply(blue);
    await sync.apply(red);
    ecs.tasks = [blue, red];
    const service = meshService(table.store);
    await service.update(
      { kind: 'virtualNode', meshName: mesh, name: 'blue' },
      { spec: cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: family('blue') }, [8080, 8443]) },
    );
    await service.update(
      { kind: 'virtualNode', meshName: mesh, name: 'red' },
      { spec: cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: family('crimson') }) },
    );
    const report = await reconciler.reconcile(prod);
    expect(report).toMatchObject({ added: [], updated: [`${mesh}/blue/b-1`], removed: [`${mesh}/red/r-1`] });
    const read = await registry.read(mesh, ['blue', 'red']);
    if (read.notModified) throw new Error('unexpected 304');
    expect(read.set.endpoints.blue![0]!.ports.map((p) => p.listenerPort)).toEqual([8080, 8443]);
    expect(read.set.endpoints.red).toEqual([]);
  });

  it('skips tasks that are not running yet and reports tasks without an ENI', async () => {
    const { mesh, reconciler, task, registry, prod } = await setup();
    ecs.tasks = [
      task({ id: 'pending-1', family: 'blue', lastStatus: 'PENDING' }),
      task({ id: 'bridge-1', family: 'blue', noEni: true }),
    ];
    const report = await reconciler.reconcile(prod);
    expect(report).toMatchObject({ tasks: 2, added: [] });
    expect(report.skipped).toEqual([
      { taskArn: task({ id: 'bridge-1', family: 'blue' }).taskArn, reason: expect.stringContaining('ENI') },
    ]);
    expect(await ids(registry, mesh, 'blue')).toEqual([]);
  });

  it('fails with ECS’s error for an unknown cluster, changing nothing', async () => {
    const { mesh, reconciler, sync, task, registry } = await setup();
    await sync.apply(task({ id: 'b-9', family: 'blue', ip: '10.5.0.1' }));
    await expect(reconciler.reconcile('no-such-cluster')).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
      message: 'Cluster not found.',
    });
    expect(await ids(registry, mesh, 'blue')).toEqual(['b-9@10.5.0.1']);
  });
});
