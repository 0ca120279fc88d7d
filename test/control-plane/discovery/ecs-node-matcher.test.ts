import { describe, expect, it } from 'vitest';
import {
  ecsEndpointRecord,
  ecsTargetOf,
  receivesTask,
} from '../../../control-plane/discovery/ecs-node-matcher.js';
import { type EcsTask, familyOf, isCluster, toEcsTask } from '../../../control-plane/discovery/ecs-task.js';
import {
  cloudMapNodeSpec,
  dnsNodeSpec,
  ecsTask,
  type TaskOptions,
} from '../../support/discovery-fixtures.js';
import { keys, newRecord } from '../../support/records.js';

function task(options: TaskOptions): EcsTask {
  const result = toEcsTask(ecsTask(options));
  if (!result.ok) throw new Error(result.reason);
  return result.task;
}

const node = (spec: Record<string, unknown>, name = 'blue') =>
  newRecord(keys.virtualNode('m', name), { spec });

describe('toEcsTask', () => {
  it('reads the task id, family, service, zone, region and ENI address', () => {
    expect(task({ id: 'a1b2', family: 'colorteller', ip: '10.0.3.4', group: 'service:blue-svc' })).toEqual({
      taskArn: 'arn:aws:ecs:us-east-1:111122223333:task/prod/a1b2',
      taskId: 'a1b2',
      clusterArn: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
      family: 'colorteller',
      serviceName: 'blue-svc',
      availabilityZone: 'us-east-1a',
      region: 'us-east-1',
      state: 'running',
      address: '10.0.3.4',
    });
  });

  it('reads the ENI as events name it (eni) and as DescribeTasks does (ElasticNetworkInterface)', () => {
    expect(task({ id: 't', family: 'f', ip: '10.0.0.9', attachmentType: 'eni' }).address).toBe('10.0.0.9');
    expect(task({ id: 't', family: 'f', noEni: true }).address).toBeUndefined();
  });

  it('tells running, stopping and starting tasks apart', () => {
    const state = (lastStatus: string, desiredStatus: string) =>
      task({ id: 't', family: 'f', lastStatus, desiredStatus }).state;
    expect(state('RUNNING', 'RUNNING')).toBe('running');
    expect(state('RUNNING', 'STOPPED')).toBe('stopping');
    expect(state('DEPROVISIONING', 'STOPPED')).toBe('stopping');
    expect(state('STOPPED', 'STOPPED')).toBe('stopping');
    expect(state('PENDING', 'RUNNING')).toBe('starting');
  });

  it('says why a partial task cannot be used', () => {
    expect(toEcsTask({ clusterArn: 'x' })).toEqual({ ok: false, reason: 'the task has no taskArn' });
    const noFamily = { ...ecsTask({ id: 't', family: 'f' }), taskDefinitionArn: 'nonsense' };
    expect(toEcsTask(noFamily)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('has no task-definition ARN'),
    });
  });

  it('parses families and compares clusters by ARN or name', () => {
    expect(familyOf('arn:aws:ecs:eu-west-1:111122223333:task-definition/gateway-v2:14')).toBe('gateway-v2');
    const arn = 'arn:aws:ecs:us-east-1:111122223333:cluster/prod';
    expect(isCluster(arn, 'prod')).toBe(true);
    expect(isCluster(arn, arn)).toBe(true);
    expect(isCluster(arn, 'staging')).toBe(false);
    expect(isCluster(arn, 'arn:aws:ecs:us-west-2:111122223333:cluster/prod')).toBe(false);
  });
});

describe('ECS node matching', () => {
  it('makes a node with Cloud Map discovery and a task family an ECS target', () => {
    const target = ecsTargetOf(
      node(cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: 'blue', custom: 'x' }, [8080, 9090])),
    );
    expect(target).toEqual({
      meshName: 'm',
      nodeName: 'blue',
      listenerPorts: [8080, 9090],
      conditions: [{ key: 'ECS_TASK_DEFINITION_FAMILY', value: 'blue' }],
    });
  });

  it('leaves out DNS nodes and Cloud Map nodes without a family', () => {
    expect(ecsTargetOf(node(dnsNodeSpec('blue.local')))).toBeUndefined();
    expect(ecsTargetOf(node(cloudMapNodeSpec({ ECS_SERVICE_NAME: 'blue' })))).toBeUndefined();
  });

  it('requires every ECS attribute the node lists to hold', () => {
    const target = ecsTargetOf(
      node(
        cloudMapNodeSpec({
          ECS_TASK_DEFINITION_FAMILY: 'blue',
          ECS_SERVICE_NAME: 'blue-svc',
          AVAILABILITY_ZONE: 'us-east-1a',
          ECS_CLUSTER_NAME: 'prod',
        }),
      ),
    )!;
    const base = { id: 't', family: 'blue', group: 'service:blue-svc', zone: 'us-east-1a' };
    expect(receivesTask(target, task(base))).toBe(true);
    expect(receivesTask(target, task({ ...base, family: 'red' }))).toBe(false);
    expect(receivesTask(target, task({ ...base, group: 'service:other' }))).toBe(false);
    expect(receivesTask(target, task({ ...base, group: 'family:blue' }))).toBe(false);
    expect(receivesTask(target, task({ ...base, zone: 'us-east-1b' }))).toBe(false);
    expect(receivesTask(target, task({ ...base, cluster: 'staging' }))).toBe(false);
  });

  it('builds the endpoint: task id, ENI address, a port per listener, zone, source ecs, cluster, no expiry', () => {
    const target = ecsTargetOf(node(cloudMapNodeSpec({ ECS_TASK_DEFINITION_FAMILY: 'blue' }, [8080, 9090])))!;
    expect(ecsEndpointRecord(target, task({ id: 'abc', family: 'blue', ip: '10.0.1.1' }))).toEqual({
      meshName: 'm',
      nodeName: 'blue',
      endpoint: {
        id: 'abc',
        address: '10.0.1.1',
        ports: [
          { listenerPort: 8080, port: 8080 },
          { listenerPort: 9090, port: 9090 },
        ],
        zone: 'us-east-1a',
        source: 'ecs',
      },
      cluster: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
    });
    expect(ecsEndpointRecord(target, task({ id: 'abc', family: 'blue', noEni: true }))).toBeUndefined();
  });
});
