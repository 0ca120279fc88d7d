// startDynamoDbLocal (lambda/local/dynamodb-local.ts) lives here because the store is what it serves.

import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbStore } from '../../../control-plane/store/dynamodb-store.js';
import { createTable } from '../../../control-plane/store/table.js';
import { localDynamoDbClient, startDynamoDbLocal } from '../../../lambda/local/dynamodb-local.js';
import { keys, newRecord } from '../../support/records.js';

describe('startDynamoDbLocal', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('keeps data in dataDir across a stop and a restart', { timeout: 60_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'tessera-ddb-'));
    dirs.push(root);
    const dataDir = join(root, 'nested', 'data');
    const record = newRecord(keys.mesh('persisted'), { spec: { egressFilter: { type: 'ALLOW_ALL' } } });

    const first = await startDynamoDbLocal({ dataDir });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client1 = localDynamoDbClient(first.endpoint);
    try {
      await createTable(client1, 'persisted');
      await new DynamoDbStore({ client: client1, tableName: 'persisted' }).create(record);
      await first.stop();
      // Stopped means stopped: nothing answers on the endpoint any more.
      await expect(client1.send(new ListTablesCommand({}))).rejects.toThrow();
    } finally {
      client1.destroy();
      await first.stop();
    }

    const second = await startDynamoDbLocal({ dataDir });
    const client2 = localDynamoDbClient(second.endpoint);
    try {
      await createTable(client2, 'persisted');
      const store = new DynamoDbStore({ client: client2, tableName: 'persisted' });
      expect(await store.get(record.key)).toEqual(record);
      expect(await store.meshGeneration('persisted')).toBe(1);
    } finally {
      client2.destroy();
      await second.stop();
    }
  });

  it('fails fast and says so when java is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const started = Date.now();
      await expect(startDynamoDbLocal()).rejects.toThrow(
        'DynamoDB Local needs Java 17 or later, but `java` was not found on PATH',
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      process.env.PATH = path;
    }
  });

  it('fails fast with the process output when DynamoDB Local exits during start-up', {
    timeout: 60_000,
  }, async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, done));
    const { port } = blocker.address() as AddressInfo;
    try {
      const started = startDynamoDbLocal({ port });
      await expect(started).rejects.toThrow(
        /^DynamoDB Local exited during start-up \(exit code \d+\) before answering/,
      );
      await expect(started).rejects.toThrow(/its output ends with:\n[\s\S]*Address already in use/);
    } finally {
      blocker.close();
    }
  });
});
