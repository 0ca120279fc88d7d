// H1Pool against real sockets on 127.0.0.1: raw TCP servers that write handcrafted responses, and node:http.

import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DispatchOptions } from '../../../../proxy/upstream/h1/dispatch.js';
import { H1Pool, type H1PoolOptions } from '../../../../proxy/upstream/h1/pool.js';

const POOL_OPTIONS: H1PoolOptions = {
  connections: Infinity,
  keepAliveTimeoutMs: 4000,
  keepAliveMaxTimeoutMs: 60000,
  connectTimeoutMs: 2000,
  limits: { maxHeaderBytes: 61440, maxHeaderCount: 100 },
};

// ---------------------------------------------------------------------------------------------------------
// Cleanup: servers first (their sockets destroyed, so nothing stays in flight), then pools.

const servers: Array<() => Promise<void>> = [];
const pools: H1Pool[] = [];

afterEach(async () => {
  while (servers.length > 0) await servers.pop()!();
  for (const pool of pools.splice(0)) {
    if (!pool.closed) await Promise.race([pool.close(), delay(2000)]);
  }
});

function pool(port: number, overrides: Partial<H1PoolOptions> = {}): H1Pool {
  const created = new H1Pool('127.0.0.1', port, { ...POOL_OPTIONS, ...overrides });
  pools.push(created);
  return created;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets pending I/O callbacks and timers due now run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

// ---------------------------------------------------------------------------------------------------------
// One request through the pool, recorded.

type CodedError = Error & { code?: string };

interface Outcome {
  status: number | undefined;
  headers: string[] | undefined;
  body: Buffer[];
  /** `onData` calls. */
  chunks: number;
  complete: boolean;
  error: CodedError | undefined;
  /** `onConnect` was called (before the end, whichever it was). */
  connected: boolean;
  /** Every callback, in order, including any after the end (there must be none). */
  events: string[];
  elapsedMs: number;
  /** The `abort` given to `onConnect`, and the `resume` given to `onHeaders`. */
  abort: ((reason: Error) => void) | undefined;
  resume: (() => void) | undefined;
}

interface Hooks {
  onConnect?(abort: (reason: Error) => void, outcome: Outcome): void;
  onHeaders?(status: number, headers: string[], outcome: Outcome): boolean;
  /** Called after the chunk is recorded. */
  onData?(chunk: Buffer, outcome: Outcome): boolean;
}

type Sent = Promise<Outcome> & { readonly outcome: Outcome };

const bodyText = (outcome: Outcome): string => Buffer.concat(outcome.body).toString('latin1');

/** Dispatches one request; the promise settles (never rejects) at `onComplete` or `onError`. */
function send(target: H1Pool, options: Partial<DispatchOptions> = {}, hooks: Hooks = {}): Sent {
  const started = performance.now();
  const outcome: Outcome = {
    status: undefined,
    headers: undefined,
    body: [],
    chunks: 0,
    complete: false,
    error: undefined,
    connected: false,
    events: [],
    elapsedMs: 0,
    abort: undefined,
    resume: undefined,
  };
  const promise = new Promise<Outcome>((resolve) => {
    target.dispatch(
      { method: 'GET', path: '/', headers: [], body: null, idleTimeoutMs: 0, ...options },
      {
        onConnect(abort) {
          outcome.events.push('connect');
          outcome.connected = true;
          outcome.abort = abort;
          hooks.onConnect?.(abort, outcome);
        },
        onHeaders(status, headers, resume) {
          outcome.events.push('headers');
          outcome.status = status;
          outcome.headers = headers;
          outcome.resume = resume;
          return hooks.onHeaders?.(status, headers, outcome) ?? true;
        },
        onData(chunk) {
          outcome.events.push('data');
          outcome.chunks++;
          outcome.body.push(Buffer.from(chunk));
          return hooks.onData?.(chunk, outcome) ?? true;
        },
        onComplete() {
          outcome.events.push('complete');
          outcome.complete = true;
          outcome.elapsedMs = performance.now() - started;
          resolve(outcome);
        },
        onError(err) {
          outcome.events.push('error');
          outcome.error = err;
          outcome.elapsedMs = performance.now() - started;
          resolve(outcome);
        },
      },
    );
  });
  return Object.assign(promise, { outcome });
}

// ---------------------------------------------------------------------------------------------------------
// A raw TCP upstream: every request head (and Content-Length body) is handed to `respond`.

interface RawConnection {
  readonly index: number;
  readonly socket: Socket;
  /** Every byte the client sent on it. */
  received: Buffer;
  requests: number;
  isClosed: boolean;
  readonly closed: Promise<void>;
}

interface RawRequest {
  /** Over the whole server, from 0. */
  readonly index: number;
  readonly connection: RawConnection;
  readonly head: string;
  readonly method: string;
  readonly path: string;
  readonly body: Buffer;
  write(data: string | Buffer): void;
  end(data?: string | Buffer): void;
}

interface RawServer {
  readonly port: number;
  readonly connections: RawConnection[];
  readonly requests: RawRequest[];
  /** Resolves once `predicate` holds (checked on every connection, request and close). */
  until(predicate: () => boolean): Promise<void>;
  close(): Promise<void>;
}

const ok = (body: string, extra = ''): string =>
  `HTTP/1.1 200 OK\r\n${extra}Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n\r\n${body}`;

async function rawServer(respond: (request: RawRequest) => void = () => {}): Promise<RawServer> {
  const connections: RawConnection[] = [];
  const requests: RawRequest[] = [];
  const waiters: Array<{ predicate: () => boolean; resolve: () => void }> = [];
  const changed = () => {
    for (const waiter of [...waiters]) {
      if (waiter.predicate()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const server: Server = createServer((socket) => {
    let markClosed: () => void = () => {};
    const connection: RawConnection = {
      index: connections.length,
      socket,
      received: Buffer.alloc(0),
      requests: 0,
      isClosed: false,
      closed: new Promise<void>((resolve) => {
        markClosed = resolve;
      }),
    };
    connections.push(connection);
    let pending = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('close', () => {
      connection.isClosed = true;
      markClosed();
      changed();
    });
    socket.on('data', (data: Buffer) => {
      connection.received = Buffer.concat([connection.received, data]);
      pending = Buffer.concat([pending, data]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = pending.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const body = pending.subarray(end + 4, end + 4 + length);
        pending = pending.subarray(end + 4 + length);
        const [method = '', path = ''] = head.split(' ');
        connection.requests++;
        const request: RawRequest = {
          index: requests.length,
          connection,
          head,
          method,
          path,
          body,
          write: (chunk) => {
            if (!socket.destroyed) socket.write(chunk);
          },
          end: (chunk) => {
            if (socket.destroyed) return;
            if (chunk === undefined) socket.end();
            else socket.end(chunk);
          },
        };
        requests.push(request);
        respond(request);
        changed();
      }
    });
    changed();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => {
    for (const connection of connections) connection.socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  servers.push(close);
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    requests,
    until: (predicate) =>
      predicate() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ predicate, resolve })),
    close,
  };
}

// ---------------------------------------------------------------------------------------------------------
// A node:http upstream that records what it received.

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The request's body ended (false: the connection broke first). */
  readonly complete: boolean;
}

interface HttpServer {
  readonly port: number;
  connections: number;
  /** Requests whose head arrived. */
  started: number;
  readonly received: Received[];
  until(predicate: () => boolean): Promise<void>;
}

async function httpServer(): Promise<HttpServer> {
  const received: Received[] = [];
  const state = { connections: 0, started: 0 };
  const waiters: Array<{ predicate: () => boolean; resolve: () => void }> = [];
  const changed = () => {
    for (const waiter of [...waiters]) {
      if (waiter.predicate()) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };
  const server = createHttpServer((req, res) => {
    state.started++;
    changed();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    const record = (complete: boolean) => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks),
        complete,
      });
      changed();
    };
    req.on('end', () => {
      record(true);
      res.end(`got ${Buffer.concat(chunks).length}`);
    });
    req.on('close', () => {
      if (!req.complete) record(false);
    });
    req.on('error', () => {});
  });
  server.on('connection', () => {
    state.connections++;
    changed();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return Object.assign(state, {
    port: (server.address() as AddressInfo).port,
    received,
    until: (predicate: () => boolean) =>
      predicate() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ predicate, resolve })),
  });
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Waits until the pool has `count` connections open (a client-side close is seen asynchronously). */
async function openConnections(target: H1Pool, count: number): Promise<void> {
  await vi.waitFor(() => expect(target.connections).toBe(count), { timeout: 2000, interval: 5 });
}

// ---------------------------------------------------------------------------------------------------------

describe('H1Pool', () => {
  describe('connection reuse', () => {
    it('sends 20 sequential requests on one kept-alive connection', async () => {
      const server = await rawServer((req) => req.write(ok(`hello ${req.path}`)));
      const upstream = pool(server.port);
      for (let i = 0; i < 20; i++) {
        const res = await send(upstream, { path: `/${i}` });
        expect(res.events).toEqual(['connect', 'headers', 'data', 'complete']);
        expect(res.status).toBe(200);
        expect(bodyText(res)).toBe(`hello /${i}`);
      }
      expect(server.connections).toHaveLength(1);
      expect(server.connections[0]!.requests).toBe(20);
      expect(upstream.connections).toBe(1);
      expect(server.requests[0]!.head).toBe(`GET /0 HTTP/1.1\r\nhost: 127.0.0.1:${server.port}`);
    });

    it('reuses the connection after a HEAD, a 204 and a chunked response', async () => {
      const server = await rawServer((req) => {
        if (req.method === 'HEAD') req.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
        else if (req.path === '/204') req.write('HTTP/1.1 204 No Content\r\n\r\n');
        else
          req.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n');
      });
      const upstream = pool(server.port);
      const head = await send(upstream, { method: 'HEAD' });
      expect(head.events).toEqual(['connect', 'headers', 'complete']);
      expect(head.headers).toEqual(['Content-Length', '1000']);
      const noContent = await send(upstream, { path: '/204' });
      expect(noContent.status).toBe(204);
      expect(noContent.complete).toBe(true);
      const chunked = await send(upstream, { path: '/chunked' });
      expect(bodyText(chunked)).toBe('abc');
      expect(chunked.complete).toBe(true);
      expect(server.connections).toHaveLength(1);
    });

    it('opens a new connection after Connection: close, and each request succeeds', async () => {
      const server = await rawServer((req) => req.write(ok(`closing ${req.index}`, 'Connection: close\r\n')));
      const upstream = pool(server.port);
      for (let i = 0; i < 3; i++) {
        const res = await send(upstream);
        expect(res.complete).toBe(true);
        expect(bodyText(res)).toBe(`closing ${i}`);
      }
      expect(server.connections).toHaveLength(3);
      // The client closed each connection itself once its response was read.
      await server.until(() => server.connections.every((c) => c.isClosed));
      expect(server.connections.map((c) => c.requests)).toEqual([1, 1, 1]);
    });

    it('opens a new connection after a close-delimited body, and each request succeeds', async () => {
      const server = await rawServer((req) => {
        req.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n');
        req.write(`until close ${req.index}, `);
        req.end('the end');
      });
      const upstream = pool(server.port);
      for (let i = 0; i < 3; i++) {
        const res = await send(upstream);
        expect(res.events.at(-1)).toBe('complete');
        expect(bodyText(res)).toBe(`until close ${i}, the end`);
      }
      expect(server.connections).toHaveLength(3);
    });

    it('does not reuse an HTTP/1.0 connection without keep-alive', async () => {
      const server = await rawServer((req) => req.write('HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok'));
      const upstream = pool(server.port);
      expect(bodyText(await send(upstream))).toBe('ok');
      expect(bodyText(await send(upstream))).toBe('ok');
      expect(server.connections).toHaveLength(2);
    });

    it('does not reuse an idle connection that the server closed: the next request gets a new one', async () => {
      const server = await rawServer((req) => req.write(ok('fine')));
      const upstream = pool(server.port);
      expect((await send(upstream)).complete).toBe(true);
      server.connections[0]!.socket.end();
      await openConnections(upstream, 0);
      const res = await send(upstream);
      expect(res.events).toEqual(['connect', 'headers', 'data', 'complete']);
      expect(bodyText(res)).toBe('fine');
      expect(server.connections).toHaveLength(2);
      expect(server.connections[1]!.requests).toBe(1);
    });

    it('closes a connection idle for keepAliveTimeoutMs', async () => {
      const server = await rawServer((req) => req.write(ok('bye')));
      const upstream = pool(server.port, { keepAliveTimeoutMs: 100 });
      expect((await send(upstream)).complete).toBe(true);
      const idleSince = performance.now();
      expect(upstream.connections).toBe(1);
      await server.connections[0]!.closed;
      const idleMs = performance.now() - idleSince;
      expect(idleMs).toBeGreaterThanOrEqual(80);
      expect(idleMs).toBeLessThan(1000);
      await openConnections(upstream, 0);
      expect((await send(upstream)).complete).toBe(true);
      expect(server.connections).toHaveLength(2);
    });

    it('does not reuse a connection whose response was followed by more bytes in the same read', async () => {
      const server = await rawServer((req) => {
        if (req.index === 0) req.write(ok('first') + ok('stray'));
        else req.write(ok(`for ${req.path}`));
      });
      const upstream = pool(server.port);
      const first = await send(upstream, { path: '/1' });
      expect(first.events).toEqual(['connect', 'headers', 'data', 'complete']);
      expect(bodyText(first)).toBe('first');
      const second = await send(upstream, { path: '/2' });
      expect(bodyText(second)).toBe('for /2');
      expect(server.connections).toHaveLength(2);
      await server.connections[0]!.closed;
    });

    it('closes an idle connection that receives bytes nobody asked for', async () => {
      const server = await rawServer((req) => {
        req.write(ok(`for ${req.path}`));
        if (req.index === 0) setImmediate(() => req.write(ok('stray')));
      });
      const upstream = pool(server.port);
      expect(bodyText(await send(upstream, { path: '/1' }))).toBe('for /1');
      await server.connections[0]!.closed;
      await openConnections(upstream, 0);
      expect(bodyText(await send(upstream, { path: '/2' }))).toBe('for /2');
      expect(server.connections).toHaveLength(2);
    });
  });

  describe('a kept-alive connection the upstream closed as the request went out', () => {
    // The upstream answers the first request on a connection, then drops the connection when the next
    // request arrives on it without a byte of answer: what a keep-alive timeout racing a request looks like.
    const closesSecondRequest = () =>
      rawServer((req) => {
        if (req.connection.requests === 1) req.write(ok(`answer ${req.index}`));
        else req.connection.socket.destroy();
      });

    it('sends a GET again, once, on a fresh connection', async () => {
      const server = await closesSecondRequest();
      const upstream = pool(server.port);
      expect(bodyText(await send(upstream))).toBe('answer 0');
      const second = await send(upstream, { path: '/again' });
      expect(second.error).toBeUndefined();
      expect(bodyText(second)).toBe('answer 2');
      expect(server.connections).toHaveLength(2);
      expect(server.requests.map((r) => r.path)).toEqual(['/', '/again', '/again']);
    });

    it('does not send a POST twice: it fails with UPSTREAM_CLOSED', async () => {
      const server = await closesSecondRequest();
      const upstream = pool(server.port);
      expect(bodyText(await send(upstream))).toBe('answer 0');
      const post = await send(upstream, { method: 'POST', body: Buffer.from('once') });
      expect(post.error?.code).toBe('UPSTREAM_CLOSED');
      expect(server.requests).toHaveLength(2);
    });

    it('does not replay on a fresh connection, nor twice', async () => {
      // Every request after the first on any connection is dropped, and so is the first on the second one.
      const server = await rawServer((req) => {
        if (req.index === 0) req.write(ok('first'));
        else req.connection.socket.destroy();
      });
      const upstream = pool(server.port);
      expect(bodyText(await send(upstream))).toBe('first');
      const second = await send(upstream);
      expect(second.error?.code).toBe('UPSTREAM_CLOSED');
      expect(server.requests).toHaveLength(3);
    });

    it('does not replay once a byte of the response has arrived', async () => {
      const server = await rawServer((req) => {
        if (req.connection.requests === 1) req.write(ok('first'));
        else {
          req.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\npart');
          setImmediate(() => req.connection.socket.destroy());
        }
      });
      const upstream = pool(server.port);
      expect(bodyText(await send(upstream))).toBe('first');
      const cut = await send(upstream);
      expect(cut.status).toBe(200);
      expect(cut.error?.code).toBe('UPSTREAM_CLOSED');
      expect(server.requests).toHaveLength(2);
    });
  });

  describe('connection limit', () => {
    it('opens at most `connections` and serves the queued requests in order as connections free up', async () => {
      const server = await rawServer();
      const upstream = pool(server.port, { connections: 2 });
      const sent = [1, 2, 3, 4, 5].map((i) => send(upstream, { path: `/${i}` }));
      expect(upstream.connections).toBe(2);
      await server.until(() => server.requests.length === 2);
      expect(server.connections).toHaveLength(2);
      expect(server.requests.map((r) => r.path).sort()).toEqual(['/1', '/2']);
      // The others wait in the queue, not connected.
      expect(sent.slice(2).map((s) => s.outcome.events)).toEqual([[], [], []]);
      const answer = (path: string) => server.requests.find((r) => r.path === path)!.write(ok(`for ${path}`));

      answer('/1');
      await server.until(() => server.requests.length === 3);
      expect(server.requests[2]!.path).toBe('/3');
      answer('/2');
      await server.until(() => server.requests.length === 4);
      expect(server.requests[3]!.path).toBe('/4');
      answer('/3');
      await server.until(() => server.requests.length === 5);
      expect(server.requests[4]!.path).toBe('/5');
      answer('/4');
      answer('/5');

      const results = await Promise.all(sent);
      expect(results.map(bodyText)).toEqual(['for /1', 'for /2', 'for /3', 'for /4', 'for /5']);
      expect(server.connections).toHaveLength(2);
      expect(upstream.connections).toBe(2);
    });

    it('opens a connection for a queued request when a connection fails', async () => {
      const server = await rawServer((req) => {
        if (req.index === 0) req.end();
        else req.write(ok('second'));
      });
      const upstream = pool(server.port, { connections: 1 });
      const first = send(upstream);
      const second = send(upstream);
      expect((await first).error?.code).toBe('UPSTREAM_CLOSED');
      expect(bodyText(await second)).toBe('second');
      expect(server.connections).toHaveLength(2);
    });
  });

  describe('request bodies', () => {
    it('sends a Buffer body intact with its Content-Length', async () => {
      const server = await httpServer();
      const upstream = pool(server.port);
      const body = Buffer.alloc(100_000);
      for (let i = 0; i < body.length; i++) body[i] = (i * 7919) % 256;
      const res = await send(upstream, { method: 'POST', path: '/upload', body });
      expect(bodyText(res)).toBe('got 100000');
      const [received] = server.received;
      expect(received!.method).toBe('POST');
      expect(received!.url).toBe('/upload');
      expect(received!.headers['content-length']).toBe('100000');
      expect(received!.headers['transfer-encoding']).toBeUndefined();
      expect(received!.headers.host).toBe(`127.0.0.1:${server.port}`);
      expect(received!.body.equals(body)).toBe(true);
    });

    it('sends a POST without a body with Content-Length: 0, and reuses the connection', async () => {
      const server = await httpServer();
      const upstream = pool(server.port);
      expect(bodyText(await send(upstream, { method: 'POST' }))).toBe('got 0');
      expect(bodyText(await send(upstream, { method: 'PUT', body: Buffer.from('abc') }))).toBe('got 3');
      expect(server.received[0]!.headers['content-length']).toBe('0');
      expect(server.connections).toBe(1);
    });

    it('streams a body written in several pieces, chunked', async () => {
      const server = await httpServer();
      const upstream = pool(server.port);
      const pieces = [
        Buffer.from('first piece, '),
        Buffer.from([0, 1, 2, 0x0d, 0x0a, 0x30, 0x0d, 0x0a, 0x0d, 0x0a, 0xff]),
        Buffer.alloc(70_000, 'x'),
        Buffer.from('caf\xe9', 'latin1'),
        Buffer.from(' last'),
      ];
      const stream = new PassThrough();
      const res = await send(
        upstream,
        { method: 'POST', body: stream },
        {
          onConnect: () => {
            // Written while the request is in flight, one piece per turn of the event loop.
            const next = (i: number) => {
              if (i === pieces.length) stream.end();
              else {
                stream.write(pieces[i]!);
                setImmediate(() => next(i + 1));
              }
            };
            setImmediate(() => next(0));
          },
        },
      );
      const expected = Buffer.concat(pieces);
      expect(bodyText(res)).toBe(`got ${expected.length}`);
      const [received] = server.received;
      expect(received!.headers['transfer-encoding']).toBe('chunked');
      expect(received!.headers['content-length']).toBeUndefined();
      expect(received!.body.equals(expected)).toBe(true);
      // The connection stays usable after a chunked request body.
      expect(bodyText(await send(upstream, { method: 'POST', body: Buffer.from('again') }))).toBe('got 5');
      expect(server.connections).toBe(1);
    });

    it('streams a body with a given Content-Length as is', async () => {
      const server = await httpServer();
      const upstream = pool(server.port);
      const stream = new PassThrough();
      const sent = send(upstream, { method: 'PUT', body: stream, headers: ['Content-Length', '11'] });
      stream.write('hello ');
      stream.end('world');
      expect(bodyText(await sent)).toBe('got 11');
      const [received] = server.received;
      expect(received!.headers['content-length']).toBe('11');
      expect(received!.headers['transfer-encoding']).toBeUndefined();
      expect(received!.body.toString()).toBe('hello world');
    });

    it('fails the request with the body stream error and closes the connection', async () => {
      const server = await httpServer();
      const upstream = pool(server.port);
      const stream = new PassThrough();
      const boom = new Error('body broke');
      const sent = send(upstream, { method: 'POST', body: stream });
      stream.write('partial');
      await server.until(() => server.started === 1);
      stream.destroy(boom);
      const res = await sent;
      expect(res.error).toBe(boom);
      expect(res.events).toEqual(['connect', 'error']);
      await server.until(() => server.received.length === 1);
      expect(server.received[0]!.complete).toBe(false);
      await openConnections(upstream, 0);
    });

    it('closes the connection when the response ends before the streamed body', async () => {
      const server = await rawServer((req) => req.write(ok(`early ${req.index}`)));
      const upstream = pool(server.port);
      const stream = new PassThrough();
      const early = await send(upstream, { method: 'POST', body: stream });
      expect(bodyText(early)).toBe('early 0');
      stream.end('too late');
      await server.connections[0]!.closed;
      expect(bodyText(await send(upstream))).toBe('early 1');
      expect(server.connections).toHaveLength(2);
    });

    it('refuses a request that cannot be written, without sending a byte, and keeps the connection', async () => {
      const server = await rawServer((req) => req.write(ok('fine')));
      const upstream = pool(server.port);
      const bad = await send(upstream, { headers: ['X-Bad', 'a\r\nX-Injected: 1'] });
      expect(bad.error?.code).toBe('UPSTREAM_INVALID_REQUEST');
      expect(bad.events).toEqual(['error']);
      expect(server.connections[0]?.received.length ?? 0).toBe(0);
      expect((await send(upstream)).complete).toBe(true);
      expect(server.connections).toHaveLength(1);
      expect(server.requests[0]!.head).not.toMatch(/Injected/);
    });
  });

  describe('reads into one buffer shared by every connection', () => {
    it('hands out chunks that stay intact after later reads, across connections, pauses and split heads', async () => {
      // Every connection's body is its own letter; heads and chunks are split across writes so the parser
      // keeps partial lines and held bytes between reads.
      const server = await rawServer((req) => {
        const letter = String.fromCharCode(97 + (req.index % 26));
        req.write('HTTP/1.1 200 OK\r\nTransfer-Enc');
        setTimeout(() => req.write('oding: chunked\r\n\r\n1f4\r\n'), 5);
        setTimeout(() => req.write(`${letter.repeat(500)}\r\n3e8\r\n${letter.repeat(600)}`), 10);
        setTimeout(() => req.end(`${letter.repeat(400)}\r\n0\r\n\r\n`), 15);
      });
      const upstreams = [pool(server.port), pool(server.port), pool(server.port)];
      const kept: Buffer[][] = [];
      const sent = Array.from({ length: 12 }, (_, i) => {
        const chunks: Buffer[] = [];
        kept.push(chunks);
        // The chunks are kept as given (no copy), and one in three handlers pauses and resumes later.
        return send(
          upstreams[i % 3]!,
          {},
          {
            onData: (chunk, outcome) => {
              chunks.push(chunk);
              if (i % 3 !== 0) return true;
              setTimeout(() => outcome.resume?.(), 3);
              return false;
            },
          },
        );
      });
      const outcomes = await Promise.all(sent);
      const letters = server.requests.map((req) => String.fromCharCode(97 + (req.index % 26)));
      for (const [i, outcome] of outcomes.entries()) {
        expect(outcome.complete, outcome.error?.message).toBe(true);
        const body = Buffer.concat(kept[i]!).toString('latin1');
        expect(body).toHaveLength(1_500);
        expect(new Set(body).size).toBe(1);
        expect(letters).toContain(body[0]);
      }
      expect(new Set(outcomes.map((_, i) => Buffer.concat(kept[i]!).toString('latin1')[0])).size).toBe(12);
    });
  });

  describe('backpressure', () => {
    const TOTAL = 1_000_000;
    const bigServer = () =>
      rawServer((req) => {
        req.write(`HTTP/1.1 200 OK\r\nContent-Length: ${TOTAL}\r\n\r\n`);
        for (let i = 0; i < TOTAL; i += 50_000) req.write(Buffer.alloc(50_000, 97 + ((i / 50_000) % 26)));
      });

    it('stops delivering data after onData returns false, until resume()', async () => {
      const server = await bigServer();
      const upstream = pool(server.port);
      const sent = send(upstream, {}, { onData: (_chunk, outcome) => outcome.chunks > 1 });
      await vi.waitFor(() => expect(sent.outcome.chunks).toBe(1), { interval: 5 });
      await delay(150);
      expect(sent.outcome.chunks).toBe(1);
      expect(sent.outcome.complete).toBe(false);
      sent.outcome.resume!();
      const res = await sent;
      expect(res.complete).toBe(true);
      expect(res.chunks).toBeGreaterThan(1);
      const body = Buffer.concat(res.body);
      expect(body.length).toBe(TOTAL);
      expect(body.subarray(TOTAL - 1).toString()).toBe(String.fromCharCode(97 + ((TOTAL / 50_000 - 1) % 26)));
    });

    it('holds the body after onHeaders returns false, until resume()', async () => {
      let headers!: () => void;
      const gotHeaders = new Promise<void>((resolve) => {
        headers = resolve;
      });
      const server = await rawServer((req) => req.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'));
      const upstream = pool(server.port);
      const sent = send(
        upstream,
        {},
        {
          onHeaders: () => {
            headers();
            return false;
          },
        },
      );
      await gotHeaders;
      server.requests[0]!.write('hello');
      await delay(100);
      expect(sent.outcome.chunks).toBe(0);
      sent.outcome.resume!();
      const res = await sent;
      expect(bodyText(res)).toBe('hello');
      expect(res.complete).toBe(true);
    });

    it('delivers no more chunks of a chunked body read at once after onData returns false', async () => {
      let body = '';
      for (let i = 0; i < 50; i++) body += `a\r\n${String(i).padStart(10, '-')}\r\n`;
      const server = await rawServer((req) =>
        req.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${body}0\r\n\r\n`),
      );
      const upstream = pool(server.port);
      const sent = send(upstream, {}, { onData: (_chunk, outcome) => outcome.chunks > 1 });
      await vi.waitFor(() => expect(sent.outcome.chunks).toBeGreaterThan(0), { interval: 5 });
      await settle();
      expect(sent.outcome.chunks).toBe(1);
      sent.outcome.resume!();
      await sent;
    });

    it('delivers no body bytes read with the head after onHeaders returns false', async () => {
      const server = await rawServer((req) => req.write(ok('hello')));
      const upstream = pool(server.port);
      const sent = send(upstream, {}, { onHeaders: () => false });
      await vi.waitFor(() => expect(sent.outcome.status).toBe(200), { interval: 5 });
      await settle();
      expect(sent.outcome.chunks).toBe(0);
      sent.outcome.resume!();
      await sent;
    });

    it('does not time out while the handler holds backpressure longer than idleTimeoutMs', async () => {
      const server = await bigServer();
      const upstream = pool(server.port);
      const sent = send(
        upstream,
        { idleTimeoutMs: 200 },
        { onData: (_chunk, outcome) => outcome.chunks > 1 },
      );
      await vi.waitFor(() => expect(sent.outcome.chunks).toBe(1), { interval: 5 });
      await delay(400);
      expect(sent.outcome.error).toBeUndefined();
      sent.outcome.resume!();
      const res = await sent;
      expect(res.error?.code).toBeUndefined();
      expect(Buffer.concat(res.body).length).toBe(TOTAL);
    });

    it('ignores the resume() of a request that already completed', async () => {
      let headers!: () => void;
      const gotHeaders = new Promise<void>((resolve) => {
        headers = resolve;
      });
      const server = await rawServer((req) => {
        if (req.index === 0) req.write(ok('first'));
        else req.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n');
      });
      const upstream = pool(server.port, { connections: 1 });
      const first = await send(upstream, {}, { onData: () => false });
      expect(first.complete).toBe(true);
      const staleResume = first.resume!;
      const second = send(
        upstream,
        {},
        {
          onHeaders: () => {
            headers();
            return false;
          },
        },
      );
      await gotHeaders;
      expect(server.connections).toHaveLength(1);
      server.requests[1]!.write('second');
      staleResume();
      await delay(100);
      expect(second.outcome.chunks).toBe(0);
      second.outcome.resume!();
      await second;
    });
  });

  describe('failures', () => {
    it('reports ECONNREFUSED without onConnect', async () => {
      const upstream = pool(await closedPort());
      const res = await send(upstream);
      expect(res.error?.code).toBe('ECONNREFUSED');
      expect(res.connected).toBe(false);
      expect(res.events).toEqual(['error']);
      await openConnections(upstream, 0);
    });

    it('times out waiting for the response head after idleTimeoutMs', async () => {
      const server = await rawServer();
      const upstream = pool(server.port);
      const res = await send(upstream, { idleTimeoutMs: 200 });
      expect(res.error?.code).toBe('UPSTREAM_HEADERS_TIMEOUT');
      expect(res.events).toEqual(['connect', 'error']);
      expect(res.elapsedMs).toBeGreaterThanOrEqual(180);
      expect(res.elapsedMs).toBeLessThan(1000);
      await server.connections[0]!.closed;
      expect(server.requests).toHaveLength(1);
    });

    it('counts a 100 Continue as no response head', async () => {
      const server = await rawServer((req) => req.write('HTTP/1.1 100 Continue\r\n\r\n'));
      const upstream = pool(server.port);
      const res = await send(upstream, { idleTimeoutMs: 200 });
      expect(res.error?.code).toBe('UPSTREAM_HEADERS_TIMEOUT');
      expect(res.status).toBeUndefined();
    });

    it('times out in the middle of the body after idleTimeoutMs of silence', async () => {
      const server = await rawServer((req) =>
        req.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'),
      );
      const upstream = pool(server.port);
      const res = await send(upstream, { idleTimeoutMs: 200 });
      expect(res.error?.code).toBe('UPSTREAM_BODY_TIMEOUT');
      expect(res.events).toEqual(['connect', 'headers', 'data', 'error']);
      expect(res.status).toBe(200);
      expect(bodyText(res)).toBe('partial');
      expect(res.elapsedMs).toBeGreaterThanOrEqual(180);
      expect(res.elapsedMs).toBeLessThan(1000);
      await server.connections[0]!.closed;
    });

    it('does not time out while the upstream keeps sending, however long the whole response takes', async () => {
      const server = await rawServer((req) => {
        req.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n');
        let sentBytes = 0;
        const timer = setInterval(() => {
          req.write('x');
          if (++sentBytes === 6) clearInterval(timer);
        }, 60);
      });
      const upstream = pool(server.port);
      const res = await send(upstream, { idleTimeoutMs: 200 });
      expect(res.complete).toBe(true);
      expect(bodyText(res)).toBe('xxxxxx');
      expect(res.elapsedMs).toBeGreaterThan(200);
    });

    it('reports UPSTREAM_CLOSED when the server closes in the middle of the body', async () => {
      const server = await rawServer((req) =>
        req.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'),
      );
      const upstream = pool(server.port);
      const res = await send(upstream);
      expect(res.error?.code).toBe('UPSTREAM_CLOSED');
      expect(res.events).toEqual(['connect', 'headers', 'data', 'error']);
      expect(bodyText(res)).toBe('partial');
      await openConnections(upstream, 0);
    });

    it('reports UPSTREAM_CLOSED when the server closes in the middle of a chunked body', async () => {
      const server = await rawServer((req) =>
        req.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n'),
      );
      const res = await send(pool(server.port));
      expect(res.error?.code).toBe('UPSTREAM_CLOSED');
      expect(bodyText(res)).toBe('hello');
    });

    it('reports UPSTREAM_CLOSED when the server closes before any response', async () => {
      const server = await rawServer((req) => req.end());
      const res = await send(pool(server.port));
      expect(res.error?.code).toBe('UPSTREAM_CLOSED');
      expect(res.events).toEqual(['connect', 'error']);
    });

    it('reports UPSTREAM_CLOSED when the server closes in the middle of the head', async () => {
      const server = await rawServer((req) => req.end('HTTP/1.1 200 OK\r\nContent-Len'));
      const res = await send(pool(server.port));
      expect(res.error?.code).toBe('UPSTREAM_CLOSED');
      expect(res.events).toEqual(['connect', 'error']);
    });

    it('reports a malformed response, then serves the next request on a fresh connection', async () => {
      const server = await rawServer((req) => {
        if (req.index === 0)
          req.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
        else req.write(ok('fresh'));
      });
      const upstream = pool(server.port);
      const bad = await send(upstream);
      expect(bad.error?.code).toBe('UPSTREAM_MALFORMED_RESPONSE');
      expect(bad.error?.message).toMatch(/both Content-Length and Transfer-Encoding/);
      expect(bad.events).toEqual(['connect', 'error']);
      const good = await send(upstream);
      expect(good.events).toEqual(['connect', 'headers', 'data', 'complete']);
      expect(bodyText(good)).toBe('fresh');
      expect(server.connections).toHaveLength(2);
      await server.connections[0]!.closed;
    });

    it('reports a malformed chunk in the middle of the body after the head', async () => {
      const server = await rawServer((req) =>
        req.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\nzz\r\n'),
      );
      const res = await send(pool(server.port));
      expect(res.error?.code).toBe('UPSTREAM_MALFORMED_RESPONSE');
      expect(res.events).toEqual(['connect', 'headers', 'data', 'error']);
    });
  });

  describe('abort', () => {
    it('ends with onError(reason) once and closes the socket when aborted mid-response', async () => {
      const server = await rawServer((req) =>
        req.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npart'),
      );
      const upstream = pool(server.port);
      const reason = new Error('client went away');
      const res = await send(
        upstream,
        {},
        {
          onData: (_chunk, outcome) => {
            outcome.abort!(reason);
            return true;
          },
        },
      );
      expect(res.error).toBe(reason);
      expect(res.events).toEqual(['connect', 'headers', 'data', 'error']);
      // More bytes from the server, a second abort: nothing more reaches the handler.
      server.requests[0]!.write('more body');
      res.abort!(new Error('again'));
      await server.connections[0]!.closed;
      await settle();
      expect(res.events).toEqual(['connect', 'headers', 'data', 'error']);
      await openConnections(upstream, 0);
    });

    it('aborts a request waiting for its response', async () => {
      const server = await rawServer();
      const upstream = pool(server.port);
      const sent = send(upstream);
      await server.until(() => server.requests.length === 1);
      const reason = new Error('deadline');
      sent.outcome.abort!(reason);
      const res = await sent;
      expect(res.error).toBe(reason);
      expect(res.events).toEqual(['connect', 'error']);
      await server.connections[0]!.closed;
      await settle();
      expect(res.events).toEqual(['connect', 'error']);
    });

    it('sends no byte when aborted in onConnect', async () => {
      const server = await rawServer();
      const upstream = pool(server.port);
      const reason = new Error('cancelled');
      const res = await send(upstream, {}, { onConnect: (abort) => abort(reason) });
      expect(res.error).toBe(reason);
      expect(res.events).toEqual(['connect', 'error']);
      await server.until(() => server.connections.length === 1 && server.connections[0]!.isClosed);
      expect(server.connections[0]!.received.length).toBe(0);
    });

    it('does nothing when called after the response completed', async () => {
      const server = await rawServer((req) => req.write(ok('done')));
      const upstream = pool(server.port);
      const res = await send(upstream);
      res.abort!(new Error('too late'));
      await settle();
      expect(res.events).toEqual(['connect', 'headers', 'data', 'complete']);
      // The connection was not closed by it: the next request reuses it.
      expect((await send(upstream)).complete).toBe(true);
      expect(server.connections).toHaveLength(1);
    });
  });

  describe('close', () => {
    it('resolves after in-flight and queued requests finish, and refuses new ones', async () => {
      const server = await rawServer();
      const upstream = pool(server.port, { connections: 1 });
      const first = send(upstream, { path: '/1' });
      const queued = send(upstream, { path: '/2' });
      await server.until(() => server.requests.length === 1);

      let closed = false;
      const closing = upstream.close().then(() => {
        closed = true;
      });
      expect(upstream.closed).toBe(true);

      const refused = await send(upstream, { path: '/3' });
      expect(refused.error?.code).toBe('UPSTREAM_POOL_CLOSED');
      expect(refused.events).toEqual(['error']);
      expect(closed).toBe(false);

      server.requests[0]!.write(ok('one'));
      expect(bodyText(await first)).toBe('one');
      await server.until(() => server.requests.length === 2);
      expect(server.requests[1]!.path).toBe('/2');
      expect(closed).toBe(false);
      server.requests[1]!.write(ok('two'));
      expect(bodyText(await queued)).toBe('two');

      await closing;
      expect(upstream.connections).toBe(0);
      await server.connections[0]!.closed;
      expect(server.requests.map((r) => r.path)).toEqual(['/1', '/2']);
    });

    it('closes idle connections at once', async () => {
      const server = await rawServer((req) => req.write(ok('idle soon')));
      const upstream = pool(server.port);
      await Promise.all([send(upstream), send(upstream)]);
      expect(upstream.connections).toBe(2);
      await upstream.close();
      expect(upstream.connections).toBe(0);
      await Promise.all(server.connections.map((c) => c.closed));
      expect((await send(upstream)).error?.code).toBe('UPSTREAM_POOL_CLOSED');
    });

    it('resolves every close() call', async () => {
      const server = await rawServer();
      const upstream = pool(server.port);
      const sent = send(upstream);
      await server.until(() => server.requests.length === 1);
      let firstClosed = false;
      void upstream.close().then(() => {
        firstClosed = true;
      });
      const second = upstream.close();
      server.requests[0]!.write(ok('done'));
      await sent;
      await second;
      await settle();
      expect(firstClosed).toBe(true);
    });
  });
});
