// The Store on one DynamoDB table: every write is one transaction that also keeps reference counts and
// the mesh generation, so a reference can never dangle and a lost update is impossible.

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { BadRequestError, ConflictError, NotFoundError, TooManyRequestsError } from '../errors.js';
import { describeKey, type ResourceKey } from '../model/kinds.js';
import { decodePageToken, encodePageToken } from './private/page-token.js';
import { explainRecordFailure, type TableRef } from './private/record-failures.js';
import { fromItem, replaceableAttributes, toItem } from './private/record-item.js';
import { containsRef, distinctRefs, sameItem } from './private/references.js';
import {
  backoff,
  DEFAULT_RETRY_POLICY,
  type RetryPolicy,
  runTransaction,
  type WriteOp,
} from './private/transaction.js';
import type {
  ListQuery,
  MeshContents,
  MeshVersion,
  Page,
  PageRequest,
  Reference,
  ResourceRecord,
  Store,
} from './store.js';
import { generationKey, itemKey, listRange, meshPartition } from './table.js';

/** Page size when a list request gives none, and the largest allowed. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 100;

export interface DynamoDbStoreOptions {
  /** A client with an explicit endpoint/region/credentials; the store wraps it in a document client. */
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /**
   * How transaction conflicts and throttling are retried before `TooManyRequestsError`.
   * @default 10 attempts, 20 ms base backoff doubling to at most 1 s, full jitter
   */
  readonly retry?: RetryPolicy;
}

const NAMES = { '#pk': 'pk', '#version': 'version', '#refCount': 'refCount' } as const;

export class DynamoDbStore implements Store {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retry: RetryPolicy;

  constructor(options: DynamoDbStoreOptions) {
    this.doc = DynamoDBDocumentClient.from(options.client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    this.tableName = options.tableName;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  private table(): TableRef {
    return { doc: this.doc, tableName: this.tableName };
  }

  async get(key: ResourceKey): Promise<ResourceRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: itemKey(key), ConsistentRead: true }),
    );
    return Item === undefined ? undefined : fromItem(Item);
  }

  async create(record: ResourceRecord): Promise<void> {
    const { key } = record;
    const ops: WriteOp[] = [
      {
        item: {
          Put: {
            TableName: this.tableName,
            Item: toItem(record),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': NAMES['#pk'] },
          },
        },
        onConditionFailed: (_old, cause) =>
          new ConflictError(`${describeKey(key)} already exists`, { cause }),
      },
      ...distinctRefs(record).map((ref) => this.countReference(ref, 1)),
    ];
    if (key.kind === 'mesh') {
      ops.push({
        item: {
          Put: {
            TableName: this.tableName,
            Item: { ...generationKey(key.meshName), generation: 1, meshUid: record.uid },
          },
        },
        onConditionFailed: (_old, cause) =>
          new ConflictError(`${describeKey(key)} already exists`, { cause }),
      });
    } else {
      ops.push(this.bumpGeneration(key.meshName));
    }
    await runTransaction(this.doc, ops, `creating ${describeKey(key)}`, this.retry);
  }

  async update(expected: ResourceRecord, next: ResourceRecord): Promise<void> {
    const { key } = expected;
    if (!sameItem(itemKey(key), itemKey(next.key))) {
      throw new Error(`update cannot move ${describeKey(key)} to ${describeKey(next.key)}`);
    }
    const set: string[] = [];
    const remove: string[] = [];
    const names: Record<string, string> = { '#version': NAMES['#version'] };
    const values: Record<string, unknown> = { ':expected': expected.version };
    for (const [attribute, value] of Object.entries(replaceableAttributes(next))) {
      names[`#${attribute}`] = attribute;
      if (value === undefined) {
        remove.push(`#${attribute}`);
      } else {
        set.push(`#${attribute} = :${attribute}`);
        values[`:${attribute}`] = value;
      }
    }
    const before = distinctRefs(expected);
    const after = distinctRefs(next);
    const ops: WriteOp[] = [
      {
        item: {
          Update: {
            TableName: this.tableName,
            Key: itemKey(key),
            UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        onConditionFailed: (old, cause) => explainRecordFailure(this.table(), expected, old, cause, false),
      },
      ...after.filter((ref) => !containsRef(before, ref)).map((ref) => this.countReference(ref, 1)),
      ...before.filter((ref) => !containsRef(after, ref)).map((ref) => this.countReference(ref, -1)),
      this.bumpGeneration(key.meshName),
    ];
    await runTransaction(this.doc, ops, `updating ${describeKey(key)}`, this.retry);
  }

  async delete(expected: ResourceRecord): Promise<void> {
    const { key } = expected;
    const ops: WriteOp[] = [
      {
        item: {
          Delete: {
            TableName: this.tableName,
            Key: itemKey(key),
            ConditionExpression:
              '#version = :expected AND (attribute_not_exists(#refCount) OR #refCount = :zero)',
            ExpressionAttributeNames: { '#version': NAMES['#version'], '#refCount': NAMES['#refCount'] },
            ExpressionAttributeValues: { ':expected': expected.version, ':zero': 0 },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        onConditionFailed: (old, cause) => explainRecordFailure(this.table(), expected, old, cause, true),
      },
      ...distinctRefs(expected).map((ref) => this.countReference(ref, -1)),
    ];
    if (key.kind === 'mesh') {
      ops.push({
        item: { Delete: { TableName: this.tableName, Key: generationKey(key.meshName) } },
        onConditionFailed: (_old, cause) =>
          new NotFoundError(`${describeKey(key)} does not exist`, { cause }),
      });
    } else {
      ops.push(this.bumpGeneration(key.meshName));
    }
    await runTransaction(this.doc, ops, `deleting ${describeKey(key)}`, this.retry);
  }

  async list(query: ListQuery, page: PageRequest = {}): Promise<Page<ResourceRecord>> {
    const limit = page.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      throw new BadRequestError([
        { path: 'limit', rule: `must be an integer between 1 and ${MAX_PAGE_SIZE}`, value: limit },
      ]);
    }
    if (query.kind !== 'mesh' && query.meshName === undefined) {
      throw new BadRequestError([{ path: 'meshName', rule: 'is required' }]);
    }
    const range = listRange(query.kind, query.meshName ?? '', query.parentName);
    const start = page.nextToken === undefined ? undefined : decodePageToken(page.nextToken, range);
    // One more than asked for: if it comes back, there is a next page; if not, this page is the last.
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: range.prefix === '' ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: range.prefix === '' ? { '#pk': 'pk' } : { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues:
          range.prefix === '' ? { ':pk': range.pk } : { ':pk': range.pk, ':prefix': range.prefix },
        ExclusiveStartKey: start,
        Limit: limit + 1,
        ConsistentRead: true,
      }),
    );
    const items = result.Items ?? [];
    const pageItems = items.slice(0, limit);
    const last = pageItems.at(-1);
    // More exists if the extra item came back, or if DynamoDB stopped early at its 1 MB page size.
    const more = items.length > limit || (result.LastEvaluatedKey !== undefined && last !== undefined);
    return {
      items: pageItems.map(fromItem),
      ...(more && last !== undefined ? { nextToken: encodePageToken({ pk: last.pk, sk: last.sk }) } : {}),
    };
  }

  async tag(key: ResourceKey, tags: Readonly<Record<string, string>>): Promise<void> {
    const entries = Object.entries(tags);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    entries.forEach(([tagKey, value], i) => {
      names[`#t${i}`] = tagKey;
      values[`:t${i}`] = value;
    });
    const expression =
      entries.length > 0 ? `SET ${entries.map((_, i) => `#tags.#t${i} = :t${i}`).join(', ')}` : undefined;
    await this.updateTags(key, expression, names, values);
  }

  async untag(key: ResourceKey, tagKeys: readonly string[]): Promise<void> {
    const names: Record<string, string> = {};
    tagKeys.forEach((tagKey, i) => {
      names[`#t${i}`] = tagKey;
    });
    const expression =
      tagKeys.length > 0 ? `REMOVE ${tagKeys.map((_, i) => `#tags.#t${i}`).join(', ')}` : undefined;
    await this.updateTags(key, expression, names, {});
  }

  async meshGeneration(meshName: string): Promise<number | undefined> {
    return (await this.meshVersion(meshName))?.generation;
  }

  async meshVersion(meshName: string): Promise<MeshVersion | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: generationKey(meshName),
        ProjectionExpression: '#generation, #meshUid',
        ExpressionAttributeNames: { '#generation': 'generation', '#meshUid': 'meshUid' },
        ConsistentRead: true,
      }),
    );
    return Item === undefined
      ? undefined
      : { generation: Item.generation as number, meshUid: String(Item.meshUid ?? '') };
  }

  async loadMesh(meshName: string): Promise<MeshContents | undefined> {
    // Every write in a mesh bumps its generation in the same transaction, so an unchanged generation
    // around the reads proves they saw one consistent state. While writes keep landing (a large apply),
    // this backs off and tries again; past the retry budget the caller is told to come back later,
    // which a proxy does by keeping its last good snapshot.
    for (let attempt = 1; ; attempt++) {
      const [before, mesh] = await Promise.all([
        this.meshVersion(meshName),
        this.get({ kind: 'mesh', meshName, name: meshName }),
      ]);
      if (before === undefined) return undefined;
      const resources = await this.queryMeshPartition(meshName);
      const after = await this.meshVersion(meshName);
      if (mesh !== undefined && after?.generation === before.generation && after.meshUid === before.meshUid) {
        return { ...before, mesh, resources };
      }
      if (after === undefined) return undefined;
      if (attempt >= this.retry.maxAttempts) {
        throw new TooManyRequestsError(
          `mesh "${meshName}" is changing too fast to be read consistently; retry`,
        );
      }
      await backoff(this.retry, attempt);
    }
  }

  private async queryMeshPartition(meshName: string): Promise<ResourceRecord[]> {
    const records: ResourceRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const result = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'pk' },
          ExpressionAttributeValues: { ':pk': meshPartition(meshName) },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of result.Items ?? []) if (item.kind !== undefined) records.push(fromItem(item));
      start = result.LastEvaluatedKey;
    } while (start !== undefined);
    return records;
  }

  /** One UpdateItem on the `tags` map only (no expression: just checks that the resource exists). */
  private async updateTags(
    key: ResourceKey,
    expression: string | undefined,
    names: Record<string, string>,
    values: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey(key),
          UpdateExpression: expression ?? 'SET #tags = if_not_exists(#tags, :empty)',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { ...names, '#tags': 'tags', '#pk': NAMES['#pk'] },
          // DynamoDB rejects an empty ExpressionAttributeValues (an untag has none).
          ...(expression === undefined
            ? { ExpressionAttributeValues: { ':empty': {} } }
            : Object.keys(values).length > 0
              ? { ExpressionAttributeValues: values }
              : {}),
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
        throw new NotFoundError(`${describeKey(key)} does not exist`, { cause: error });
      }
      throw error;
    }
  }

  /** `refCount += delta` on a referenced item, which must exist. */
  private countReference(ref: Reference, delta: 1 | -1): WriteOp {
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: itemKey(ref.key),
          UpdateExpression: 'ADD #refCount :delta',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#refCount': NAMES['#refCount'], '#pk': NAMES['#pk'] },
          ExpressionAttributeValues: { ':delta': delta },
        },
      },
      onConditionFailed: (_old, cause) =>
        delta > 0
          ? new NotFoundError(`${ref.field}: ${describeKey(ref.key)} does not exist`, { cause })
          : new Error(
              `store inconsistency: ${describeKey(ref.key)} (${ref.field}) is referenced but missing`,
              { cause },
            ),
    };
  }

  /** `generation += 1` on the mesh's counter, which must exist (so must the mesh). */
  private bumpGeneration(meshName: string): WriteOp {
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: generationKey(meshName),
          UpdateExpression: 'ADD #generation :one',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#generation': 'generation', '#pk': NAMES['#pk'] },
          ExpressionAttributeValues: { ':one': 1 },
        },
      },
      onConditionFailed: (_old, cause) =>
        new NotFoundError(
          `meshName: ${describeKey({ kind: 'mesh', meshName, name: meshName })} does not exist`,
          { cause },
        ),
    };
  }
}
