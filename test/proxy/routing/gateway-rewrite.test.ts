import { describe, expect, it } from 'vitest';
import type { GatewayRoute } from '../../../control-plane/snapshot/index.js';
import { compilePathRewrite } from '../../../proxy/routing/gateway-rewrite.js';

function rewriteOf(path: GatewayRoute['match']['path'], rewrite: GatewayRoute['rewrite']['path']) {
  return compilePathRewrite({
    match: { path, headers: [], queryParameters: [] },
    rewrite: rewrite === undefined ? {} : { path: rewrite },
  });
}

describe('compilePathRewrite', () => {
  it("follows App Mesh's example: prefix /chapter rewritten to / turns /chapter/1 into /1", () => {
    const rewrite = rewriteOf({ kind: 'prefix', value: '/chapter' }, { kind: 'prefix', value: '/' });
    expect(rewrite('/chapter/1')).toBe('/1');
    expect(rewrite('/chapter')).toBe('/');
    expect(rewrite('/chapter/')).toBe('/');
    expect(rewrite('/chapters')).toBe('/s');
  });

  it('drops a slash only when the value ends with one and the rest starts with one', () => {
    const withSlash = rewriteOf({ kind: 'prefix', value: '/old' }, { kind: 'prefix', value: '/new/' });
    expect(withSlash('/old/a')).toBe('/new/a');
    expect(withSlash('/olda')).toBe('/new/a');
    const withoutSlash = rewriteOf({ kind: 'prefix', value: '/old' }, { kind: 'prefix', value: '/new' });
    expect(withoutSlash('/old/a')).toBe('/new/a');
    expect(withoutSlash('/olda')).toBe('/newa');
    expect(withoutSlash('/old')).toBe('/new');
    const fromSlashPrefix = rewriteOf({ kind: 'prefix', value: '/old/' }, { kind: 'prefix', value: '/' });
    expect(fromSlashPrefix('/old/a/b')).toBe('/a/b');
  });

  it('replaces the whole path for an exact rewrite', () => {
    const rewrite = rewriteOf({ kind: 'exact', value: '/old' }, { kind: 'exact', value: '/new' });
    expect(rewrite('/old')).toBe('/new');
  });

  it('leaves the path unchanged without a rewrite, or for a prefix rewrite of a match that has no prefix', () => {
    expect(rewriteOf({ kind: 'prefix', value: '/a' }, undefined)('/a/b')).toBe('/a/b');
    expect(rewriteOf({ kind: 'regex', pattern: '/a/.*' }, { kind: 'prefix', value: '/' })('/a/b')).toBe(
      '/a/b',
    );
  });
});
