// A fresh, uniquely named table per suite on the run's DynamoDB Local, so suites can run in parallel.

import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { DynamoDbStore } from '../../control-plane/store/dynamodb-store.js';
import { createTable } from '../../control-plane/store/table.js';
import { localDynamoDbClient } from '../../lambda/local/dynamodb-local.js';

export interface TestTable {
  readonly tableName: string;
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly store: DynamoDbStore;
  /** Deletes the table and closes the client. */
  drop(): Promise<void>;
}

export async function createTestTable(): Promise<TestTable> {
  const endpoint = inject('dynamodbEndpoint');
  const client = localDynamoDbClient(endpoint);
  const tableName = `tessera-test-${randomUUID()}`;
  await createTable(client, tableName);
  return {
    tableName,
    endpoint,
    client,
    store: new DynamoDbStore({ client, tableName }),
    async drop() {
      try {
        await client.send(new DeleteTableCommand({ TableName: tableName }));
      } finally {
        client.destroy();
      }
    },
  };
}

/** Records the name of every command `client` sends (`GetItemCommand`, …), for counting requests. */
export function recordCommands(client: DynamoDBClient): string[] {
  const calls: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return calls;
}
