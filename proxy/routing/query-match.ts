// Query parameter conditions, evaluated by scanning the raw query string (no parsing into a map per request).

import type { QueryParameterMatch } from '../../control-plane/snapshot/index.js';

/**
 * Whether the condition holds for `query` (without `?`). The first occurrence of the parameter counts,
 * as in Envoy. Names and values are percent-decoded before comparison; `+` is kept as a literal `+` (as
 * Envoy's decoding does), so a value with a space matches `%20`, not `+`.
 */
export function queryMatches(match: QueryParameterMatch, query: string): boolean {
  const value = queryValue(query, match.name);
  if (value === undefined) return false;
  return match.match.kind === 'present' || value === match.match.value;
}

/** The decoded value of the first parameter named `name` in `query`; `''` for `name` or `name=`; `undefined` if absent. */
export function queryValue(query: string, name: string): string | undefined {
  let start = 0;
  while (start < query.length) {
    let end = query.indexOf('&', start);
    if (end === -1) end = query.length;
    let equals = query.indexOf('=', start);
    if (equals === -1 || equals > end) equals = end;
    if (nameIs(query, start, equals, name)) {
      return equals === end ? '' : decode(query.slice(equals + 1, end));
    }
    start = end + 1;
  }
  return undefined;
}

function nameIs(query: string, start: number, end: number, name: string): boolean {
  if (end - start === name.length && query.startsWith(name, start)) return true;
  // An encoded name is rare: decode only when there is a '%' to decode.
  const percent = query.indexOf('%', start);
  return percent !== -1 && percent < end && decode(query.slice(start, end)) === name;
}

/** Percent-decoded; a malformed sequence leaves the text as it was. */
function decode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
