// HTTP entity tags for conditional reads (`If-None-Match` → 304), as proxies poll snapshots and endpoints.

/** `"<version>"`: a strong ETag for a content hash. */
export function etagOf(version: string): string {
  return `"${version}"`;
}

/**
 * Whether an `If-None-Match` header names `version`: a comma-separated list of (possibly weak) tags,
 * or `*`. An absent or empty header matches nothing.
 */
export function ifNoneMatchHas(header: string | undefined, version: string): boolean {
  if (header === undefined || header.trim() === '') return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim().replace(/^W\//, '');
    return tag === '*' || tag === `"${version}"` || tag === version;
  });
}
