// A gateway route's path rewrite, compiled once per snapshot into a function of the matched request's path.

import type { GatewayRoute } from '../../control-plane/snapshot/index.js';

/** The path a matched request is sent on with (the query is not part of it, and is kept as it was). */
export type PathRewrite = (path: string) => string;

const unchanged: PathRewrite = (path) => path;

/**
 * The route's path rewrite:
 * - `prefix`: the matched prefix is replaced by `value`; when `value` ends with `/` and the rest of the
 *   path starts with `/`, one of the two is dropped, as App Mesh does (prefix `/chapter` rewritten to
 *   `/`: `/chapter/1` → `/1`, `/chapter` → `/`). Only a prefix match has a matched prefix; any other
 *   match leaves the path unchanged.
 * - `exact`: the whole path is replaced by `value`.
 * - none: unchanged.
 */
export function compilePathRewrite(route: Pick<GatewayRoute, 'match' | 'rewrite'>): PathRewrite {
  const rewrite = route.rewrite.path;
  if (rewrite === undefined) return unchanged;
  if (rewrite.kind === 'exact') {
    const value = rewrite.value;
    return () => value;
  }
  const match = route.match.path;
  if (match.kind !== 'prefix') return unchanged;
  const matched = match.value.length;
  const value = rewrite.value;
  const dropSlash = value.endsWith('/');
  return (path) => {
    const restStartsWithSlash = path.charCodeAt(matched) === 0x2f; /* / */
    return dropSlash && restStartsWithSlash ? value + path.slice(matched + 1) : value + path.slice(matched);
  };
}
