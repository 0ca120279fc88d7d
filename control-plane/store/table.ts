// The single DynamoDB table that holds every mesh resource: its key schema, item layout and creation.

import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { Kind, ResourceKey } from '../model/kinds.js';

/*
 * ONE TABLE, keys `pk` (S) and `sk` (S), on-demand billing, no indexes.
 *
 *  item                 pk                 sk                        attributes
 *  ───────────────────  ─────────────────  ────────────────────────  ──────────────────────────────────────
 *  mesh                 MESHES             <mesh>                    record attributes (below)
 *  mesh generation      MESH#<mesh>        GENERATION                generation (N), meshUid (S)
 *  virtual service      MESH#<mesh>        VS#<name>                 record attributes
 *  virtual node         MESH#<mesh>        VN#<name>                 record attributes
 *  virtual router       MESH#<mesh>        VR#<name>                 record attributes
 *  route                MESH#<mesh>        R#<router>#<name>         record attributes
 *  virtual gateway      MESH#<mesh>        VG#<name>                 record attributes
 *  gateway route        MESH#<mesh>        GR#<gateway>#<name>       record attributes
 *  snapshot cache       SNAPSHOT#<mesh>    <proxyKind>#<proxyName>   meshUid, generation, version, json (S)
 *  endpoint             ENDPOINTS#<mesh>   <node>#<endpointId>       endpoint attributes (below)
 *  principal binding    BINDING#<mesh>#<node>  <principal ARN>       boundAt (N, epoch ms); see below
 *
 *  record attributes:
 *    kind, meshName, parentName (routes and gateway routes only), name     S   the ResourceKey, verbatim
 *    spec                                                                  S   JSON text of the spec
 *    uid, meshOwner, resourceOwner, status                                 S
 *    version, createdAt, lastUpdatedAt (epoch ms)                          N
 *    tags                                                                  M   tag key → S (always present, maybe {})
 *    refs        L of M { kind, meshName, parentName?, name, field }  what this record depends on
 *    refCount    N   how many records list this one in their `refs` (absent = 0); delete requires 0
 *    clientToken, requestHash                                              S   optional
 *
 *  endpoint attributes (the discovery registry, control-plane/discovery/):
 *    meshName, nodeName, id, address, source ('proxy' | 'ecs')            S
 *    ports       L of M { listenerPort N, port N }
 *    zone                                                                  S   optional
 *    attributes                                                            M   optional, key → S
 *    cluster     S   the ECS cluster ARN (ECS endpoints only; reconcile removes by cluster)
 *    contentHash S   hash of everything above but the keys; a heartbeat is a write conditional on it
 *    expiresAt   N   epoch SECONDS; proxy endpoints only (ECS ones live until removed). It is also the
 *                    table's DynamoDB TTL attribute, but TTL deletes lazily: reads filter expired items.
 *    updatedAt   N   epoch seconds of the last write (registration or heartbeat)
 *
 * Why this layout:
 *  - Mesh records share the partition `MESHES`, so ListMeshes is one Query. Everything inside a mesh
 *    shares the partition `MESH#<mesh>`, so ListX is one Query on a sort-key prefix (`VN#`, `R#<router>#`)
 *    and pages are always full: the prefix is a key condition, never a filter. Names cannot contain `#`.
 *  - The generation counter has an item of its own (not an attribute of the mesh record), so
 *    `meshGeneration` is one tiny GetItem, and tagging or listing meshes never touches it. It is created
 *    with the mesh (generation 1), bumped in the same transaction as every write in the mesh, and deleted
 *    with the mesh.
 *  - `spec` is stored as JSON text rather than a native map: the store never reads inside a spec, and
 *    text round-trips exactly what was written — key order, nested empty objects and arrays, every
 *    number (a native N would refuse integers past 2^53 on read and drop key order), no 32-level
 *    nesting limit, no empty-key or undefined pitfalls. `tags` is a native map so TagResource and
 *    UntagResource are single-attribute UpdateItems; `refs` is native so it is readable in the console.
 *  - References are counted on the referenced item (`refCount`), inside the same transaction that
 *    writes the referrer, so "exists while referenced" holds without scans or locks.
 *  - Endpoints are not configuration: they live in a partition of their own per mesh, so registrations
 *    and heartbeats never touch the mesh partition or its generation, and the endpoints of one node are
 *    one Query on the sort-key prefix `<node>#` (node names cannot contain `#`). Principal bindings
 *    (which IAM principal may register for a node; written by the CDK constructs) are one item each,
 *    so the registration guard is one GetItem.
 */

/** Attribute names and types of the table's primary key (cdk/control-plane mirrors them; a test compares). */
export const PARTITION_KEY = { name: 'pk', type: 'S' } as const;
export const SORT_KEY = { name: 'sk', type: 'S' } as const;
export const BILLING_MODE = 'PAY_PER_REQUEST' as const;

/** Partition of all mesh records. */
export const MESHES_PARTITION = 'MESHES';
/** Sort key of a mesh's generation counter inside the mesh's partition. */
export const GENERATION_SORT_KEY = 'GENERATION';
/** Separator between key segments; resource names cannot contain it. */
export const KEY_SEPARATOR = '#';

/** Sort-key prefix of each kind that lives in a mesh's partition. */
export const SORT_KEY_PREFIX: Record<Exclude<Kind, 'mesh'>, string> = {
  virtualService: 'VS#',
  virtualNode: 'VN#',
  virtualRouter: 'VR#',
  route: 'R#',
  virtualGateway: 'VG#',
  gatewayRoute: 'GR#',
};

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** The partition holding everything inside `meshName`. */
export function meshPartition(meshName: string): string {
  return `MESH${KEY_SEPARATOR}${meshName}`;
}

/** Where the record of `key` is stored. */
export function itemKey(key: ResourceKey): ItemKey {
  if (key.kind === 'mesh') return { pk: MESHES_PARTITION, sk: key.name };
  const prefix = SORT_KEY_PREFIX[key.kind];
  const parent =
    key.kind === 'route' || key.kind === 'gatewayRoute' ? `${key.parentName ?? ''}${KEY_SEPARATOR}` : '';
  return { pk: meshPartition(key.meshName), sk: `${prefix}${parent}${key.name}` };
}

/** Where the generation counter of `meshName` is stored. */
export function generationKey(meshName: string): ItemKey {
  return { pk: meshPartition(meshName), sk: GENERATION_SORT_KEY };
}

/**
 * The partition and sort-key prefix that select one list: all meshes; one kind in a mesh; the routes
 * of one router (or, without `parentName`, of every router in the mesh, ordered by router then name).
 */
export function listRange(kind: Kind, meshName: string, parentName?: string): { pk: string; prefix: string } {
  if (kind === 'mesh') return { pk: MESHES_PARTITION, prefix: '' };
  const prefix = SORT_KEY_PREFIX[kind];
  const scoped = (kind === 'route' || kind === 'gatewayRoute') && parentName !== undefined;
  return { pk: meshPartition(meshName), prefix: scoped ? `${prefix}${parentName}${KEY_SEPARATOR}` : prefix };
}

/**
 * Creates the table with the schema above and waits until it is ACTIVE (for local mode and tests; on AWS
 * the CDK creates it). An existing table is fine if its key schema matches.
 */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: BILLING_MODE,
        AttributeDefinitions: [
          { AttributeName: PARTITION_KEY.name, AttributeType: PARTITION_KEY.type },
          { AttributeName: SORT_KEY.name, AttributeType: SORT_KEY.type },
        ],
        KeySchema: [
          { AttributeName: PARTITION_KEY.name, KeyType: 'HASH' },
          { AttributeName: SORT_KEY.name, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists(
    { client, maxWaitTime: 120, minDelay: 1, maxDelay: 5 },
    { TableName: tableName },
  );
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const keys = (Table?.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');
  if (keys !== `${PARTITION_KEY.name}:HASH,${SORT_KEY.name}:RANGE`) {
    throw new Error(
      `table "${tableName}" exists with key schema [${keys}], expected ${PARTITION_KEY.name} (HASH), ${SORT_KEY.name} (RANGE)`,
    );
  }
}

/**
 * The DynamoDB TTL attribute of the table (epoch seconds). Only proxy-registered endpoints carry it;
 * the CDK enables TTL on it.
 */
export const EXPIRES_AT_ATTRIBUTE = 'expiresAt';

/** The partition holding every registered endpoint of `meshName`. */
export function endpointPartition(meshName: string): string {
  return `ENDPOINTS${KEY_SEPARATOR}${meshName}`;
}

/** The sort-key prefix selecting the endpoints of one virtual node in its mesh's endpoint partition. */
export function endpointNodePrefix(nodeName: string): string {
  return `${nodeName}${KEY_SEPARATOR}`;
}

/** Where one registered endpoint is stored. */
export function endpointKey(meshName: string, nodeName: string, endpointId: string): ItemKey {
  return { pk: endpointPartition(meshName), sk: `${endpointNodePrefix(nodeName)}${endpointId}` };
}

/** Where the binding of an IAM principal (normalized role or user ARN) to a virtual node is stored. */
export function bindingKey(meshName: string, nodeName: string, principalArn: string): ItemKey {
  return { pk: `BINDING${KEY_SEPARATOR}${meshName}${KEY_SEPARATOR}${nodeName}`, sk: principalArn };
}

/** Partition of the compiled-snapshot cache of `meshName` (a cache: safe to delete at any time). */
export function snapshotCacheKey(meshName: string, proxyKind: string, proxyName: string): ItemKey {
  return { pk: `SNAPSHOT${KEY_SEPARATOR}${meshName}`, sk: `${proxyKind}${KEY_SEPARATOR}${proxyName}` };
}
