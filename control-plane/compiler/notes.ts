// Collects what the compiler could not resolve (problems) or cannot honour (unsupported), deduplicated and sorted.

import type { ResourceKey } from '../model/kinds.js';
import { canonicalJson, compareStrings } from '../snapshot/hash.js';
import type { Note } from '../snapshot/snapshot.js';

/** `route/colors/blue-first`, `virtualNode/blue`: how a note names the resource it is about. */
export function resourceLabel(key: ResourceKey): string {
  return key.parentName === undefined
    ? `${key.kind}/${key.name}`
    : `${key.kind}/${key.parentName}/${key.name}`;
}

/** Where in the mesh something was found: a resource and a field path in it. */
export interface Site {
  readonly resource: string;
  readonly path: string;
}

export class Notes {
  readonly #problems = new Map<string, Note>();
  readonly #unsupported = new Map<string, Note>();

  /** Something the snapshot could not resolve; the requests it affects are answered 503. */
  problem(site: Site, reason: string): void {
    add(this.#problems, site, reason);
  }

  /** A valid setting this version carries as data but does not honour. */
  unsupported(site: Site, reason: string): void {
    add(this.#unsupported, site, reason);
  }

  /** Both lists, each sorted by resource, path, then reason. */
  lists(): { problems: Note[]; unsupported: Note[] } {
    return { problems: sorted(this.#problems), unsupported: sorted(this.#unsupported) };
  }
}

function add(notes: Map<string, Note>, site: Site, reason: string): void {
  const note: Note = { resource: site.resource, path: site.path, reason };
  notes.set(canonicalJson(note), note);
}

function sorted(notes: Map<string, Note>): Note[] {
  return [...notes.values()].sort(
    (a, b) =>
      compareStrings(a.resource, b.resource) ||
      compareStrings(a.path, b.path) ||
      compareStrings(a.reason, b.reason),
  );
}

/** `site` with `suffix` appended to its path (`.port`, `[2]`). */
export function at(site: Site, suffix: string): Site {
  return { resource: site.resource, path: site.path + suffix };
}
