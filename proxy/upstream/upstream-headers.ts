// The last guard on request headers before the upstream pool: it drops hop-by-hop framing headers outright.

import { headerNameSet } from '../http/header-name-set.js';

const isFramingHeader = headerNameSet(['expect', 'upgrade', 'connection', 'keep-alive', 'transfer-encoding']);

/**
 * `headers` without `connection`, `keep-alive`, `transfer-encoding`, `upgrade` and `expect`: the pool writes
 * the body's framing itself, and these never cross a proxy. The caller normally removed
 * them already, so the array is returned as is unless one is found; names are compared by length first.
 */
export function upstreamHeaders(headers: string[]): string[] {
  let out: string[] | undefined;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    const drop = isFramingHeader(name);
    if (drop && out === undefined) out = headers.slice(0, i);
    else if (!drop && out !== undefined) out.push(name, headers[i + 1]!);
  }
  return out ?? headers;
}
