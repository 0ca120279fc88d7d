// Composition root: the control plane's services on one DynamoDB table, as every entry point builds them.

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { ApiServices } from '../control-plane/api/operation.js';
import { DynamoDbEndpointStore } from '../control-plane/discovery/dynamodb-endpoint-store.js';
import { EndpointRegistry } from '../control-plane/discovery/endpoint-registry.js';
import { SnapshotService } from '../control-plane/distribution/snapshot-service.js';
import type { Partition } from '../control-plane/service/arn.js';
import { MeshService } from '../control-plane/service/mesh-service.js';
import { DynamoDbSnapshotCache } from '../control-plane/store/dynamodb-snapshot-cache.js';
import { DynamoDbStore } from '../control-plane/store/dynamodb-store.js';
import { partitionOf, requireEnv } from './environment.js';

export interface ServicesOptions {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly partition: Partition;
  /**
   * Whether endpoint registration needs an authenticated IAM principal: true behind the Lambda front
   * door, false for the local control plane (which has no authentication).
   */
  readonly requirePrincipal: boolean;
}

export function createServices({
  client,
  tableName,
  partition,
  requirePrincipal,
}: ServicesOptions): ApiServices {
  const store = new DynamoDbStore({ client, tableName });
  return {
    mesh: new MeshService(store, partition),
    snapshots: new SnapshotService({ store, cache: new DynamoDbSnapshotCache({ client, tableName }) }),
    endpoints: new EndpointRegistry({
      store,
      endpoints: new DynamoDbEndpointStore({ client, tableName }),
      requirePrincipal,
    }),
  };
}

/**
 * The services of a deployed function: the table `TESSERA_TABLE_NAME` names, the function's own account and
 * region, and IAM principals required (it sits behind the IAM front door or is called by CloudFormation).
 */
export function deployedServices(
  client: DynamoDBClient,
  context: Pick<Context, 'invokedFunctionArn'>,
): ApiServices {
  return createServices({
    client,
    tableName: requireEnv('TESSERA_TABLE_NAME'),
    partition: partitionOf(context),
    requirePrincipal: true,
  });
}
