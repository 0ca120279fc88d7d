import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpLimits } from '../../../proxy/http/limits.js';
import { localReply } from '../../../proxy/http/local-reply.js';
import { type AcceptedRequestHead, checkRequestHead } from '../../../proxy/http/request-head.js';
import { requestHeadersForUpstream } from '../../../proxy/http/request-headers.js';
import { type HttpServer, startHttpServer } from '../../../proxy/http/server/index.js';
import { get, rawExchange } from './raw-http.js';

// Short timeouts so the 408 case is quick; the other limits are the defaults (100 headers, 60 KiB).
const limits = httpLimits({ headersTimeoutMs: 400, requestTimeoutMs: 2_000, timeoutCheckIntervalMs: 100 });

let server: HttpServer;
let port: number;
/** Requests that passed every check: what a proxy would have forwarded. */
let forwarded = 0;

interface Echo {
  readonly head: AcceptedRequestHead;
  readonly upstreamHeaders: string[];
}

beforeAll(async () => {
  server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    limits,
    handle: (req, res) => {
      const head = checkRequestHead(req);
      if (!head.ok) {
        localReply(res, head.status, head.reason, { close: true });
        return;
      }
      forwarded++;
      const upstreamHeaders = requestHeadersForUpstream(req.rawHeaders, {
        clientAddress: req.socket.remoteAddress ?? '',
        scheme: head.scheme,
        host: head.hostHeader,
      });
      req.body.resume();
      res.writeHead(200, ['content-type', 'application/json']);
      res.end(JSON.stringify({ head, upstreamHeaders } satisfies Echo));
    },
  });
  port = server.port;
});

afterAll(async () => {
  await server.drain(0);
});

beforeEach(() => {
  forwarded = 0;
});

async function accepted(raw: string): Promise<Echo> {
  const response = await rawExchange(port, raw);
  expect(response.status, response.text).toBe(200);
  expect(forwarded).toBe(1);
  return JSON.parse(response.body) as Echo;
}

async function rejected(raw: string, status: number, reason?: RegExp): Promise<void> {
  const response = await rawExchange(port, raw);
  expect(response.status, response.text).toBe(status);
  // The stream cannot be trusted after a bad head: the server closes the connection, forwarding nothing.
  expect(response.closed).toBe(true);
  expect(forwarded).toBe(0);
  if (reason !== undefined) {
    expect(response.headers['x-tessera-local-reply']).toBe('true');
    expect(JSON.parse(response.body).message).toMatch(reason);
  }
}

describe('request smuggling and malformed heads, refused by the request parser', () => {
  const cases: [string, string, number][] = [
    [
      'Content-Length with Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
    ],
    [
      'two different Content-Length',
      'POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd',
      400,
    ],
    [
      'two equal Content-Length',
      'POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc',
      400,
    ],
    ['a malformed Content-Length', 'POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 1,1\r\n\r\na', 400],
    [
      'chunked not last',
      'POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n',
      400,
    ],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: svc\r\nX-A: b\r\n c\r\n\r\n', 400],
    ['NUL in a header value', 'GET / HTTP/1.1\r\nHost: svc\r\nX-A: b\0c\r\n\r\n', 400],
    ['NUL in the target', 'GET /a\0b HTTP/1.1\r\nHost: svc\r\n\r\n', 400],
    ['a control character in the target', 'GET /a\x01b HTTP/1.1\r\nHost: svc\r\n\r\n', 400],
    ['a bare CR', 'GET / HTTP/1.1\r\nHost: svc\r\nX-A: b\rc\r\n\r\n', 400],
    ['a bare LF', 'GET / HTTP/1.1\r\nHost: svc\r\nX-A: b\nX-B: c\r\n\r\n', 400],
    ['an HTTP/1.1 request without Host', 'GET / HTTP/1.1\r\nX-A: b\r\n\r\n', 400],
    [
      'a header block over 60 KiB',
      `GET / HTTP/1.1\r\nHost: svc\r\nX-Big: ${'x'.repeat(70 * 1024)}\r\n\r\n`,
      431,
    ],
  ];
  for (const [what, raw, status] of cases) {
    it(`answers ${status} and closes for ${what}`, async () => {
      await rejected(raw, status);
    });
  }

  it('answers 408 and closes when the headers are too slow', async () => {
    const started = Date.now();
    const response = await rawExchange(port, 'GET / HTTP/1.1\r\nHost: svc\r\n', { idleMs: 3_000 });
    const elapsed = Date.now() - started;
    expect(response.status).toBe(408);
    expect(response.closed).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(1_500);
    expect(forwarded).toBe(0);
  });
});

describe('checkRequestHead: what the parser lets through', () => {
  it('answers 400 for a duplicate Host, and does not answer a request pipelined behind it', async () => {
    const raw = `GET / HTTP/1.1\r\nHost: svc\r\nHost: evil\r\n\r\n${get('/second')}`;
    const response = await rawExchange(port, raw);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body).message).toMatch(/more than one Host/);
    expect(response.text.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    expect(response.closed).toBe(true);
    expect(forwarded).toBe(0);
  });

  it('answers 400 for a Host in different case repeated', async () => {
    await rejected('GET / HTTP/1.1\r\nHOST: svc\r\nhost: svc\r\n\r\n', 400, /more than one Host/);
  });

  it('answers 431 for 101 headers and accepts 100', async () => {
    const extra = (n: number) => Array.from({ length: n }, (_, i) => `X-H${i}: v`);
    await rejected(get('/', 'svc', extra(100)), 431, /more than 100 headers/);
    const echo = await accepted(get('/', 'svc', extra(99)));
    expect(echo.head.path).toBe('/');
  });

  it('answers 400 for a Transfer-Encoding other than chunked', async () => {
    await rejected(
      'POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: gzip\r\n\r\nabc',
      400,
      /Transfer-Encoding must be exactly "chunked"/,
    );
    await rejected(
      'POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      /Transfer-Encoding/,
    );
  });

  it('answers 400 for Transfer-Encoding on HTTP/1.0', async () => {
    await rejected(
      'POST / HTTP/1.0\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      /HTTP\/1\.0 request cannot use Transfer-Encoding/,
    );
  });

  it('answers 400 for an HTTP/1.0 request without Host, or an empty or malformed Host', async () => {
    await rejected('GET / HTTP/1.0\r\n\r\n', 400, /no Host/);
    await rejected('GET / HTTP/1.1\r\nHost:\r\n\r\n', 400, /no Host/);
    await rejected(get('/', 'svc:99999'), 400, /not a valid host/);
    await rejected(get('/', 'svc:80:80'), 400, /not a valid host/);
  });

  it('answers 505 for an HTTP version other than 1.0 and 1.1', async () => {
    await rejected('GET / HTTP/2.0\r\nHost: svc\r\n\r\n', 505, /HTTP\/2\.0 is not supported/);
  });

  it('answers 400 for the asterisk form and 405 for CONNECT', async () => {
    await rejected('OPTIONS * HTTP/1.1\r\nHost: svc\r\n\r\n', 400, /asterisk-form/);
    await rejected('CONNECT svc:443 HTTP/1.1\r\nHost: svc:443\r\n\r\n', 405, /CONNECT is not supported/);
  });

  it('answers 400 for a fragment and for userinfo', async () => {
    await rejected(get('/a#b'), 400, /fragment/);
    await rejected('GET http://user@svc/ HTTP/1.1\r\nHost: svc\r\n\r\n', 400, /userinfo/);
  });

  it('keeps the connection open for good requests', async () => {
    const response = await rawExchange(port, get('/one') + get('/two'));
    expect(response.text.match(/HTTP\/1\.1 200/g)).toHaveLength(2);
    expect(response.closed).toBe(false);
    expect(forwarded).toBe(2);
  });
});

describe('checkRequestHead: the body length', () => {
  it('is the Content-Length', async () => {
    const echo = await accepted('POST /p HTTP/1.1\r\nHost: svc\r\nContent-Length: 5\r\n\r\nhello');
    expect(echo.head.bodyLength).toBe(5);
  });

  it('is -1 for a chunked body', async () => {
    const echo = await accepted(
      'POST /p HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    expect(echo.head.bodyLength).toBe(-1);
  });

  it('is 0 without either header', async () => {
    expect((await accepted(get('/p', 'svc'))).head.bodyLength).toBe(0);
  });
});

describe('checkRequestHead: the authority', () => {
  it('takes the Host header for an origin-form target, lower-cased', async () => {
    const echo = await accepted(get('/p?q=1', 'Colors.Demo.Local:8080'));
    expect(echo.head).toEqual({
      ok: true,
      authority: { host: 'colors.demo.local', port: 8080 },
      hostHeader: 'colors.demo.local:8080',
      scheme: 'http',
      path: '/p',
      query: 'q=1',
      bodyLength: 0,
    });
  });

  it('routes an absolute-form target on its own authority and forwards that one as Host', async () => {
    const echo = await accepted('GET http://svc:8080/p?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\n');
    expect(echo.head.authority).toEqual({ host: 'svc', port: 8080 });
    expect(echo.head.path).toBe('/p');
    expect(echo.head.query).toBe('q=1');
    const hosts = echo.upstreamHeaders.filter(
      (_, i) => i % 2 === 0 && echo.upstreamHeaders[i]!.toLowerCase() === 'host',
    );
    expect(hosts).toHaveLength(1);
    expect(echo.upstreamHeaders[echo.upstreamHeaders.indexOf('host') + 1]).toBe('svc:8080');
    expect(echo.upstreamHeaders).not.toContain('other.example');
  });

  it('reads the scheme of an absolute-form target, and an empty path as /', async () => {
    const echo = await accepted('GET HTTPS://Svc.Example HTTP/1.1\r\nHost: svc.example\r\n\r\n');
    expect(echo.head).toMatchObject({
      scheme: 'https',
      authority: { host: 'svc.example' },
      path: '/',
      query: '',
    });
    expect(echo.head.authority.port).toBeUndefined();
  });

  it('accepts an IPv6 literal', async () => {
    const echo = await accepted(get('/', '[::1]:8080'));
    expect(echo.head.authority).toEqual({ host: '::1', port: 8080 });
    expect(echo.head.hostHeader).toBe('[::1]:8080');
  });
});

describe('checkRequestHead: the path', () => {
  const normalized: [string, string][] = [
    ['/a/../b', '/b'],
    ['//x', '/x'],
    ['/a//b///c', '/a/b/c'],
    ['/%2e%2e/%2E%2E/etc/passwd', '/etc/passwd'],
    ['/api/%2e%2e/admin', '/admin'],
    ['/a/./b/.', '/a/b/'],
    ['/%61pi/x', '/api/x'],
  ];
  for (const [raw, path] of normalized) {
    it(`matches ${raw} as ${path}`, async () => {
      const echo = await accepted(get(raw));
      expect(echo.head.path).toBe(path);
    });
  }

  it('keeps the query as sent, even with an encoded slash', async () => {
    const echo = await accepted(get('/a/../b?next=%2Fhome&x'));
    expect(echo.head.path).toBe('/b');
    expect(echo.head.query).toBe('next=%2Fhome&x');
  });

  const refused: [string, RegExp][] = [
    ['/api%2Fadmin', /encoded slash/],
    ['/api%2fadmin', /encoded slash/],
    ['/api%5Cadmin', /backslash/],
    ['/api\\admin', /backslash/],
    ['/a%00b', /encoded NUL/],
    ['/a%zz', /malformed percent-encoding/],
  ];
  for (const [raw, reason] of refused) {
    it(`answers 400 for ${raw}`, async () => {
      await rejected(get(raw), 400, reason);
    });
  }
});
