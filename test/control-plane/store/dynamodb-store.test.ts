import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TooManyRequestsError } from '../../../control-plane/errors.js';
import { DynamoDbStore } from '../../../control-plane/store/dynamodb-store.js';
import { localDynamoDbClient } from '../../../lambda/local/dynamodb-local.js';
import { createTestTable, type TestTable } from '../../support/dynamodb.js';
import { type FaultProxy, startFaultProxy, transactionConflict } from '../../support/dynamodb-fault-proxy.js';
import { keys, newRecord, uniqueMeshName } from '../../support/records.js';
import { describeStoreContract } from './store-contract.js';

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => {
  await table?.drop();
});

describeStoreContract('DynamoDbStore', (): DynamoDbStore => table.store);

describe('DynamoDbStore under transaction conflicts', () => {
  let proxy: FaultProxy;
  let store: DynamoDbStore;
  const client = () => localDynamoDbClient(proxy.endpoint);
  beforeAll(async () => {
    proxy = await startFaultProxy(table.endpoint);
    store = new DynamoDbStore({
      client: client(),
      tableName: table.tableName,
      retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    });
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('retries a write that DynamoDB cancelled for a TransactionConflict, applying it once', async () => {
    const mesh = uniqueMeshName();
    await table.store.create(newRecord(keys.mesh(mesh)));
    const before = proxy.calls.get('TransactWriteItems') ?? 0;
    proxy.inject((operation, call) =>
      operation === 'TransactWriteItems' && call <= before + 3 ? transactionConflict(2) : undefined,
    );
    const node = newRecord(keys.virtualNode(mesh, 'a'));
    await store.create(node);
    expect(proxy.calls.get('TransactWriteItems')).toBe(before + 4);
    expect(await store.get(node.key)).toEqual(node);
    expect(await store.meshGeneration(mesh)).toBe(2);
  });

  it('gives up with TooManyRequestsError when conflicts persist, having written nothing', async () => {
    const mesh = uniqueMeshName();
    await table.store.create(newRecord(keys.mesh(mesh)));
    proxy.inject((operation) => (operation === 'TransactWriteItems' ? transactionConflict(2) : undefined));
    const node = newRecord(keys.virtualNode(mesh, 'a'));
    const error = await store.create(node).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect((error as Error).message).toBe(
      `creating virtual node "a" in mesh "${mesh}" kept colliding with concurrent writes to the same mesh; retry later`,
    );
    expect((error as Error).cause).toMatchObject({ name: 'TransactionCanceledException' });
    proxy.inject(() => undefined);
    expect(await store.get(node.key)).toBeUndefined();
    expect(await store.meshGeneration(mesh)).toBe(1);
  });
});
