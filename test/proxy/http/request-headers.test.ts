import { describe, expect, it } from 'vitest';
import { requestHeadersForUpstream } from '../../../proxy/http/request-headers.js';

const options = { clientAddress: '10.0.0.7', scheme: 'http', host: 'colors.demo.local:8080' } as const;

/** The flat array as [name, value] pairs, for readable assertions. */
function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

describe('requestHeadersForUpstream', () => {
  it('drops hop-by-hop headers and keeps the rest in order, names as received', () => {
    const raw = [
      'Host',
      'colors.demo.local:8080',
      'Accept',
      'application/json',
      'Connection',
      'keep-alive',
      'Keep-Alive',
      'timeout=5',
      'Proxy-Connection',
      'keep-alive',
      'Proxy-Authorization',
      'Basic eA==',
      'TE',
      'trailers',
      'Trailer',
      'x-checksum',
      'Transfer-Encoding',
      'chunked',
      'Upgrade',
      'websocket',
      'X-Custom',
      'a',
      'x-custom',
      'b',
    ];
    expect(pairs(requestHeadersForUpstream(raw, options))).toEqual([
      ['Accept', 'application/json'],
      ['X-Custom', 'a'],
      ['x-custom', 'b'],
      ['host', 'colors.demo.local:8080'],
      ['x-forwarded-for', '10.0.0.7'],
      ['x-forwarded-proto', 'http'],
    ]);
  });

  it('drops every header named in Connection, in any case, across several Connection headers', () => {
    const raw = [
      'Connection',
      'X-Secret, keep-alive',
      'connection',
      ' x-other ',
      'x-secret',
      'hop',
      'X-Other',
      'hop',
      'X-Kept',
      'end-to-end',
    ];
    const names = pairs(requestHeadersForUpstream(raw, options)).map(([name]) => name.toLowerCase());
    expect(names).not.toContain('x-secret');
    expect(names).not.toContain('x-other');
    expect(names).toContain('x-kept');
  });

  it('replaces a spoofed X-Forwarded-For and X-Forwarded-Proto by its own', () => {
    const raw = [
      'X-Forwarded-For',
      '1.2.3.4, 5.6.7.8',
      'x-forwarded-for',
      '9.9.9.9',
      'X-Forwarded-Proto',
      'https',
    ];
    const out = pairs(requestHeadersForUpstream(raw, { ...options, scheme: 'https' }));
    expect(out.filter(([name]) => name.toLowerCase() === 'x-forwarded-for')).toEqual([
      ['x-forwarded-for', '10.0.0.7'],
    ]);
    expect(out.filter(([name]) => name.toLowerCase() === 'x-forwarded-proto')).toEqual([
      ['x-forwarded-proto', 'https'],
    ]);
  });

  it('drops x-tessera-* headers from the client', () => {
    const raw = ['X-Tessera-Local-Reply', 'true', 'x-tessera-route', 'admin', 'X-Tesserae', 'kept'];
    const names = pairs(requestHeadersForUpstream(raw, options)).map(([name]) => name);
    expect(names).toEqual(['X-Tesserae', 'host', 'x-forwarded-for', 'x-forwarded-proto']);
  });

  it('keeps X-Amzn-Trace-Id as sent', () => {
    const trace = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const out = pairs(requestHeadersForUpstream(['X-Amzn-Trace-Id', trace], options));
    expect(out[0]).toEqual(['X-Amzn-Trace-Id', trace]);
  });

  it('sends exactly one Host, the given one', () => {
    const raw = ['Host', 'other.example', 'HOST', 'evil.example'];
    const out = pairs(requestHeadersForUpstream(raw, options));
    expect(out.filter(([name]) => name.toLowerCase() === 'host')).toEqual([
      ['host', 'colors.demo.local:8080'],
    ]);
  });

  it('drops Expect, which Node has already answered', () => {
    const raw = ['Expect', '100-continue', 'Content-Length', '5'];
    expect(pairs(requestHeadersForUpstream(raw, options)).slice(0, 1)).toEqual([['Content-Length', '5']]);
  });
});
