// Normalizes a request path before route matching, and rejects paths that could match one route and mean another.

/** Why a path was refused. */
export interface PathRejection {
  readonly reason: string;
}

const NOT_VISIBLE_ASCII: PathRejection = Object.freeze({
  reason: 'the path has a control character, space or non-ASCII byte',
});
const BACKSLASH: PathRejection = Object.freeze({ reason: 'the path has a backslash (\\ or %5C)' });
const ENCODED_SLASH: PathRejection = Object.freeze({
  reason: 'the path has an encoded slash (%2F), which would not match routes as the upstream reads it',
});
const ENCODED_NUL: PathRejection = Object.freeze({ reason: 'the path has an encoded NUL (%00)' });
const BAD_ESCAPE: PathRejection = Object.freeze({
  reason: 'the path has a malformed percent-encoding (% not followed by two hex digits)',
});

/**
 * The normalized form of `rawPath` (origin-form, starting with `/`, no query), or why it is refused.
 * - Percent-encoded unreserved characters (letters, digits, `-` `.` `_` `~`) are decoded, so `%2e%2e`
 *   is `..`; other escapes are kept, with upper-case hex digits.
 * - `.` and `..` segments are resolved (never above the root) and empty segments (`//`) collapsed; a
 *   trailing `/` is kept.
 * - Refused: control characters, spaces and non-ASCII bytes; `\` and `%5C`; `%2F` (never decoded into a
 *   route match); `%00`; malformed escapes.
 * A path that needs none of this is returned as is, without allocating.
 */
export function normalizePath(rawPath: string): string | PathRejection {
  let work = false;
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return NOT_VISIBLE_ASCII;
    if (c === 0x5c) return BACKSLASH;
    if (c === 0x25 /* % */) work = true;
    else if (c === 0x2f /* / */) {
      const next = rawPath.charCodeAt(i + 1);
      if (next === 0x2f || next === 0x2e) work = true;
    }
  }
  if (!work) return rawPath;
  const decoded = decodeUnreserved(rawPath);
  if (typeof decoded !== 'string') return decoded;
  return removeDotSegments(decoded);
}

function decodeUnreserved(path: string): string | PathRejection {
  if (!path.includes('%')) return path;
  let out = '';
  let from = 0;
  for (let i = path.indexOf('%'); i !== -1; i = path.indexOf('%', from)) {
    const high = hexValue(path.charCodeAt(i + 1));
    const low = hexValue(path.charCodeAt(i + 2));
    if (high < 0 || low < 0) return BAD_ESCAPE;
    const byte = high * 16 + low;
    if (byte === 0x2f) return ENCODED_SLASH;
    if (byte === 0x5c) return BACKSLASH;
    if (byte === 0) return ENCODED_NUL;
    out += path.slice(from, i);
    out += isUnreserved(byte) ? String.fromCharCode(byte) : `%${path.slice(i + 1, i + 3).toUpperCase()}`;
    from = i + 3;
  }
  return out + path.slice(from);
}

/** RFC 3986 dot-segment removal, also collapsing empty segments. `path` starts with `/`. */
function removeDotSegments(path: string): string {
  const segments = path.split('/');
  const out: string[] = [];
  let trailingSlash = false;
  // segments[0] is the empty string before the leading '/'.
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '' || segment === '.') {
      trailingSlash = last;
    } else if (segment === '..') {
      out.pop();
      trailingSlash = last;
    } else {
      out.push(segment);
      trailingSlash = false;
    }
  }
  if (out.length === 0) return '/';
  return `/${out.join('/')}${trailingSlash ? '/' : ''}`;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function isUnreserved(byte: number): boolean {
  const lower = byte | 0x20;
  return (
    (lower >= 0x61 && lower <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e
  );
}
