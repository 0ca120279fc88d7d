// Hop-by-hop headers: those that describe one connection and must not cross the proxy in either direction.

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

/** Lengths of the names above: most headers are ruled out without lower-casing them. */
const HOP_BY_HOP_LENGTHS = new Set([...HOP_BY_HOP_HEADERS].map((name) => name.length));

/** Whether `name` (any case) is always hop-by-hop. */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP_LENGTHS.has(name.length) && HOP_BY_HOP_HEADERS.has(name.toLowerCase());
}

/**
 * The header names listed in `Connection` headers (lower-case), which are hop-by-hop for this message.
 * Returns a shared empty array when there are none beyond the always-dropped ones, so a request with
 * `Connection: keep-alive` allocates nothing more.
 */
export function connectionNominated(rawHeaders: readonly string[]): readonly string[] {
  let nominated: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length !== 10 || name.toLowerCase() !== 'connection') continue;
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
