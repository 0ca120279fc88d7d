// The control plane's use cases: create, describe, update, delete and list mesh resources, and tag them.
// Validates at the boundary, then hands the store complete records; the store keeps writes atomic.

import { randomUUID } from 'node:crypto';
import { BadRequestError, ConflictError, NotFoundError, type Problem, TooManyTagsError } from '../errors.js';
import { MAX_TAGS } from '../model/constants.js';
import { specReferences, validateName, validateSpec, validateTags } from '../model/index.js';
import {
  describeKey,
  NAME_FIELD,
  notFoundMessage,
  PARENT_KIND,
  PARENT_NAME_FIELD,
  parentKey,
  type ResourceKey,
} from '../model/kinds.js';
import type { ListQuery, Page, PageRequest, Reference, ResourceRecord, Store } from '../store/store.js';
import { arnOf, type Partition, parseArn } from './arn.js';
import { requestHash } from './request-hash.js';

export interface ServiceOptions extends Partition {
  /** Epoch milliseconds; injectable so tests can pin time. @default Date.now */
  readonly clock?: () => number;
}

/** The body members of a Create/Update request that the service interprets. */
export interface WriteInput {
  readonly spec?: unknown;
  readonly tags?: unknown;
  readonly clientToken?: unknown;
}

const MAX_CLIENT_TOKEN_LENGTH = 64;
const MAX_PAGE_SIZE = 100;

export class MeshService {
  readonly partition: Partition;
  readonly #store: Store;
  readonly #clock: () => number;

  constructor(store: Store, options: ServiceOptions) {
    this.#store = store;
    this.partition = { region: options.region, accountId: options.accountId };
    this.#clock = options.clock ?? Date.now;
  }

  arnOf(key: ResourceKey): string {
    return arnOf(key, this.partition);
  }

  async create(key: ResourceKey, input: WriteInput): Promise<ResourceRecord> {
    const problems = keyProblems(key);
    const spec = validateSpec(key.kind, input.spec);
    if (!spec.ok) problems.push(...spec.problems);
    const tags =
      input.tags === undefined ? { ok: true as const, tags: {} } : validateTags('tags', input.tags);
    if (!tags.ok) problems.push(...tags.problems);
    const clientToken = checkClientToken(input.clientToken, problems);
    if (problems.length > 0 || !spec.ok || !tags.ok) throw new BadRequestError(problems);
    if (Object.keys(tags.tags).length > MAX_TAGS) {
      throw new TooManyTagsError(
        `tags: must have at most ${MAX_TAGS} tags, got ${Object.keys(tags.tags).length}`,
      );
    }

    const hash = requestHash({ key, spec: spec.spec, tags: tags.tags });
    const now = this.#clock();
    const record: ResourceRecord = {
      key,
      spec: spec.spec as Record<string, unknown>,
      uid: randomUUID(),
      version: 1,
      createdAt: now,
      lastUpdatedAt: now,
      meshOwner: this.partition.accountId,
      resourceOwner: this.partition.accountId,
      status: 'ACTIVE',
      tags: tags.tags,
      refs: referencesOf(key, spec.spec),
      ...(clientToken !== undefined ? { clientToken, requestHash: hash } : {}),
    };
    try {
      await this.#store.create(record);
      return record;
    } catch (error) {
      // A retried create (same token, same request) returns what the first one made.
      if (error instanceof ConflictError && clientToken !== undefined) {
        const existing = await this.#store.get(key);
        if (existing && existing.version === 1 && existing.clientToken === clientToken) {
          if (existing.requestHash === hash) return existing;
          throw new ConflictError(
            `clientToken "${clientToken}" was already used to create ${describeKey(key)} with a different request`,
            { cause: error },
          );
        }
      }
      throw error;
    }
  }

  async describe(key: ResourceKey): Promise<ResourceRecord> {
    return this.#existing(key);
  }

  async update(key: ResourceKey, input: WriteInput): Promise<ResourceRecord> {
    const problems = keyProblems(key);
    const spec = validateSpec(key.kind, input.spec);
    if (!spec.ok) problems.push(...spec.problems);
    const clientToken = checkClientToken(input.clientToken, problems);
    if (problems.length > 0 || !spec.ok) throw new BadRequestError(problems);

    const current = await this.#existing(key);
    const hash = requestHash({ key, spec: spec.spec });
    if (clientToken !== undefined && current.clientToken === clientToken) {
      if (current.requestHash === hash) return current;
      throw new ConflictError(
        `clientToken "${clientToken}" was already used to update ${describeKey(key)} with a different request`,
      );
    }
    const { clientToken: _previousToken, requestHash: _previousHash, ...unchanged } = current;
    const next: ResourceRecord = {
      ...unchanged,
      spec: spec.spec as Record<string, unknown>,
      version: current.version + 1,
      lastUpdatedAt: Math.max(this.#clock(), current.lastUpdatedAt),
      refs: referencesOf(key, spec.spec),
      ...(clientToken !== undefined ? { clientToken, requestHash: hash } : {}),
    };
    await this.#store.update(current, next);
    return next;
  }

  /** Deletes the resource and returns it as App Mesh does, with status `DELETED`. */
  async delete(key: ResourceKey): Promise<ResourceRecord> {
    const problems = keyProblems(key);
    if (problems.length > 0) throw new BadRequestError(problems);
    const current = await this.#existing(key);
    await this.#store.delete(current);
    return { ...current, status: 'DELETED' };
  }

  async list(query: ListQuery, page: PageRequest = {}): Promise<Page<ResourceRecord>> {
    const problems: Problem[] = [];
    if (query.meshName !== undefined) problems.push(...validateName('meshName', query.meshName));
    const parentField = PARENT_NAME_FIELD[query.kind];
    if (parentField !== undefined) problems.push(...validateName(parentField, query.parentName));
    checkPage(page, problems);
    if (problems.length > 0) throw new BadRequestError(problems);

    const result = await this.#store.list(query, page);
    // Listing inside a mesh (or router, gateway) that does not exist is NotFound, as in App Mesh.
    // Checked only for an empty first page, so a normal list stays one read.
    if (result.items.length === 0 && page.nextToken === undefined && query.kind !== 'mesh') {
      const meshName = query.meshName!;
      const parentKind = PARENT_KIND[query.kind];
      await this.#existing(
        parentKind !== undefined
          ? { kind: parentKind, meshName, name: query.parentName! }
          : { kind: 'mesh', meshName, name: meshName },
      );
    }
    return result;
  }

  async tagResource(resourceArn: unknown, tagsInput: unknown): Promise<void> {
    const key = this.#keyOfArn(resourceArn);
    const tags = validateTags('tags', tagsInput ?? []);
    if (!tags.ok) throw new BadRequestError(tags.problems);
    const current = await this.#existing(key);
    const merged = { ...current.tags, ...tags.tags };
    if (Object.keys(merged).length > MAX_TAGS) {
      throw new TooManyTagsError(
        `tags: a resource can have at most ${MAX_TAGS} tags; this request would leave ${describeKey(key)} with ${Object.keys(merged).length}`,
      );
    }
    await this.#store.tag(key, tags.tags);
  }

  async untagResource(resourceArn: unknown, tagKeys: unknown): Promise<void> {
    const key = this.#keyOfArn(resourceArn);
    if (!Array.isArray(tagKeys) || tagKeys.some((k) => typeof k !== 'string')) {
      throw new BadRequestError([{ path: 'tagKeys', rule: 'must be a list of strings', value: tagKeys }]);
    }
    await this.#existing(key);
    await this.#store.untag(key, tagKeys as string[]);
  }

  async listTags(
    resourceArn: unknown,
    page: PageRequest = {},
  ): Promise<{ tags: { key: string; value: string }[]; nextToken?: string }> {
    const key = this.#keyOfArn(resourceArn);
    const problems: Problem[] = [];
    checkPage(page, problems);
    if (problems.length > 0) throw new BadRequestError(problems);
    const current = await this.#existing(key);
    const all = Object.keys(current.tags)
      .sort()
      .map((k) => ({ key: k, value: current.tags[k]! }));
    let start = 0;
    if (page.nextToken !== undefined) {
      const after = decodeTagToken(page.nextToken);
      start = all.findIndex((t) => t.key > after);
      if (start < 0) start = all.length;
    }
    const limit = page.limit ?? MAX_PAGE_SIZE;
    const tags = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return more ? { tags, nextToken: encodeTagToken(tags[tags.length - 1]!.key) } : { tags };
  }

  async #existing(key: ResourceKey): Promise<ResourceRecord> {
    const record = await this.#store.get(key);
    if (!record) throw new NotFoundError(notFoundMessage(key));
    return record;
  }

  #keyOfArn(resourceArn: unknown): ResourceKey {
    const { partition, ...key } = parseArn(resourceArn);
    if (partition.accountId !== this.partition.accountId || partition.region !== this.partition.region) {
      throw new NotFoundError(
        `resourceArn: no resource in this control plane (region ${this.partition.region}, account ${this.partition.accountId}) has ARN ${String(resourceArn)}`,
      );
    }
    return key;
  }
}

/** The container (mesh, router or gateway) and everything the spec names: all must exist. */
function referencesOf(key: ResourceKey, spec: unknown): Reference[] {
  const refs: Reference[] = [];
  const container = parentKey(key);
  if (container) refs.push({ key: container, field: PARENT_NAME_FIELD[key.kind] ?? 'meshName' });
  for (const ref of specReferences(key.kind, key.meshName, spec)) {
    if (!refs.some((r) => sameKey(r.key, ref.key))) refs.push(ref);
  }
  return refs;
}

function sameKey(a: ResourceKey, b: ResourceKey): boolean {
  return a.kind === b.kind && a.meshName === b.meshName && a.parentName === b.parentName && a.name === b.name;
}

function keyProblems(key: ResourceKey): Problem[] {
  const problems: Problem[] = [];
  if (key.kind !== 'mesh') problems.push(...validateName('meshName', key.meshName));
  const parentField = PARENT_NAME_FIELD[key.kind];
  if (parentField !== undefined) problems.push(...validateName(parentField, key.parentName));
  problems.push(...validateName(NAME_FIELD[key.kind], key.name));
  return problems;
}

function checkClientToken(token: unknown, problems: Problem[]): string | undefined {
  if (token === undefined || token === null) return undefined;
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_CLIENT_TOKEN_LENGTH) {
    problems.push({
      path: 'clientToken',
      rule: `must be a string of 1 to ${MAX_CLIENT_TOKEN_LENGTH} characters`,
      value: token,
    });
    return undefined;
  }
  return token;
}

function checkPage(page: PageRequest, problems: Problem[]): void {
  const { limit } = page;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE)) {
    problems.push({ path: 'limit', rule: `must be an integer between 1 and ${MAX_PAGE_SIZE}`, value: limit });
  }
}

function encodeTagToken(lastKey: string): string {
  return Buffer.from(JSON.stringify({ t: lastKey })).toString('base64url');
}

function decodeTagToken(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { t?: unknown };
    if (typeof parsed.t === 'string') return parsed.t;
  } catch {
    // fall through to the error below
  }
  throw new BadRequestError('nextToken: is not a valid pagination token');
}
