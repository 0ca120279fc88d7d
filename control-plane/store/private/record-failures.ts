// Explains why a write's condition on the record itself failed: gone, moved on, or still referenced.

import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, ResourceInUseError } from '../../errors.js';
import { describeKey, type ResourceKey } from '../../model/kinds.js';
import type { ResourceRecord } from '../store.js';
import { itemKey, meshPartition } from '../table.js';
import { keyOf, referencesOf } from './record-item.js';
import { sameItem } from './references.js';
import { type OldItem, oldNumber } from './transaction.js';

export interface TableRef {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** Why the version (and, for delete, refCount) condition on the record itself failed. */
export async function explainRecordFailure(
  table: TableRef,
  expected: ResourceRecord,
  old: OldItem,
  cause: unknown,
  deleting: boolean,
): Promise<Error> {
  const { key } = expected;
  const current = old !== undefined ? old : await currentCounters(table, key);
  if (current === undefined) return new NotFoundError(`${describeKey(key)} does not exist`, { cause });
  const version = oldNumber(current, 'version');
  if (version !== expected.version) {
    return new ConflictError(
      `${describeKey(key)} was modified concurrently (version ${version}); retry with the current version`,
      { cause },
    );
  }
  const refCount = oldNumber(current, 'refCount') ?? 0;
  if (deleting && refCount > 0) {
    const referrer = await findReferrer(table, key);
    const by = referrer !== undefined ? describeKey(referrer) : `${refCount} other resource(s)`;
    return new ResourceInUseError(`${describeKey(key)} is in use by ${by}`, { cause });
  }
  return new ConflictError(`${describeKey(key)} was modified concurrently; retry`, { cause });
}

/** `version` and `refCount` of a record in wire form (used when DynamoDB did not return ALL_OLD). */
async function currentCounters(table: TableRef, key: ResourceKey): Promise<OldItem> {
  const { Item } = await table.doc.send(
    new GetCommand({
      TableName: table.tableName,
      Key: itemKey(key),
      ProjectionExpression: '#version, #refCount',
      ExpressionAttributeNames: { '#version': 'version', '#refCount': 'refCount' },
      ConsistentRead: true,
    }),
  );
  if (Item === undefined) return undefined;
  return {
    version: { N: String(Item.version) },
    ...(Item.refCount !== undefined ? { refCount: { N: String(Item.refCount) } } : {}),
  };
}

/** One record that lists `key` among its refs. Reads the whole mesh partition: failure path only. */
async function findReferrer(table: TableRef, key: ResourceKey): Promise<ResourceKey | undefined> {
  const target = itemKey(key);
  let start: Record<string, unknown> | undefined;
  do {
    const result = await table.doc.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: '#pk = :pk',
        ProjectionExpression: '#kind, #meshName, #parentName, #name, #refs',
        ExpressionAttributeNames: {
          '#pk': 'pk',
          '#kind': 'kind',
          '#meshName': 'meshName',
          '#parentName': 'parentName',
          '#name': 'name',
          '#refs': 'refs',
        },
        ExpressionAttributeValues: { ':pk': meshPartition(key.meshName) },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of result.Items ?? []) {
      if (item.kind === undefined) continue;
      if (referencesOf(item).some((ref) => sameItem(itemKey(ref), target))) return keyOf(item);
    }
    start = result.LastEvaluatedKey;
  } while (start !== undefined);
  return undefined;
}
