import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DispatchOptions } from '../../../../proxy/upstream/h1/dispatch.js';
import { UpstreamHttpError } from '../../../../proxy/upstream/h1/errors.js';
import { serializeHead } from '../../../../proxy/upstream/h1/request-head.js';

const AUTHORITY = '10.0.0.7:8080';

function options(overrides: Partial<DispatchOptions> = {}): DispatchOptions {
  return { method: 'GET', path: '/', headers: [], body: null, idleTimeoutMs: 0, ...overrides };
}

/** The error serializing `overrides` throws, checked to be an invalid-request refusal. */
function refusal(overrides: Partial<DispatchOptions>): UpstreamHttpError {
  let caught: unknown;
  try {
    serializeHead(options(overrides), AUTHORITY);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(UpstreamHttpError);
  const err = caught as UpstreamHttpError;
  expect(err.code).toBe('UPSTREAM_INVALID_REQUEST');
  return err;
}

describe('serializeHead', () => {
  it('writes a GET without a body with no framing header', () => {
    const { head, chunked } = serializeHead(
      options({ path: '/a/b?c=1&d=%20', headers: ['Accept', 'text/plain', 'X-Trace', 'abc'] }),
      AUTHORITY,
    );
    expect(head).toBe(
      'GET /a/b?c=1&d=%20 HTTP/1.1\r\nAccept: text/plain\r\nX-Trace: abc\r\nhost: 10.0.0.7:8080\r\n\r\n',
    );
    expect(chunked).toBe(false);
  });

  it.each(['GET', 'HEAD', 'DELETE', 'OPTIONS'])('adds no Content-Length to a %s without a body', (method) => {
    const { head } = serializeHead(options({ method }), AUTHORITY);
    expect(head).toBe(`${method} / HTTP/1.1\r\nhost: 10.0.0.7:8080\r\n\r\n`);
  });

  it.each(['POST', 'PUT', 'PATCH'])('sends a %s without a body with content-length: 0', (method) => {
    const { head, chunked } = serializeHead(options({ method }), AUTHORITY);
    expect(head).toBe(`${method} / HTTP/1.1\r\nhost: 10.0.0.7:8080\r\ncontent-length: 0\r\n\r\n`);
    expect(chunked).toBe(false);
  });

  it('gives a Buffer body its length', () => {
    const { head, chunked } = serializeHead(
      options({ method: 'POST', body: Buffer.from('h\xe9llo', 'utf8') }),
      AUTHORITY,
    );
    expect(head).toBe('POST / HTTP/1.1\r\nhost: 10.0.0.7:8080\r\ncontent-length: 6\r\n\r\n');
    expect(chunked).toBe(false);
  });

  it('gives an empty Buffer body content-length: 0, whatever the method', () => {
    const { head } = serializeHead(options({ method: 'GET', body: Buffer.alloc(0) }), AUTHORITY);
    expect(head).toBe('GET / HTTP/1.1\r\nhost: 10.0.0.7:8080\r\ncontent-length: 0\r\n\r\n');
  });

  it('keeps a given Content-Length for a Buffer body and adds none', () => {
    const { head, chunked } = serializeHead(
      options({ method: 'POST', body: Buffer.from('hello'), headers: ['Content-Length', '5'] }),
      AUTHORITY,
    );
    expect(head).toBe('POST / HTTP/1.1\r\nContent-Length: 5\r\nhost: 10.0.0.7:8080\r\n\r\n');
    expect(chunked).toBe(false);
  });

  it('keeps a given content-length for a body-less POST and adds none', () => {
    const { head } = serializeHead(options({ method: 'POST', headers: ['content-length', '0'] }), AUTHORITY);
    expect(head).toBe('POST / HTTP/1.1\r\ncontent-length: 0\r\nhost: 10.0.0.7:8080\r\n\r\n');
  });

  it('sends a stream body chunked', () => {
    const { head, chunked } = serializeHead(options({ method: 'POST', body: new PassThrough() }), AUTHORITY);
    expect(head).toBe('POST / HTTP/1.1\r\nhost: 10.0.0.7:8080\r\ntransfer-encoding: chunked\r\n\r\n');
    expect(chunked).toBe(true);
  });

  it('sends a stream body with a given Content-Length as is, not chunked', () => {
    const { head, chunked } = serializeHead(
      options({ method: 'PUT', body: new PassThrough(), headers: ['CONTENT-LENGTH', '42'] }),
      AUTHORITY,
    );
    expect(head).toBe('PUT / HTTP/1.1\r\nCONTENT-LENGTH: 42\r\nhost: 10.0.0.7:8080\r\n\r\n');
    expect(chunked).toBe(false);
  });

  it('adds Host from the authority only when absent, in any case', () => {
    expect(serializeHead(options({ headers: ['Host', 'example.com'] }), AUTHORITY).head).toBe(
      'GET / HTTP/1.1\r\nHost: example.com\r\n\r\n',
    );
    expect(serializeHead(options({ headers: ['HOST', 'example.com:81'] }), AUTHORITY).head).toBe(
      'GET / HTTP/1.1\r\nHOST: example.com:81\r\n\r\n',
    );
    expect(serializeHead(options({ headers: ['X-Host', 'nope'] }), '[::1]:9000').head).toBe(
      'GET / HTTP/1.1\r\nX-Host: nope\r\nhost: [::1]:9000\r\n\r\n',
    );
  });

  it('keeps header order, case, duplicates and latin1 values', () => {
    const { head } = serializeHead(
      options({ headers: ['Cookie', 'a=1', 'cookie', 'b=2', 'X-Latin', 'caf\xe9', 'X-Tab', 'a\tb'] }),
      AUTHORITY,
    );
    expect(head).toBe(
      'GET / HTTP/1.1\r\nCookie: a=1\r\ncookie: b=2\r\nX-Latin: caf\xe9\r\nX-Tab: a\tb\r\nhost: 10.0.0.7:8080\r\n\r\n',
    );
  });

  it('accepts any token as a method', () => {
    expect(serializeHead(options({ method: 'PROPFIND' }), AUTHORITY).head).toMatch(
      /^PROPFIND \/ HTTP\/1\.1\r\n/,
    );
  });

  describe('refusals', () => {
    it.each([
      ['CR', 'a\rb'],
      ['LF', 'a\nb'],
      ['CRLF', 'a\r\nX-Injected: 1'],
      ['NUL', 'a\0b'],
    ])('refuses a header value with %s', (_what, value) => {
      const err = refusal({ headers: ['X-Ok', 'fine', 'X-Bad', value] });
      expect(err.message).toMatch(/the X-Bad header's value has a CR, LF or NUL/);
    });

    it.each(['X Bad', 'X-Bad:', '', 'X-Bad\r\n', 'X(Bad)', 'X-B\xe9d'])(
      'refuses the header name %j',
      (name) => {
        const err = refusal({ headers: [name, 'value'] });
        expect(err.message).toMatch(/the header name .* is not a token/);
      },
    );

    it.each(['G ET', 'GET\r\n', '', 'GET /', 'G(ET)'])('refuses the method %j', (method) => {
      const err = refusal({ method });
      expect(err.message).toMatch(/the method .* is not a token/);
    });

    it.each(['/a b', '/a\tb', '/a\r\nX-Injected: 1', '/a\0', '', '/caf\xe9'])(
      'refuses the path %j',
      (path) => {
        const err = refusal({ path });
        expect(err.message).toMatch(/the target .* has a space or control character/);
      },
    );
  });
});
