import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EndpointRegistry } from '../../control-plane/discovery/endpoint-registry.js';
import type { EcsTaskEventsHandler } from '../../lambda/ecs-task-events.js';
import {
  cloudMapNodeSpec,
  createMesh,
  dnsNodeSpec,
  ecsTask,
  registryOn,
  taskStateChange,
} from '../support/discovery-fixtures.js';
import { createTestTable, type TestTable } from '../support/dynamodb.js';
import { uniqueMeshName } from '../support/records.js';

const context = {
  functionName: 'tessera-ecs-task-events',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:tessera-ecs-task-events',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as Context;

describe('lambda/ecs-task-events handler (the deployed entry point)', () => {
  let table: TestTable;
  let handler: EcsTaskEventsHandler;
  let registry: EndpointRegistry;
  const mesh = uniqueMeshName('events');
  beforeAll(async () => {
    table = await createTestTable();
    await createMesh(table.store, mesh, {
      colorteller: cloudMapNodeSpec({
        ECS_TASK_DEFINITION_FAMILY: 'colorteller',
        ECS_SERVICE_NAME: 'colorteller',
      }),
      gateway: dnsNodeSpec('gateway.local'),
    });
    registry = registryOn(table);
    process.env.TESSERA_TABLE_NAME = table.tableName;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = inject('dynamodbEndpoint');
    ({ handler } = await import('../../lambda/ecs-task-events.js'));
  });
  afterAll(async () => {
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    await table?.drop();
  });

  const endpoints = async () => {
    const read = await registry.read(mesh, ['colorteller']);
    if (read.notModified) throw new Error('unexpected 304');
    return read.set.endpoints.colorteller!;
  };

  const task = (lastStatus: string, desiredStatus: string) =>
    ecsTask({
      id: '5f1d0c3e9a8b4e2f',
      family: 'colorteller',
      group: 'service:colorteller',
      ip: '10.0.12.34',
      zone: 'us-east-1b',
      lastStatus,
      desiredStatus,
    });

  it('registers a RUNNING task under its node with the ENI’s private IP', async () => {
    const change = await handler(taskStateChange(task('RUNNING', 'RUNNING')), context);
    expect(change).toMatchObject({
      action: 'registered',
      address: '10.0.12.34',
      nodes: [`${mesh}/colorteller`],
    });
    expect(await endpoints()).toEqual([
      {
        id: '5f1d0c3e9a8b4e2f',
        address: '10.0.12.34',
        ports: [{ listenerPort: 8080, port: 8080 }],
        zone: 'us-east-1b',
        source: 'ecs',
      },
    ]);
  });

  it('removes a STOPPED task', async () => {
    await handler(taskStateChange(task('RUNNING', 'RUNNING')), context);
    const change = await handler(taskStateChange(task('STOPPED', 'STOPPED')), context);
    expect(change).toMatchObject({ action: 'removed', nodes: [`${mesh}/colorteller`] });
    expect(await endpoints()).toEqual([]);
  });

  it('ignores tasks no node selects: another family, or another service of the family', async () => {
    const other = ecsTask({ id: 'aaaa', family: 'batch-report', ip: '10.0.99.1' });
    expect(await handler(taskStateChange(other), context)).toMatchObject({ action: 'ignored' });
    const wrongService = ecsTask({
      id: 'bbbb',
      family: 'colorteller',
      group: 'service:canary',
      ip: '10.0.99.2',
    });
    expect(await handler(taskStateChange(wrongService), context)).toMatchObject({ action: 'ignored' });
    expect(await endpoints()).toEqual([]);
  });

  it('ignores events of other kinds', async () => {
    const event = {
      ...taskStateChange(task('RUNNING', 'RUNNING')),
      'detail-type': 'ECS Container Instance State Change',
    };
    expect(await handler(event, context)).toMatchObject({ action: 'ignored' });
    expect(await endpoints()).toEqual([]);
  });
});
