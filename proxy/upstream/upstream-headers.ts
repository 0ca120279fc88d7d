// The last guard on request headers before undici: it rejects hop-by-hop framing headers outright.

/**
 * `headers` without `connection`, `keep-alive`, `transfer-encoding`, `upgrade` and `expect`, which undici
 * refuses (or turns into connection behaviour) and which never cross a proxy. The caller normally removed
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

function isFramingHeader(name: string): boolean {
  switch (name.length) {
    case 6:
      return name.toLowerCase() === 'expect';
    case 7:
      return name.toLowerCase() === 'upgrade';
    case 10: {
      const lower = name.toLowerCase();
      return lower === 'connection' || lower === 'keep-alive';
    }
    case 17:
      return name.toLowerCase() === 'transfer-encoding';
    default:
      return false;
  }
}
