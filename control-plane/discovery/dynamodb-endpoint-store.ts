// The EndpointStore on the control plane's single DynamoDB table: one item per endpoint in a partition
// per mesh, one item per principal binding. Heartbeats are one conditional UpdateItem.

import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { TooManyRequestsError } from '../errors.js';
import type { Endpoint } from '../snapshot/endpoints.js';
import {
  bindingKey,
  EXPIRES_AT_ATTRIBUTE,
  endpointKey,
  endpointNodePrefix,
  endpointPartition,
} from '../store/table.js';
import type { EndpointRecord, EndpointStore, PutOutcome } from './endpoint-store.js';
import { canonicalEndpoint, contentHash } from './private/endpoint-content.js';

export interface DynamoDbEndpointStoreOptions {
  /** A client with an explicit endpoint/region/credentials; the store wraps it in a document client. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
}

/** DynamoDB errors that mean "slow down" once the SDK's own retries are spent. */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);

export class DynamoDbEndpointStore implements EndpointStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbEndpointStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.tableName = options.tableName;
  }

  async put(record: EndpointRecord, nowSeconds: number): Promise<PutOutcome> {
    const key = endpointKey(record.meshName, record.nodeName, record.endpoint.id);
    const hash = contentHash(record.endpoint, record.cluster);
    if (record.expiresAt !== undefined) {
      // A heartbeat: the same content is already there and alive, so only the expiry moves.
      try {
        await this.call(() =>
          this.doc.send(
            new UpdateCommand({
              TableName: this.tableName,
              Key: key,
              UpdateExpression: 'SET #expiresAt = :expiresAt, #updatedAt = :updatedAt',
              ConditionExpression: '#contentHash = :hash AND #expiresAt > :now',
              ExpressionAttributeNames: {
                '#expiresAt': EXPIRES_AT_ATTRIBUTE,
                '#updatedAt': 'updatedAt',
                '#contentHash': 'contentHash',
              },
              ExpressionAttributeValues: {
                ':expiresAt': record.expiresAt,
                ':updatedAt': nowSeconds,
                ':hash': hash,
                ':now': nowSeconds,
              },
            }),
          ),
        );
        return 'heartbeat';
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    // A proxy's registration always wins; any other source overwrites all but a live proxy registration.
    const yieldToProxy =
      record.endpoint.source === 'proxy'
        ? {}
        : {
            ConditionExpression: 'attribute_not_exists(#source) OR #source <> :proxy OR #expiresAt <= :now',
            ExpressionAttributeNames: { '#source': 'source', '#expiresAt': EXPIRES_AT_ATTRIBUTE },
            ExpressionAttributeValues: { ':proxy': 'proxy', ':now': nowSeconds },
          };
    try {
      await this.call(() =>
        this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: toItem(record, hash, nowSeconds),
            ...yieldToProxy,
          }),
        ),
      );
      return 'written';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'kept';
      throw error;
    }
  }

  async delete(meshName: string, nodeName: string, endpointId: string): Promise<boolean> {
    const { Attributes } = await this.call(() =>
      this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: endpointKey(meshName, nodeName, endpointId),
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return Attributes !== undefined;
  }

  async listNode(meshName: string, nodeName: string, nowSeconds: number): Promise<EndpointRecord[]> {
    return this.query(
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: {
          ':pk': endpointPartition(meshName),
          ':prefix': endpointNodePrefix(nodeName),
        },
        ConsistentRead: true,
      },
      nowSeconds,
    );
  }

  async listMesh(meshName: string, nowSeconds: number): Promise<EndpointRecord[]> {
    return this.query(
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': endpointPartition(meshName) },
        ConsistentRead: true,
      },
      nowSeconds,
    );
  }

  async bind(meshName: string, nodeName: string, principalArn: string): Promise<void> {
    await this.call(() =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...bindingKey(meshName, nodeName, principalArn), boundAt: Date.now() },
        }),
      ),
    );
  }

  async unbind(meshName: string, nodeName: string, principalArn: string): Promise<void> {
    await this.call(() =>
      this.doc.send(
        new DeleteCommand({ TableName: this.tableName, Key: bindingKey(meshName, nodeName, principalArn) }),
      ),
    );
  }

  async isBound(meshName: string, nodeName: string, principalArn: string): Promise<boolean> {
    const { Item } = await this.call(() =>
      this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: bindingKey(meshName, nodeName, principalArn),
          ConsistentRead: true,
          ProjectionExpression: '#pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      ),
    );
    return Item !== undefined;
  }

  /** Every page of a Query (DynamoDB stops at 1 MB), without the endpoints expired at `nowSeconds`. */
  private async query(input: QueryCommandInput, nowSeconds: number): Promise<EndpointRecord[]> {
    const records: EndpointRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.call(() =>
        this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start })),
      );
      for (const item of page.Items ?? []) {
        const record = fromItem(item);
        if (record.expiresAt === undefined || record.expiresAt > nowSeconds) records.push(record);
      }
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return records;
  }

  /** Runs one DynamoDB call, translating throttling into the control plane's error (keeping `cause`). */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof Error && THROTTLING.has(error.name)) {
        throw new TooManyRequestsError(`the endpoint registry is throttled (${error.name}); retry later`, {
          cause: error,
        });
      }
      throw error;
    }
  }
}

function toItem(record: EndpointRecord, hash: string, nowSeconds: number): Record<string, unknown> {
  const endpoint = canonicalEndpoint(record.endpoint);
  return {
    ...endpointKey(record.meshName, record.nodeName, endpoint.id),
    meshName: record.meshName,
    nodeName: record.nodeName,
    id: endpoint.id,
    address: endpoint.address,
    ports: endpoint.ports,
    zone: endpoint.zone,
    attributes: endpoint.attributes,
    source: endpoint.source,
    cluster: record.cluster,
    contentHash: hash,
    [EXPIRES_AT_ATTRIBUTE]: record.expiresAt,
    updatedAt: nowSeconds,
  };
}

function fromItem(item: Record<string, unknown>): EndpointRecord {
  const endpoint: Endpoint = canonicalEndpoint({
    id: item.id as string,
    address: item.address as string,
    ports: (item.ports as { listenerPort: number; port: number }[]).map((p) => ({
      listenerPort: Number(p.listenerPort),
      port: Number(p.port),
    })),
    ...(item.zone !== undefined ? { zone: item.zone as string } : {}),
    ...(item.attributes !== undefined ? { attributes: item.attributes as Record<string, string> } : {}),
    source: item.source as Endpoint['source'],
  });
  const expiresAt = item[EXPIRES_AT_ATTRIBUTE];
  return {
    meshName: item.meshName as string,
    nodeName: item.nodeName as string,
    endpoint,
    ...(expiresAt !== undefined ? { expiresAt: Number(expiresAt) } : {}),
    ...(item.cluster !== undefined ? { cluster: item.cluster as string } : {}),
  };
}
