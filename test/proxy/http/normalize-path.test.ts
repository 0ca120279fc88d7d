import { describe, expect, it } from 'vitest';
import { normalizePath } from '../../../proxy/http/normalize-path.js';

describe('normalizePath', () => {
  it('returns a clean path unchanged, as the same string', () => {
    const path = '/api/v1/items/42';
    expect(normalizePath(path)).toBe(path);
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('/a/b/')).toBe('/a/b/');
  });

  const cases: [string, string][] = [
    ['/a/../b', '/b'],
    ['/a/b/..', '/a/'],
    ['/..', '/'],
    ['/../../..', '/'],
    ['/a/../../b', '/b'],
    ['//', '/'],
    ['//x//y', '/x/y'],
    ['/./a/./b', '/a/b'],
    ['/a/.', '/a/'],
    ['/.well-known/x', '/.well-known/x'],
    ['/a/..b/c', '/a/..b/c'],
    ['/%2e%2e/x', '/x'],
    ['/a/%2E/b', '/a/b'],
    ['/a/.%2e/b', '/b'],
    ['/%7Euser/%41%5a', '/~user/AZ'],
    ['/a%3ab', '/a%3Ab'],
    ['/a%20b', '/a%20b'],
    ['/caf%c3%a9', '/caf%C3%A9'],
  ];
  for (const [raw, expected] of cases) {
    it(`normalizes ${raw} to ${expected}`, () => {
      expect(normalizePath(raw)).toBe(expected);
    });
  }

  const refused: [string, RegExp][] = [
    ['/a%2Fb', /encoded slash/],
    ['/a%2fb', /encoded slash/],
    ['/a%5cb', /backslash/],
    ['/a\\b', /backslash/],
    ['/a%00', /encoded NUL/],
    ['/a%', /malformed/],
    ['/a%4', /malformed/],
    ['/a%g1', /malformed/],
    ['/a b', /control character, space or non-ASCII/],
    ['/a\tb', /control character/],
    ['/a\x7fb', /control character/],
    ['/caf\u00e9', /non-ASCII/],
  ];
  for (const [raw, reason] of refused) {
    it(`refuses ${JSON.stringify(raw)}`, () => {
      const result = normalizePath(raw);
      expect(typeof result).toBe('object');
      expect((result as { reason: string }).reason).toMatch(reason);
    });
  }
});
