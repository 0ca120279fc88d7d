import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EcsTaskSync } from '../../control-plane/discovery/ecs-task-sync.js';
import type { EndpointRegistry } from '../../control-plane/discovery/endpoint-registry.js';
import { type EcsReconcileHandler, parseClusters } from '../../lambda/ecs-reconcile.js';
import {
  cloudMapNodeSpec,
  clusterArn,
  createMesh,
  ecsTask,
  endpointStoreOn,
  registryOn,
} from '../support/discovery-fixtures.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';
import { type EcsEndpoint, startEcsEndpoint } from '../support/ecs-endpoint.js';
import { uniqueMeshName } from '../support/records.js';

const context = {
  functionName: 'tessera-ecs-reconcile',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:tessera-ecs-reconcile',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as Context;

describe('lambda/ecs-reconcile handler (the deployed entry point)', () => {
  let table: TestTable;
  let ecs: EcsEndpoint;
  let handler: EcsReconcileHandler;
  let registry: EndpointRegistry;
  const mesh = uniqueMeshName('reconcile');
  beforeAll(async () => {
    table = await createTestTable();
    await createMesh(table.store, mesh, {
      blue: cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: 'blue' }),
      red: cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: 'red' }),
    });
    registry = registryOn(table);
    ecs = await startEcsEndpoint({ clusters: [clusterArn('prod'), clusterArn('batch')] });
    process.env.TESSERA_TABLE_NAME = table.tableName;
    process.env.TESSERA_ECS_CLUSTERS = ` prod, ${clusterArn('batch')} `;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    process.env.AWS_ENDPOINT_URL_ECS = ecs.endpoint;
    ({ handler } = await import('../../lambda/ecs-reconcile.js'));
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    delete process.env.AWS_ENDPOINT_URL_ECS;
    await ecs?.close();
    await table?.drop();
  });

  const ids = async (node: string) => {
    const read = await registry.read(mesh, [node]);
    if (read.notModified) throw new Error('unexpected 304');
    return read.set.endpoints[node]!.map((e) => e.id);
  };

  it('repairs drift in every configured cluster through the ECS API', async () => {
    const sync = new EcsTaskSync({ store: table.store, endpoints: endpointStoreOn(table) });
    await sync.apply(ecsTask({ id: 'stale-blue', family: 'blue' }));
    await sync.apply(ecsTask({ id: 'stale-red', family: 'red', cluster: 'batch' }));
    ecs.tasks = [
      ...Array.from({ length: 120 }, (_, i) =>
        ecsTask({ id: `blue-${i}`, family: 'blue', ip: `10.0.1.${i}` }),
      ),
      ecsTask({ id: 'red-1', family: 'red', cluster: 'batch', ip: '10.0.2.1' }),
    ];

    const { reports } = await handler({ 'detail-type': 'Scheduled Event' }, context);
    expect(reports.map((r) => [r.cluster, r.tasks, r.added.length, r.removed])).toEqual([
      ['prod', 120, 120, [`${mesh}/blue/stale-blue`]],
      [clusterArn('batch'), 1, 1, [`${mesh}/red/stale-red`]],
    ]);
    expect(await ids('blue')).toHaveLength(120);
    expect(await ids('blue')).not.toContain('stale-blue');
    expect(await ids('red')).toEqual(['red-1']);
    expect(ecs.requests.filter((r) => r.operation === 'ListTasks')).toHaveLength(3);
  });

  it('fails the invocation, naming the cluster, when a cluster cannot be listed', async () => {
    process.env.TESSERA_ECS_CLUSTERS = 'prod,decommissioned';
    try {
      await expect(handler({}, context)).rejects.toThrow(
        'ECS reconcile failed for cluster(s) decommissioned',
      );
    } finally {
      process.env.TESSERA_ECS_CLUSTERS = 'prod';
    }
  });

  it('reads TESSERA_ECS_CLUSTERS as a comma-separated list', () => {
    expect(parseClusters('a, b ,,a')).toEqual(['a', 'b']);
    expect(() => parseClusters(' , ')).toThrow('TESSERA_ECS_CLUSTERS must name at least one cluster');
  });
});
