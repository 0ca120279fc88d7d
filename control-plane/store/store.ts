// The store's contract: what the service layer needs from persistence, independent of DynamoDB.

import type { Kind, ResourceKey } from '../model/kinds.js';

export type ResourceStatus = 'ACTIVE' | 'INACTIVE' | 'DELETED';

/** A resource this one depends on, and the request field that names it (for error messages). */
export interface Reference {
  readonly key: ResourceKey;
  /** e.g. `spec.httpRoute.action.weightedTargets[0].virtualNode`, or `meshName` for the parent. */
  readonly field: string;
}

/** One stored resource: its App Mesh data plus what the store needs to keep references honest. */
export interface ResourceRecord {
  readonly key: ResourceKey;
  /** The validated spec, exactly as it is returned to clients. */
  readonly spec: Record<string, unknown>;
  readonly uid: string;
  /** Starts at 1; +1 on every applied update. */
  readonly version: number;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly lastUpdatedAt: number;
  readonly meshOwner: string;
  readonly resourceOwner: string;
  readonly status: ResourceStatus;
  /** Tag key → value. */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Everything this resource depends on: its container (mesh, router or gateway) and the resources
   * its spec names. Each must exist while this record does; the store enforces it atomically.
   */
  readonly refs: readonly Reference[];
  /** The `clientToken` of the create/update that produced this version, and a hash of that request. */
  readonly clientToken?: string;
  readonly requestHash?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; absent on the last page. */
  readonly nextToken?: string;
}

export interface PageRequest {
  /** 1–100; the store's default page size when absent. */
  readonly limit?: number;
  /** A token from a previous page of the same query. */
  readonly nextToken?: string;
}

/** Which resources to list: all meshes, or one kind inside a mesh (and router/gateway). */
export interface ListQuery {
  readonly kind: Kind;
  readonly meshName?: string;
  readonly parentName?: string;
}

/**
 * Persistence for mesh resources.
 *
 * Errors (from `../errors.js`):
 * - `ConflictError` — create of an existing key; update/delete whose `expected.version` is no longer current.
 * - `NotFoundError` — a reference of the record does not exist (message names the reference's field and
 *   key); update/delete/tag of a missing key.
 * - `ResourceInUseError` — delete of a resource that others still reference (message names one referrer).
 * - `BadRequestError` — a malformed `nextToken`.
 *
 * Every create, update and delete also advances the containing mesh's generation (see `meshGeneration`),
 * in the same transaction. Tagging does not: tags are not configuration.
 */
export interface Store {
  get(key: ResourceKey): Promise<ResourceRecord | undefined>;
  /** Writes a new record (version 1) if its key is free and every reference exists. */
  create(record: ResourceRecord): Promise<void>;
  /**
   * Replaces `expected` with `next` (`next.version === expected.version + 1`) if `expected` is still current.
   * Tags are not part of an update (`next.tags` is ignored), so a concurrent `tag` is never undone.
   */
  update(expected: ResourceRecord, next: ResourceRecord): Promise<void>;
  /** Removes `expected` if it is still current and nothing references it. */
  delete(expected: ResourceRecord): Promise<void>;
  /** In name order; for routes/gateway routes `parentName` is required. */
  list(query: ListQuery, page?: PageRequest): Promise<Page<ResourceRecord>>;
  /** Sets (adds or overwrites) tags without touching the spec or version. */
  tag(key: ResourceKey, tags: Readonly<Record<string, string>>): Promise<void>;
  /** Removes tags by key; absent keys are ignored. */
  untag(key: ResourceKey, tagKeys: readonly string[]): Promise<void>;
  /**
   * A counter that increases on every committed write to the mesh or anything in it; undefined when
   * the mesh does not exist. One read.
   */
  meshGeneration(meshName: string): Promise<number | undefined>;
  /** The generation and the mesh's uid (a recreated mesh starts its count again); one read. */
  meshVersion(meshName: string): Promise<MeshVersion | undefined>;
  /**
   * The mesh and everything in it, as of one generation: no write committed while it was read.
   * Undefined when the mesh does not exist.
   */
  loadMesh(meshName: string): Promise<MeshContents | undefined>;
}

export interface MeshVersion {
  readonly meshUid: string;
  readonly generation: number;
}

export interface MeshContents extends MeshVersion {
  readonly mesh: ResourceRecord;
  /** Every other resource of the mesh, in key order. */
  readonly resources: readonly ResourceRecord[];
}
