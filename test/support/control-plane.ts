// A local control plane for a test suite: the real Lambda handler over HTTP, on the run's DynamoDB Local,
// with its own table, and the official App Mesh client pointed at it.

import { randomUUID } from 'node:crypto';
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { inject } from 'vitest';
import { createTable } from '../../control-plane/store/table.js';
import { serveControlPlane } from '../../lambda/local/control-plane.js';
import { localDynamoDbClient } from '../../lambda/local/dynamodb-local.js';
import { recordCommands } from './dynamodb.js';

export interface TestControlPlane {
  readonly url: string;
  readonly tableName: string;
  readonly client: AppMeshClient;
  /** Every DynamoDB command this control plane has sent, by name; clear it with `.length = 0`. */
  readonly dynamodbCalls: string[];
  stop(): Promise<void>;
}

/** Starts a control plane; pass the `tableName` of another to get a second instance on the same data. */
export async function startTestControlPlane(options: { tableName?: string } = {}): Promise<TestControlPlane> {
  const dynamodb = localDynamoDbClient(inject('dynamodbEndpoint'));
  const dynamodbCalls = recordCommands(dynamodb);
  const tableName = options.tableName ?? `api-${randomUUID()}`;
  await createTable(dynamodb, tableName);
  const server = await serveControlPlane({
    client: dynamodb,
    tableName,
    region: 'us-east-1',
    host: '127.0.0.1',
    port: 0,
  });
  const client = appMeshClient(server.url);
  dynamodbCalls.length = 0;
  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    tableName,
    client,
    dynamodbCalls,
    /** Idempotent: a test may stop the control plane early to show what happens without it. */
    stop() {
      stopped ??= (async () => {
        client.destroy();
        await server.close();
        dynamodb.destroy();
      })();
      return stopped;
    },
  };
}

export function appMeshClient(endpoint: string): AppMeshClient {
  return new AppMeshClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    // Tests assert on first answers; the SDK's own retries would hide throttling and conflicts.
    maxAttempts: 1,
  });
}
