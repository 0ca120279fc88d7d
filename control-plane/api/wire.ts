// Stored records → App Mesh's response shapes (`MeshData`, `VirtualNodeRef`, …): the one place they are built.

import { NAME_FIELD, PARENT_NAME_FIELD } from '../model/kinds.js';
import { arnOf, type Partition } from '../service/arn.js';
import type { ResourceRecord } from '../store/store.js';

/** App Mesh's JSON timestamps are epoch seconds. */
const seconds = (ms: number): number => ms / 1000;

function names(record: ResourceRecord): Record<string, string> {
  const { key } = record;
  const out: Record<string, string> = { meshName: key.meshName };
  const parentField = PARENT_NAME_FIELD[key.kind];
  if (parentField !== undefined && key.parentName !== undefined) out[parentField] = key.parentName;
  out[NAME_FIELD[key.kind]] = key.name;
  return out;
}

/** `MeshData`, `VirtualNodeData`, `RouteData`, …: what Create/Describe/Update/Delete return. */
export function toData(record: ResourceRecord, partition: Partition): Record<string, unknown> {
  return {
    ...names(record),
    metadata: {
      arn: arnOf(record.key, partition),
      createdAt: seconds(record.createdAt),
      lastUpdatedAt: seconds(record.lastUpdatedAt),
      meshOwner: record.meshOwner,
      resourceOwner: record.resourceOwner,
      uid: record.uid,
      version: record.version,
    },
    spec: record.spec,
    status: { status: record.status },
  };
}

/** `MeshRef`, `VirtualNodeRef`, `RouteRef`, …: one entry of a List response. */
export function toRef(record: ResourceRecord, partition: Partition): Record<string, unknown> {
  return {
    ...names(record),
    meshOwner: record.meshOwner,
    resourceOwner: record.resourceOwner,
    arn: arnOf(record.key, partition),
    version: record.version,
    createdAt: seconds(record.createdAt),
    lastUpdatedAt: seconds(record.lastUpdatedAt),
  };
}
