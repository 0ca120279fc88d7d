// A local control plane for a test suite: the real Lambda handler over HTTP, on the run's DynamoDB Local,
// with its own table, and the official App Mesh client pointed at it.

import { randomUUID } from 'node:crypto';
import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { inject } from 'vitest';
import { type LocalControlPlane, startLocalControlPlane } from '../../lambda/local/control-plane.js';

export interface TestControlPlane extends LocalControlPlane {
  readonly client: AppMeshClient;
}

export async function startTestControlPlane(): Promise<TestControlPlane> {
  const controlPlane = await startLocalControlPlane({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tableName: `api-${randomUUID()}`,
  });
  const client = appMeshClient(controlPlane.url);
  return {
    ...controlPlane,
    client,
    async stop() {
      client.destroy();
      await controlPlane.stop();
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
