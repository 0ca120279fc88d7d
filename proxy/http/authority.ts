// Parses an HTTP authority (`host[:port]`, `[v6]:port`) from a Host header or an absolute-form target.

/** A request's authority: the host lower-cased (an IPv6 address without brackets) and the port if given. */
export interface Authority {
  readonly host: string;
  readonly port: number | undefined;
}

/**
 * The authority in `value`, or `undefined` when it is not one: empty host, userinfo, a character that
 * is not a letter, digit, `-`, `.`, `_` or `~` in a name, a malformed IPv6 literal, or a port outside
 * 1–65535. An empty port (`svc:`) means none.
 */
export function parseAuthority(value: string): Authority | undefined {
  let host: string;
  let rest: string;
  if (value.charCodeAt(0) === 0x5b /* [ */) {
    const close = value.indexOf(']');
    if (close === -1) return undefined;
    host = value.slice(1, close);
    if (!isIpv6(host)) return undefined;
    rest = value.slice(close + 1);
    if (rest !== '' && rest.charCodeAt(0) !== 0x3a /* : */) return undefined;
  } else {
    const colon = value.indexOf(':');
    host = colon === -1 ? value : value.slice(0, colon);
    rest = colon === -1 ? '' : value.slice(colon);
    if (!isRegName(host)) return undefined;
  }
  let port: number | undefined;
  if (rest.length > 1) {
    port = parsePort(rest, 1);
    if (port === undefined) return undefined;
  }
  return { host: host.toLowerCase(), port };
}

/** The authority as a Host header value: `host`, `host:port`, `[v6]:port`. */
export function formatAuthority(authority: Authority): string {
  const host = authority.host.includes(':') ? `[${authority.host}]` : authority.host;
  return authority.port === undefined ? host : `${host}:${authority.port}`;
}

function isRegName(host: string): boolean {
  if (host.length === 0 || host.length > 255) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const lower = c | 0x20; // folds A-Z onto a-z
    const letter = lower >= 0x61 && lower <= 0x7a;
    const digit = c >= 0x30 && c <= 0x39;
    if (!letter && !digit && c !== 0x2d && c !== 0x2e && c !== 0x5f && c !== 0x7e) return false;
  }
  return true;
}

function isIpv6(host: string): boolean {
  if (host.length < 2 || !host.includes(':')) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const hex = (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
    if (!hex && c !== 0x3a && c !== 0x2e) return false;
  }
  return true;
}

function parsePort(text: string, from: number): number | undefined {
  if (text.length - from > 5) return undefined;
  let port = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    port = port * 10 + (c - 0x30);
  }
  return port >= 1 && port <= 65535 ? port : undefined;
}
