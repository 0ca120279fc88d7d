// Canonical JSON (object keys sorted, absent members dropped) and the content hash that versions a snapshot.

import { createHash } from 'node:crypto';

/**
 * `value` as JSON with every object's keys in code-unit order and no whitespace; `undefined` members
 * are dropped. Array order is kept: callers sort arrays whose order carries no meaning.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const entries: [string, unknown][] = [];
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) entries.push([key, sortKeys(member)]);
  }
  // fromEntries defines own properties, so even a `__proto__` key stays data.
  return Object.fromEntries(entries);
}

/** sha256 of the canonical JSON of `content`, base64url without padding (43 characters). */
export function contentHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content)).digest('base64url');
}

/** Code-unit order, the same on every machine (no locale). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
