// The headers of a request as the proxy forwards it upstream: hop-by-hop and spoofable headers replaced by its own.

import { headerNameSet } from './header-name-set.js';
import { connectionNominated, isHopByHop } from './hop-by-hop.js';

export interface UpstreamRequestHeaderOptions {
  /** The downstream peer's address (this hop's client): the whole `X-Forwarded-For`. */
  readonly clientAddress: string;
  /** The scheme the client used: `X-Forwarded-Proto`. */
  readonly scheme: 'http' | 'https';
  /** The `Host` to send: the authority the request was routed on (`AcceptedRequestHead.hostHeader`). */
  readonly host: string;
}

/** Headers the proxy sets itself, so a client's own are dropped, and `expect`. */
const isDropped = headerNameSet(['host', 'x-forwarded-for', 'x-forwarded-proto', 'expect']);
const INTERNAL_PREFIX = 'x-tessera-';

/**
 * `rawHeaders` (flat `[name, value, …]`) for the upstream request, names in the case received:
 * - dropped: hop-by-hop headers and every header named in `Connection`; `Expect` (Node has already
 *   answered `100 Continue` to the client); `x-tessera-*` (internal to the mesh; never trusted from a client);
 * - replaced: `Host` (by `host`), `X-Forwarded-For` (by the client address alone: the proxy is the first
 *   hop the app's request takes, so an incoming value is a spoof, not a chain), `X-Forwarded-Proto`;
 * - kept as is: everything else, including `X-Amzn-Trace-Id`.
 */
export function requestHeadersForUpstream(
  rawHeaders: readonly string[],
  options: UpstreamRequestHeaderOptions,
): string[] {
  const nominated = connectionNominated(rawHeaders);
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (isHopByHop(name) || isDropped(name)) continue;
    if (
      name.length >= INTERNAL_PREFIX.length &&
      (name.charCodeAt(0) | 0x20) === 0x78 /* x or X */ &&
      name.slice(0, INTERNAL_PREFIX.length).toLowerCase() === INTERNAL_PREFIX
    ) {
      continue;
    }
    if (nominated.length > 0 && nominated.includes(name.toLowerCase())) continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  out.push(
    'host',
    options.host,
    'x-forwarded-for',
    options.clientAddress,
    'x-forwarded-proto',
    options.scheme,
  );
  return out;
}
