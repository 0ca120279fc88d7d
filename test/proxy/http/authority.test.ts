import { describe, expect, it } from 'vitest';
import { formatAuthority, parseAuthority } from '../../../proxy/http/authority.js';

describe('parseAuthority', () => {
  const valid: [string, string, number | undefined][] = [
    ['svc', 'svc', undefined],
    ['Colors.Demo.Local:8080', 'colors.demo.local', 8080],
    ['svc:', 'svc', undefined],
    ['10.0.0.1:65535', '10.0.0.1', 65535],
    ['[::1]', '::1', undefined],
    ['[FE80::1]:80', 'fe80::1', 80],
    ['my_host-1.internal~x', 'my_host-1.internal~x', undefined],
  ];
  for (const [text, host, port] of valid) {
    it(`parses ${text}`, () => {
      expect(parseAuthority(text)).toEqual({ host, port });
    });
  }

  const invalid = [
    '',
    ':80',
    'svc:0',
    'svc:65536',
    'svc:123456',
    'svc:8o',
    'a:1:2',
    '[::1',
    '[::1]x',
    '[zz::1]',
    'user@svc',
    'a b',
    'svc/x',
    'sv%63',
  ];
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      expect(parseAuthority(text)).toBeUndefined();
    });
  }
});

describe('formatAuthority', () => {
  it('brackets IPv6 and adds the port when there is one', () => {
    expect(formatAuthority({ host: 'svc', port: undefined })).toBe('svc');
    expect(formatAuthority({ host: 'svc', port: 8080 })).toBe('svc:8080');
    expect(formatAuthority({ host: '::1', port: 80 })).toBe('[::1]:80');
  });
});
