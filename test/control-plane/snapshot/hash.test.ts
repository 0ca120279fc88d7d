import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, contentHash } from '../../../control-plane/snapshot/index.js';

describe('canonicalJson', () => {
  it('sorts object keys at every depth, keeps array order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, A: null })).toBe(
      '{"A":null,"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('keeps a __proto__ key as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":2}'))).toBe('{"__proto__":{"x":1},"a":2}');
  });
});

describe('contentHash', () => {
  it('is the base64url sha256 of the canonical JSON, equal for equal content in any key order', () => {
    const expected = createHash('sha256').update('{"a":1,"b":[2,1]}').digest('base64url');
    expect(contentHash({ b: [2, 1], a: 1 })).toBe(expected);
    expect(contentHash({ a: 1, b: [2, 1] })).toBe(expected);
    expect(contentHash({ a: 1, b: [1, 2] })).not.toBe(expected);
    expect(expected).toHaveLength(43);
  });
});
