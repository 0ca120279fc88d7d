// Reference bookkeeping: which items a record pins, compared by where they are stored.

import type { Reference, ResourceRecord } from '../store.js';
import { type ItemKey, itemKey } from '../table.js';

/** The record's references, one per referenced item (a resource named twice is counted once). */
export function distinctRefs(record: ResourceRecord): Reference[] {
  const own = itemKey(record.key);
  const seen: Reference[] = [];
  for (const ref of record.refs) {
    const at = itemKey(ref.key);
    if (!sameItem(at, own) && !containsRef(seen, ref)) seen.push(ref);
  }
  return seen;
}

export function containsRef(refs: readonly Reference[], ref: Reference): boolean {
  const at = itemKey(ref.key);
  return refs.some((other) => sameItem(itemKey(other.key), at));
}

export function sameItem(a: ItemKey, b: ItemKey): boolean {
  return a.pk === b.pk && a.sk === b.sk;
}
