// The headers of an upstream response as the proxy sends it downstream: without hop-by-hop headers.

import { connectionNominated, isHopByHop } from './hop-by-hop.js';

/**
 * `rawHeaders` (flat `[name, value, …]`) without hop-by-hop headers and those named in `Connection`,
 * names in the case received. The proxy frames the response to its client itself.
 */
export function responseHeadersForDownstream(rawHeaders: readonly string[]): string[] {
  const nominated = connectionNominated(rawHeaders);
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (isHopByHop(name)) continue;
    if (nominated.length > 0 && nominated.includes(name.toLowerCase())) continue;
    out.push(name, rawHeaders[i + 1]!);
  }
  return out;
}
