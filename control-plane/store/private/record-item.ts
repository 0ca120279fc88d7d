// Converts a ResourceRecord to the table item that stores it and back (layout documented in ../table.ts).

import type { Kind, ResourceKey } from '../../model/kinds.js';
import type { Reference, ResourceRecord, ResourceStatus } from '../store.js';
import { itemKey } from '../table.js';

/** A reference as stored in the `refs` list. */
interface StoredReference {
  readonly kind: Kind;
  readonly meshName: string;
  readonly parentName?: string;
  readonly name: string;
  readonly field: string;
}

/** The record attributes that `update` replaces (everything except the key, `tags` and `refCount`). */
export function replaceableAttributes(record: ResourceRecord): Record<string, unknown> {
  return {
    spec: JSON.stringify(record.spec),
    uid: record.uid,
    version: record.version,
    createdAt: record.createdAt,
    lastUpdatedAt: record.lastUpdatedAt,
    meshOwner: record.meshOwner,
    resourceOwner: record.resourceOwner,
    status: record.status,
    refs: record.refs.map(storeReference),
    clientToken: record.clientToken,
    requestHash: record.requestHash,
  };
}

/** The full item written when `record` is created. */
export function toItem(record: ResourceRecord): Record<string, unknown> {
  const { key } = record;
  return {
    ...itemKey(key),
    kind: key.kind,
    meshName: key.meshName,
    parentName: key.parentName,
    name: key.name,
    ...replaceableAttributes(record),
    tags: { ...record.tags },
  };
}

export function fromItem(item: Record<string, unknown>): ResourceRecord {
  const record: ResourceRecord = {
    key: keyOf(item),
    spec: JSON.parse(item.spec as string) as Record<string, unknown>,
    uid: item.uid as string,
    version: item.version as number,
    createdAt: item.createdAt as number,
    lastUpdatedAt: item.lastUpdatedAt as number,
    meshOwner: item.meshOwner as string,
    resourceOwner: item.resourceOwner as string,
    status: item.status as ResourceStatus,
    tags: { ...((item.tags as Record<string, string> | undefined) ?? {}) },
    refs: ((item.refs as StoredReference[] | undefined) ?? []).map(loadReference),
  };
  return {
    ...record,
    ...(typeof item.clientToken === 'string' ? { clientToken: item.clientToken } : {}),
    ...(typeof item.requestHash === 'string' ? { requestHash: item.requestHash } : {}),
  };
}

/** The ResourceKey stored in an item's `kind`, `meshName`, `parentName` and `name` attributes. */
export function keyOf(item: Record<string, unknown>): ResourceKey {
  return keyOfParts(item as unknown as StoredReference);
}

/** The stored references of an item (from a projection that includes `refs`). */
export function referencesOf(item: Record<string, unknown>): ResourceKey[] {
  return ((item.refs as StoredReference[] | undefined) ?? []).map(keyOfParts);
}

function keyOfParts(parts: Omit<StoredReference, 'field'>): ResourceKey {
  return {
    kind: parts.kind,
    meshName: parts.meshName,
    ...(parts.parentName !== undefined ? { parentName: parts.parentName } : {}),
    name: parts.name,
  };
}

function storeReference(ref: Reference): StoredReference {
  return { ...keyOfParts(ref.key), field: ref.field };
}

function loadReference(stored: StoredReference): Reference {
  return { key: keyOfParts(stored), field: stored.field };
}
