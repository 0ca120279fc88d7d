// Looks up a mesh's resources by kind and name, checking each spec the first time it is used.

import { formatProblem } from '../errors.js';
import type { Kind } from '../model/kinds.js';
import { type SpecOf, validateSpec } from '../model/validate.js';
import { canonicalJson, compareStrings } from '../snapshot/hash.js';
import type { ResourceRecord } from '../store/store.js';
import { type Notes, resourceLabel, type Site } from './notes.js';

/** A resource whose spec passed validation. */
export interface Resolved<K extends Kind> {
  readonly record: ResourceRecord;
  readonly spec: SpecOf<K>;
  /** Its `resourceLabel`, for notes. */
  readonly label: string;
}

/**
 * The resources of one mesh. Records of other meshes and records not `ACTIVE` are ignored. A spec that
 * fails validation makes its resource count as absent, with a problem noted, but only once something
 * uses it: an unrelated broken resource never changes a snapshot.
 */
export class MeshIndex {
  readonly #records = new Map<string, ResourceRecord>();
  readonly #children = new Map<string, string[]>();
  readonly #resolved = new Map<string, Resolved<Kind> | undefined>();
  readonly #notes: Notes;

  constructor(meshName: string, resources: readonly ResourceRecord[], notes: Notes) {
    this.#notes = notes;
    for (const record of resources) {
      if (record.key.meshName !== meshName || record.status !== 'ACTIVE' || record.key.kind === 'mesh')
        continue;
      const id = idOf(record.key.kind, record.key.name, record.key.parentName);
      const current = this.#records.get(id);
      if (current === undefined) {
        if (record.key.parentName !== undefined) {
          const parent = idOf(record.key.kind, '', record.key.parentName);
          this.#children.set(parent, [...(this.#children.get(parent) ?? []), record.key.name]);
        }
        this.#records.set(id, record);
      } else if (preferred(record, current)) {
        this.#records.set(id, record);
      }
    }
    for (const names of this.#children.values()) names.sort(compareStrings);
  }

  /** The resource, or undefined when it does not exist or its spec is invalid. */
  get<K extends Kind>(kind: K, name: string, parentName?: string): Resolved<K> | undefined {
    const id = idOf(kind, name, parentName);
    if (this.#resolved.has(id)) return this.#resolved.get(id) as Resolved<K> | undefined;
    const record = this.#records.get(id);
    const resolved = record === undefined ? undefined : this.#validate<K>(kind, record);
    this.#resolved.set(id, resolved);
    return resolved;
  }

  /** The routes of a router or gateway routes of a gateway with a valid spec, by name. */
  children<K extends 'route' | 'gatewayRoute'>(kind: K, parentName: string): Resolved<K>[] {
    const names = this.#children.get(idOf(kind, '', parentName)) ?? [];
    return names.flatMap((name) => this.get(kind, name, parentName) ?? []);
  }

  #validate<K extends Kind>(kind: K, record: ResourceRecord): Resolved<K> | undefined {
    const label = resourceLabel(record.key);
    const result = validateSpec(kind, record.spec);
    if (result.ok) return { record, spec: result.spec, label };
    const site: Site = { resource: label, path: 'spec' };
    this.#notes.problem(site, `is invalid and ignored: ${result.problems.map(formatProblem).join('; ')}`);
    return undefined;
  }
}

function idOf(kind: Kind, name: string, parentName: string | undefined): string {
  return `${kind}\u0000${parentName ?? ''}\u0000${name}`;
}

/** Of two records with one key (never from a healthy store), the later version, else the smaller spec JSON. */
function preferred(candidate: ResourceRecord, current: ResourceRecord): boolean {
  if (candidate.version !== current.version) return candidate.version > current.version;
  return compareStrings(canonicalJson(candidate.spec), canonicalJson(current.spec)) < 0;
}
