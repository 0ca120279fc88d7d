// Hop-by-hop headers: those that describe one connection and must not cross the proxy in either direction.

import { equalsLowerCase, headerNameSet } from './header-name-set.js';

/** Always hop-by-hop (RFC 9110 §7.6.1, plus `proxy-connection` and `http2-settings`), lower-case. */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

/** Whether `name` (any case) is always hop-by-hop. */
export const isHopByHop: (name: string) => boolean = headerNameSet([...HOP_BY_HOP_HEADERS]);

/**
 * The header names listed in `Connection` headers (lower-case), which are hop-by-hop for this message.
 * Returns a shared empty array when there are none beyond the always-dropped ones, so a request with
 * `Connection: keep-alive` allocates nothing more.
 */
export function connectionNominated(rawHeaders: readonly string[]): readonly string[] {
  let nominated: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (!equalsLowerCase(name, 'connection')) continue;
    for (const token of rawHeaders[i + 1]!.split(',')) {
      const header = token.trim().toLowerCase();
      if (header === '' || HOP_BY_HOP_HEADERS.has(header) || header === 'close') continue;
      nominated ??= [];
      nominated.push(header);
    }
  }
  return nominated ?? NONE;
}

const NONE: readonly string[] = Object.freeze([]);
