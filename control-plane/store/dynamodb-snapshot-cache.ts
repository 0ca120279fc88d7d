// The snapshot cache on the control plane's table: one small item per proxy, replaced by newer generations.

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ProxyRef } from '../distribution/proxy-ref.js';
import type { CachedSnapshot, SnapshotCache } from '../distribution/snapshot-cache.js';
import { snapshotCacheKey } from './table.js';

/** DynamoDB items are at most 400 KB; a larger snapshot is kept in memory only. */
export const MAX_CACHED_SNAPSHOT_BYTES = 350 * 1024;

export class DynamoDbSnapshotCache implements SnapshotCache {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { readonly client: DynamoDBClient; readonly tableName: string }) {
    this.doc = DynamoDBDocumentClient.from(options.client);
    this.tableName = options.tableName;
  }

  async get(meshName: string, proxy: ProxyRef): Promise<CachedSnapshot | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: snapshotCacheKey(meshName, proxy.kind, proxy.name),
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return undefined;
    return {
      meshUid: String(Item.meshUid),
      generation: Number(Item.generation),
      version: String(Item.version),
      json: String(Item.json),
    };
  }

  async put(meshName: string, proxy: ProxyRef, entry: CachedSnapshot): Promise<void> {
    if (Buffer.byteLength(entry.json) > MAX_CACHED_SNAPSHOT_BYTES) return;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...snapshotCacheKey(meshName, proxy.kind, proxy.name), ...entry },
          // Two instances compiling at once must not let the older generation win.
          ConditionExpression: 'attribute_not_exists(#generation) OR #generation < :g OR #meshUid <> :uid',
          ExpressionAttributeNames: { '#generation': 'generation', '#meshUid': 'meshUid' },
          ExpressionAttributeValues: { ':g': entry.generation, ':uid': entry.meshUid },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}
