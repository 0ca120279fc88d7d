// Header conditions compiled once per snapshot and evaluated against a request's raw header array.

import type { HeaderMatch } from '../../control-plane/snapshot/index.js';

/** A header condition ready to evaluate: regexes compiled, ranges as numbers. */
export interface CompiledHeaderMatch {
  readonly name: string;
  readonly invert: boolean;
  readonly kind: HeaderMatch['match']['kind'];
  /** For `exact`, `prefix` and `suffix`. */
  readonly value: string;
  /** For `regex`, anchored to the whole value. */
  readonly regex: RegExp | undefined;
  /** For `range`: `start <= n < end`. */
  readonly start: number;
  readonly end: number;
}

/**
 * Compiles one header condition. Returns `undefined` when its regex does not compile here (the compiler
 * checks this, so only a hand-made snapshot gets there): the caller then answers 503 for the route.
 */
export function compileHeaderMatch(header: HeaderMatch): CompiledHeaderMatch | undefined {
  const { match } = header;
  let regex: RegExp | undefined;
  if (match.kind === 'regex') {
    regex = compileWholeMatch(match.pattern);
    if (regex === undefined) return undefined;
  }
  return {
    name: header.name,
    invert: header.invert,
    kind: match.kind,
    value: match.kind === 'exact' || match.kind === 'prefix' || match.kind === 'suffix' ? match.value : '',
    regex,
    start: match.kind === 'range' ? match.start : 0,
    end: match.kind === 'range' ? match.end : 0,
  };
}

/**
 * `pattern` anchored to match a whole string, as Envoy's `safe_regex` does; `undefined` if it does not
 * compile. It is first compiled alone, as the compiler checks it: a pattern such as `a)|(b` does not, yet
 * would once wrapped, with another meaning.
 */
export function compileWholeMatch(pattern: string): RegExp | undefined {
  try {
    new RegExp(pattern);
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
}

/** Whether the condition holds for these raw headers (`invert` applied: a missing header then holds). */
export function headerMatches(match: CompiledHeaderMatch, rawHeaders: readonly string[]): boolean {
  const value = headerValue(rawHeaders, match.name);
  return valueMatches(match, value) !== match.invert;
}

function valueMatches(match: CompiledHeaderMatch, value: string | undefined): boolean {
  if (value === undefined) return false;
  switch (match.kind) {
    case 'present':
      return true;
    case 'exact':
      return value === match.value;
    case 'prefix':
      return value.startsWith(match.value);
    case 'suffix':
      return value.endsWith(match.value);
    case 'regex':
      return match.regex!.test(value);
    case 'range': {
      const n = parseInteger(value);
      return n !== undefined && match.start <= n && n < match.end;
    }
  }
}

/**
 * The value of header `name` (lower-case) in `rawHeaders`, compared case-insensitively. A header sent
 * several times gives its values joined with `,` (no space), in the order received, as Envoy matches
 * them; `undefined` when it is absent.
 */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const candidate = rawHeaders[i]!;
    if (candidate.length !== name.length) continue;
    if (candidate !== name && candidate.toLowerCase() !== name) continue;
    const value = rawHeaders[i + 1]!;
    found = found === undefined ? value : `${found},${value}`;
  }
  return found;
}

/** A decimal integer with an optional sign, nothing else; `undefined` otherwise. */
function parseInteger(value: string): number | undefined {
  const first = value.charCodeAt(0);
  const start = first === 0x2d || first === 0x2b ? 1 : 0;
  if (value.length === start || value.length - start > 19) return undefined;
  for (let i = start; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
  }
  return Number(value);
}
