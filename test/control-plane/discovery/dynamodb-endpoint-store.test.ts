import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbEndpointStore } from '../../../control-plane/discovery/dynamodb-endpoint-store.js';
import type { EndpointRecord } from '../../../control-plane/discovery/endpoint-store.js';
import { EXPIRES_AT_ATTRIBUTE, endpointKey } from '../../../control-plane/store/table.js';
import { endpointStoreOn } from '../../support/discovery-fixtures.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { uniqueMeshName } from '../../support/records.js';

const NOW = 1_800_000_000;

function proxyRecord(mesh: string, node: string, id: string, expiresAt = NOW + 30): EndpointRecord {
  return {
    meshName: mesh,
    nodeName: node,
    endpoint: { id, address: '10.0.0.1', ports: [{ listenerPort: 8080, port: 15000 }], source: 'proxy' },
    expiresAt,
  };
}

describe('DynamoDbEndpointStore', () => {
  let table: TestTable;
  let store: DynamoDbEndpointStore;
  beforeAll(async () => {
    table = await createTestTable();
    store = endpointStoreOn(table);
  });
  afterAll(async () => {
    await table?.drop();
  });

  const rawItem = async (mesh: string, node: string, id: string) => {
    const key = endpointKey(mesh, node, id);
    const { Item } = await table.client.send(
      new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: key.pk }, sk: { S: key.sk } } }),
    );
    return Item;
  };

  it('keeps each node’s endpoints apart, even when one node name prefixes another', async () => {
    const mesh = uniqueMeshName();
    await store.put(proxyRecord(mesh, 'blue', 'b-1'), NOW);
    await store.put(proxyRecord(mesh, 'blue-2', 'b2-1'), NOW);
    await store.put(proxyRecord(mesh, 'blue', 'a-0'), NOW);
    expect((await store.listNode(mesh, 'blue', NOW)).map((r) => r.endpoint.id)).toEqual(['a-0', 'b-1']);
    expect((await store.listNode(mesh, 'blue-2', NOW)).map((r) => r.endpoint.id)).toEqual(['b2-1']);
    expect((await store.listMesh(mesh, NOW)).map((r) => `${r.nodeName}/${r.endpoint.id}`)).toEqual([
      'blue/a-0',
      'blue/b-1',
      'blue-2/b2-1',
    ]);
    expect(await store.listNode(uniqueMeshName(), 'blue', NOW)).toEqual([]);
  });

  it('stores the expiry in the TTL attribute as epoch seconds, and none for ECS endpoints', async () => {
    const mesh = uniqueMeshName();
    await store.put(proxyRecord(mesh, 'blue', 'p-1'), NOW);
    await store.put(
      {
        meshName: mesh,
        nodeName: 'blue',
        endpoint: {
          id: 'task-1',
          address: '10.0.0.2',
          ports: [{ listenerPort: 8080, port: 8080 }],
          source: 'ecs',
        },
        cluster: 'arn:aws:ecs:us-east-1:111122223333:cluster/prod',
      },
      NOW,
    );
    expect(EXPIRES_AT_ATTRIBUTE).toBe('expiresAt');
    expect((await rawItem(mesh, 'blue', 'p-1'))?.[EXPIRES_AT_ATTRIBUTE]).toEqual({ N: String(NOW + 30) });
    expect((await rawItem(mesh, 'blue', 'task-1'))?.[EXPIRES_AT_ATTRIBUTE]).toBeUndefined();
    // Far in the future, the ECS endpoint is still there and the proxy one is not.
    expect((await store.listNode(mesh, 'blue', NOW + 1_000_000)).map((r) => r.endpoint.id)).toEqual([
      'task-1',
    ]);
  });

  it('renews only the expiry of a live, unchanged endpoint, and rewrites a changed or expired one', async () => {
    const mesh = uniqueMeshName();
    expect(await store.put(proxyRecord(mesh, 'blue', 'p-1', NOW + 30), NOW)).toBe('written');
    expect(await store.put(proxyRecord(mesh, 'blue', 'p-1', NOW + 40), NOW + 10)).toBe('heartbeat');
    expect((await rawItem(mesh, 'blue', 'p-1'))?.[EXPIRES_AT_ATTRIBUTE]).toEqual({ N: String(NOW + 40) });
    const moved = proxyRecord(mesh, 'blue', 'p-1', NOW + 45);
    expect(
      await store.put({ ...moved, endpoint: { ...moved.endpoint, address: '10.0.0.9' } }, NOW + 15),
    ).toBe('written');
    expect(await store.put(proxyRecord(mesh, 'blue', 'p-1', NOW + 200), NOW + 100)).toBe('written');
  });

  it('treats attribute and port order as the same content', async () => {
    const mesh = uniqueMeshName();
    const base = proxyRecord(mesh, 'red', 'p-1');
    const a = {
      ...base,
      endpoint: {
        ...base.endpoint,
        ports: [
          { listenerPort: 9090, port: 2 },
          { listenerPort: 8080, port: 1 },
        ],
        attributes: { z: '1', a: '2' },
      },
    };
    const b = {
      ...a,
      endpoint: { ...a.endpoint, ports: [...a.endpoint.ports].reverse(), attributes: { a: '2', z: '1' } },
    };
    await store.put(a, NOW);
    expect(await store.put(b, NOW + 1)).toBe('heartbeat');
  });

  it('binds, checks and unbinds principals per node', async () => {
    const mesh = uniqueMeshName();
    const role = 'arn:aws:iam::111122223333:role/app';
    await store.bind(mesh, 'blue', role);
    await store.bind(mesh, 'blue', role);
    expect(await store.isBound(mesh, 'blue', role)).toBe(true);
    expect(await store.isBound(mesh, 'red', role)).toBe(false);
    await store.unbind(mesh, 'blue', role);
    await store.unbind(mesh, 'blue', role);
    expect(await store.isBound(mesh, 'blue', role)).toBe(false);
  });
});
