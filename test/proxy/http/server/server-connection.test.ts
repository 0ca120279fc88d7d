import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpLimits, httpLimits } from '../../../../proxy/http/limits.js';
import { localReply } from '../../../../proxy/http/local-reply.js';
import {
  type DownstreamRequest,
  type DownstreamResponse,
  type HttpServer,
  type RequestHandler,
  startHttpServer,
} from '../../../../proxy/http/server/index.js';
import { get, rawExchange } from '../raw-http.js';

const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 500;
const KEEP_ALIVE_TIMEOUT_MS = 300;

const LIMITS: Partial<HttpLimits> = {
  maxHeaderBytes: 2048,
  maxHeaderCount: 20,
  headersTimeoutMs: HEADERS_TIMEOUT_MS,
  requestTimeoutMs: REQUEST_TIMEOUT_MS,
  keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
  timeoutCheckIntervalMs: 20,
};

const servers: HttpServer[] = [];
const clients: net.Socket[] = [];

afterEach(async () => {
  for (const socket of clients.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => server.drain(0)));
});

interface Started {
  readonly server: HttpServer;
  readonly port: number;
  /** The server side of each accepted connection, in order. */
  readonly sockets: net.Socket[];
}

async function start(handle: RequestHandler, overrides: Partial<HttpLimits> = {}): Promise<Started> {
  const sockets: net.Socket[] = [];
  const server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    limits: httpLimits({ ...LIMITS, ...overrides }),
    handle,
    onConnection: (socket) => sockets.push(socket),
  });
  servers.push(server);
  return { server, port: server.port, sockets };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` until true (returns true) or until `timeoutMs` (returns false). */
async function until(predicate: () => boolean, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

/** Collects a readable's bytes; resolves with them, or with the error it ended with. */
function collect(stream: NodeJS.ReadableStream): Promise<{ body: Buffer; error?: Error }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve({ body: Buffer.concat(chunks) }));
    stream.on('error', (error: Error) => resolve({ body: Buffer.concat(chunks), error }));
  });
}

interface Parsed {
  readonly status: number;
  /** Header names (lower-case) with every value received for each. */
  readonly headers: Readonly<Record<string, string[]>>;
  readonly body: string;
  /** `content-length`, `chunked`, `close` or `none`. */
  readonly framing: string;
}

/**
 * Splits what a client received into responses; `headIndexes`: responses to HEAD requests (no body).
 * Stops at an incomplete response; a close-delimited body is complete only once `ended`.
 */
function parseResponses(text: string, ended: boolean, headIndexes: readonly number[] = []): Parsed[] {
  const out: Parsed[] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end === -1) break;
    const lines = text.slice(at, end).split('\r\n');
    const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(lines[0]!)?.[1] ?? Number.NaN);
    const headers: Record<string, string[]> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const values = headers[name] ?? [];
      values.push(line.slice(colon + 1).trim());
      headers[name] = values;
    }
    let bodyAt = end + 4;
    const index = out.filter((r) => r.status >= 200).length;
    if (status < 200 || status === 204 || status === 304 || headIndexes.includes(index)) {
      out.push({ status, headers, body: '', framing: 'none' });
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length'][0]);
      if (text.length - bodyAt < length) break;
      out.push({ status, headers, body: text.slice(bodyAt, bodyAt + length), framing: 'content-length' });
      bodyAt += length;
    } else if (headers['transfer-encoding']?.[0] === 'chunked') {
      let body = '';
      let complete = false;
      for (;;) {
        const eol = text.indexOf('\r\n', bodyAt);
        if (eol === -1) break;
        const size = Number.parseInt(text.slice(bodyAt, eol), 16);
        if (size === 0) {
          if (text.startsWith('\r\n', eol + 2)) {
            bodyAt = eol + 4;
            complete = true;
          }
          break;
        }
        if (text.length < eol + 2 + size + 2) break;
        body += text.slice(eol + 2, eol + 2 + size);
        bodyAt = eol + 2 + size + 2;
      }
      if (!complete) break;
      out.push({ status, headers, body, framing: 'chunked' });
    } else {
      if (!ended) break;
      out.push({ status, headers, body: text.slice(bodyAt), framing: 'close' });
      bodyAt = text.length;
    }
    at = bodyAt;
  }
  return out;
}

/** A raw client connection to the server: writes bytes when told, records what comes back. */
class Client {
  readonly socket: net.Socket;
  readonly #chunks: Buffer[] = [];
  /** The server closed its side (FIN). */
  ended = false;
  /** The connection is closed (either side, or reset). */
  closed = false;
  endedAt = 0;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.#chunks.push(chunk));
    socket.on('end', () => {
      this.ended = true;
      this.endedAt = Date.now();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      if (this.endedAt === 0) this.endedAt = Date.now();
    });
  }

  static async open(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<Client> {
    const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: options.allowHalfOpen ?? false });
    clients.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new Client(socket);
  }

  get text(): string {
    return Buffer.concat(this.#chunks).toString('latin1');
  }

  send(bytes: string | Buffer): void {
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  }

  responses(headIndexes: readonly number[] = []): Parsed[] {
    return parseResponses(this.text, this.ended || this.closed, headIndexes);
  }

  /** Waits until `count` responses (final, non-1xx) are complete. */
  async responsesArrived(count: number, timeoutMs = 2_000, headIndexes: readonly number[] = []) {
    await until(() => this.responses(headIndexes).filter((r) => r.status >= 200).length >= count, timeoutMs);
    return this.responses(headIndexes).filter((r) => r.status >= 200);
  }

  /** Whether the server ended the connection within `timeoutMs`. */
  serverClosed(timeoutMs = 2_000): Promise<boolean> {
    return until(() => this.ended || this.closed, timeoutMs);
  }
}

/** Whether a server-side socket is fully closed within `timeoutMs`. */
function fullyClosed(socket: net.Socket | undefined, timeoutMs = 1_000): Promise<boolean> {
  return until(() => socket?.destroyed === true, timeoutMs);
}

const post = (path: string, body: string, extra: readonly string[] = []) =>
  [
    `POST ${path} HTTP/1.1`,
    'Host: svc',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...extra,
    '',
    body,
  ].join('\r\n');

/** Answers 200 with `path` as the body. */
const echoPath: RequestHandler = (req, res) => {
  res.writeHead(200, ['content-type', 'text/plain']);
  res.end(`path=${req.url}`);
};

/** Checks a local reply written by the server itself for `status`. */
function expectLocalReply(response: Parsed | undefined, status: number): void {
  expect(response?.status).toBe(status);
  expect(response?.headers.connection).toEqual(['close']);
  expect(response?.headers['x-tessera-local-reply']).toEqual(['true']);
  expect(response?.headers['content-type']).toEqual(['application/json']);
  const body = JSON.parse(response!.body) as { message: unknown; proxy: unknown };
  expect(body.proxy).toBe('tessera');
  expect(typeof body.message).toBe('string');
}

describe('pipelining', () => {
  it('answers pipelined requests in order, handing each to the handler only after the response before it ended', async () => {
    const pending: [DownstreamRequest, DownstreamResponse][] = [];
    const { port } = await start((req, res) => {
      pending.push([req, res]);
    });
    const client = await Client.open(port);
    client.send(get('/1') + post('/2', 'two') + get('/3'));
    await sleep(100);
    // Only the first is read: the others wait until it has been answered.
    expect(pending.map(([req]) => req.url)).toEqual(['/1']);
    pending[0]![1].writeHead(200, []);
    pending[0]![1].write(Buffer.from('first '));
    await sleep(50);
    expect(pending).toHaveLength(1);
    pending[0]![1].end('done');
    expect(await until(() => pending.length === 2)).toBe(true);
    expect(pending[1]![0].url).toBe('/2');
    expect((await collect(pending[1]![0].body)).body.toString()).toBe('two');
    await sleep(50);
    expect(pending).toHaveLength(2);
    pending[1]![1].end('second');
    expect(await until(() => pending.length === 3)).toBe(true);
    pending[2]![1].end('third');
    const responses = await client.responsesArrived(3);
    expect(responses.map((r) => r.body)).toEqual(['first done', 'second', 'third']);
    expect(client.ended).toBe(false);
  });

  it('refuses a malformed request pipelined behind a pending one only after that one was answered', async () => {
    let release: (() => void) | undefined;
    const { port } = await start((req, res) => {
      release = () => echoPath(req, res);
    });
    const client = await Client.open(port);
    client.send(`${get('/first')}NOT HTTP\r\n\r\n`);
    await until(() => release !== undefined);
    await sleep(50);
    expect(client.text).toBe('');
    release!();
    expect(await client.serverClosed()).toBe(true);
    const responses = client.responses();
    expect(responses.map((r) => r.status)).toEqual([200, 400]);
    expect(responses[0]?.body).toBe('path=/first');
    expectLocalReply(responses[1], 400);
  });

  it('stops reading the socket while pipelined requests wait behind a pending one', async () => {
    let calls = 0;
    const { port, sockets } = await start(() => {
      calls++;
    });
    const client = await Client.open(port);
    const flood = get('/x').repeat(Math.ceil((8 * 1024 * 1024) / get('/x').length));
    client.send(get('/pending') + flood);
    await sleep(300);
    const bytesRead = sockets[0]!.bytesRead;
    expect(bytesRead).toBeLessThan(flood.length / 4);
    await sleep(100);
    expect(sockets[0]!.bytesRead).toBe(bytesRead);
    expect(calls).toBe(1);
  });

  it('reads pipelined requests when the handler answers synchronously', async () => {
    let calls = 0;
    const { port } = await start((req, res) => {
      calls++;
      req.body.resume();
      echoPath(req, res);
    });
    const client = await Client.open(port);
    client.send(get('/a') + post('/b', 'body-b') + get('/c') + post('/d', '') + get('/e'));
    const responses = await client.responsesArrived(5);
    expect(responses.map((r) => r.body)).toEqual(['path=/a', 'path=/b', 'path=/c', 'path=/d', 'path=/e']);
    expect(calls).toBe(5);
  });

  const closers: [string, string, RequestHandler][] = [
    ["the client's Connection: close", get('/first', 'svc', ['Connection: close']), echoPath],
    ['an HTTP/1.0 request without keep-alive', 'GET /first HTTP/1.0\r\nHost: svc\r\n\r\n', echoPath],
    [
      'a local reply with close',
      get('/first'),
      (_req, res) => localReply(res, 403, 'denied', { close: true }),
    ],
    [
      'closeConnection()',
      get('/first'),
      (req, res) => {
        res.closeConnection();
        echoPath(req, res);
      },
    ],
  ];
  for (const [[what, first, respond], sync] of closers.flatMap((c) => [
    [c, false] as const,
    [c, true] as const,
  ])) {
    const when = sync ? 'answered at once' : 'answered later';
    it(`never hands over a request pipelined behind a response closing the connection: ${what}, ${when}`, async () => {
      const urls: string[] = [];
      const { port } = await start((req, res) => {
        urls.push(req.url);
        // Answered later, the pipelined request is already waiting when the response ends; answered
        // at once, it is still being parsed from the same read.
        if (sync) respond(req, res);
        else setTimeout(() => respond(req, res), 30);
      });
      const client = await Client.open(port);
      client.send(first + get('/second') + get('/third'));
      expect(await client.serverClosed()).toBe(true);
      await sleep(50);
      expect(urls).toEqual(['/first']);
      expect(client.text.match(/HTTP\/1\.1 \d{3}/g)).toHaveLength(1);
      expect(client.responses()[0]?.headers.connection).toEqual(['close']);
    });
  }
});

describe('refusals', () => {
  const malformed: [string, string][] = [
    ['a malformed request line', 'GET / HTTP/1.1 extra\r\nHost: svc\r\n\r\n'],
    ['obs-fold', 'GET / HTTP/1.1\r\nHost: svc\r\nX-A: b\r\n c\r\n\r\n'],
    ['Content-Length with Transfer-Encoding', post('/', 'abc', ['Transfer-Encoding: chunked'])],
    ['a malformed Content-Length', 'POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 3x\r\n\r\nabc'],
    ['a bare LF in a header', 'GET / HTTP/1.1\r\nHost: svc\r\nX-A: b\nX-B: c\r\n\r\n'],
  ];
  for (const [what, raw] of malformed) {
    it(`answers 400 with a local reply and closes for ${what}, handing nothing over`, async () => {
      let calls = 0;
      const { port } = await start((req, res) => {
        calls++;
        echoPath(req, res);
      });
      const response = await rawExchange(port, raw + get('/next'));
      expect(response.closed).toBe(true);
      const [reply, ...more] = parseResponses(response.text, true);
      expectLocalReply(reply, 400);
      expect(more).toEqual([]);
      expect(calls).toBe(0);
    });
  }

  it('answers 431 for a head over maxHeaderBytes and accepts one just under it', async () => {
    let calls = 0;
    const { port } = await start(
      (req, res) => {
        calls++;
        echoPath(req, res);
      },
      { maxHeaderBytes: 512 },
    );
    const fill = (n: number) => get('/', 'svc', [`X-Fill: ${'f'.repeat(n)}`]);
    const ok = await rawExchange(port, fill(400));
    expect(ok.status).toBe(200);
    expect(calls).toBe(1);
    const big = await rawExchange(port, fill(600));
    expect(big.closed).toBe(true);
    expectLocalReply(parseResponses(big.text, true)[0], 431);
    expect(calls).toBe(1);
  });

  it('answers 431 for a head over maxHeaderBytes without waiting for its end', async () => {
    const { port } = await start(echoPath, { maxHeaderBytes: 512 });
    // The head never ends: the server must not wait for the headers timeout to refuse it.
    const started = Date.now();
    const response = await rawExchange(port, `GET / HTTP/1.1\r\nHost: svc\r\nX-Fill: ${'f'.repeat(2000)}`, {
      timeoutMs: 2_000,
    });
    expect(response.status).toBe(431);
    expect(Date.now() - started).toBeLessThan(HEADERS_TIMEOUT_MS * 0.8);
  });

  it('answers 431 for more than maxHeaderCount headers and accepts exactly that many', async () => {
    let calls = 0;
    const { port } = await start((req, res) => {
      calls++;
      echoPath(req, res);
    });
    const extra = (n: number) => Array.from({ length: n }, (_, i) => `X-H${i}: v`);
    expect((await rawExchange(port, get('/', 'svc', extra(19)))).status).toBe(200);
    const response = await rawExchange(port, get('/', 'svc', extra(20)));
    expect(response.closed).toBe(true);
    expectLocalReply(parseResponses(response.text, true)[0], 431);
    expect(calls).toBe(1);
  });

  it('answers 417 and closes for an Expect other than 100-continue, without calling the handler', async () => {
    let calls = 0;
    const { port } = await start((req, res) => {
      calls++;
      echoPath(req, res);
    });
    const response = await rawExchange(port, post('/', 'abc', ['Expect: something-else']) + get('/next'));
    expect(response.closed).toBe(true);
    const replies = parseResponses(response.text, true);
    expect(replies).toHaveLength(1);
    expectLocalReply(replies[0], 417);
    expect(calls).toBe(0);
  });

  it('answers 400 and closes for bad chunk framing in a body being read, and errors the body', async () => {
    let body: Promise<{ body: Buffer; error?: Error }> | undefined;
    const { port } = await start((req) => {
      body = collect(req.body);
    });
    const response = await rawExchange(
      port,
      'POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\nxx\r\n0\r\n\r\n',
    );
    expect(response.closed).toBe(true);
    expectLocalReply(parseResponses(response.text, true)[0], 400);
    const result = await body!;
    expect(result.error).toBeInstanceOf(Error);
  });

  it('answers 400 for bad chunk framing that arrived while the body reader held back', async () => {
    let body: Promise<{ body: Buffer; error?: Error }> | undefined;
    const { port } = await start(
      (req) => {
        // Reads nothing at first: the server holds back what follows the first 16 KiB.
        setTimeout(() => {
          body = collect(req.body);
        }, 100);
      },
      { requestTimeoutMs: 3_000, headersTimeoutMs: 3_000 },
    );
    const big = 'x'.repeat(40_000);
    const response = await rawExchange(
      port,
      `POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n${big.length.toString(16)}\r\n${big}\r\nnot-a-size\r\n0\r\n\r\n`,
      { timeoutMs: 1_500 },
    );
    expectLocalReply(parseResponses(response.text, true)[0], 400);
    expect(response.closed).toBe(true);
    expect(body).toBeDefined();
    expect((await body!).error).toBeInstanceOf(Error);
  });

  it('closes without throwing from res.end() when held-back body bytes have bad chunk framing', async () => {
    let endError: unknown = 'not called';
    const { port } = await start(
      (req, res) => {
        // Only so that this test shows nothing but its own fault (see the unhandled-error test).
        req.body.on('error', () => {});
        // Answers without reading the body: the server reads past it, and finds it malformed.
        setTimeout(() => {
          try {
            res.end('early');
            endError = undefined;
          } catch (err) {
            endError = err;
          }
        }, 100);
      },
      { requestTimeoutMs: 3_000, headersTimeoutMs: 3_000 },
    );
    const big = 'x'.repeat(40_000);
    const client = await Client.open(port);
    const sent = Date.now();
    client.send(
      `POST / HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n${big.length.toString(16)}\r\n${big}\r\nnot-a-size\r\n0\r\n\r\n${get('/next')}`,
    );
    await until(() => endError !== 'not called');
    expect(endError).toBeUndefined();
    expect(await client.serverClosed(2_500)).toBe(true);
    expect(client.responses().map((r) => r.body)).toEqual(['early']);
    // Closed once the framing was found bad, not when the request timeout passed.
    expect(client.endedAt - sent).toBeLessThan(1_000);
  });
});

describe('timeouts', () => {
  it('answers 408 and closes when the head is not complete within headersTimeoutMs', async () => {
    let calls = 0;
    const { port } = await start(() => {
      calls++;
    });
    const client = await Client.open(port);
    const started = Date.now();
    client.send('GET / HTTP/1.1\r\nHost: svc\r\n');
    // Trickling bytes does not extend the deadline.
    const trickle = setInterval(() => client.send('X-A: b\r\n'), 50);
    const closed = await client.serverClosed(3_000);
    clearInterval(trickle);
    const elapsed = client.endedAt - started;
    expect(closed).toBe(true);
    expectLocalReply(client.responses()[0], 408);
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS * 0.8);
    expect(elapsed).toBeLessThan(HEADERS_TIMEOUT_MS * 3);
    expect(calls).toBe(0);
  });

  it('answers 408 when a connection sends nothing within headersTimeoutMs', async () => {
    const { port } = await start(echoPath);
    const started = Date.now();
    const client = await Client.open(port);
    expect(await client.serverClosed(3_000)).toBe(true);
    const elapsed = client.endedAt - started;
    expectLocalReply(client.responses()[0], 408);
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS * 0.8);
    expect(elapsed).toBeLessThan(HEADERS_TIMEOUT_MS * 3);
  });

  it('answers 408 and closes when the body is not complete within requestTimeoutMs, erroring the body', async () => {
    let body: Promise<{ body: Buffer; error?: Error }> | undefined;
    const { port } = await start((req) => {
      body = collect(req.body);
    });
    const client = await Client.open(port);
    const started = Date.now();
    client.send('POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 10\r\n\r\nabc');
    expect(await client.serverClosed(3_000)).toBe(true);
    const elapsed = client.endedAt - started;
    expectLocalReply(client.responses()[0], 408);
    expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS * 0.8);
    expect(elapsed).toBeLessThan(REQUEST_TIMEOUT_MS * 3);
    const result = await body!;
    expect(result.body.toString()).toBe('abc');
    expect(result.error).toBeInstanceOf(Error);
  });

  it('answers 408 for a head left incomplete behind a request answered synchronously', async () => {
    let calls = 0;
    const { port } = await start(
      (req, res) => {
        calls++;
        echoPath(req, res);
      },
      { keepAliveTimeoutMs: 1_500 },
    );
    const client = await Client.open(port);
    const started = Date.now();
    client.send(`${get('/first')}GET /second HTTP/1.1\r\nHo`);
    expect(await client.serverClosed(3_000)).toBe(true);
    const elapsed = client.endedAt - started;
    const responses = client.responses();
    expect(responses.map((r) => r.status)).toEqual([200, 408]);
    expectLocalReply(responses[1], 408);
    expect(elapsed).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS * 0.8);
    expect(elapsed).toBeLessThan(HEADERS_TIMEOUT_MS * 3);
    expect(calls).toBe(1);
  });

  it('closes an idle keep-alive connection quietly after keepAliveTimeoutMs', async () => {
    const { port } = await start(echoPath);
    const client = await Client.open(port);
    client.send(get('/one'));
    await client.responsesArrived(1);
    const answered = Date.now();
    expect(await client.serverClosed(3_000)).toBe(true);
    const elapsed = client.endedAt - answered;
    expect(elapsed).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS * 0.8);
    expect(elapsed).toBeLessThan(KEEP_ALIVE_TIMEOUT_MS * 3);
    // Nothing but the one response: an idle close is not a 408.
    expect(client.text.match(/HTTP\/1\.1/g)).toHaveLength(1);
  });

  it('delivers a response whole to a client that stalls past keepAliveTimeoutMs (then may close)', async () => {
    const size = 16 * 1024 * 1024;
    const { port } = await start((_req, res) => {
      res.writeHead(200, []);
      res.end(Buffer.alloc(size, 'r'));
    });
    const client = await Client.open(port);
    client.socket.pause();
    client.send(get('/big'));
    // The client reads nothing for longer than the idle timeout, then reads everything.
    await sleep(KEEP_ALIVE_TIMEOUT_MS * 2.5);
    client.socket.resume();
    await until(() => client.responses().length > 0 || client.closed, 3_000);
    // A graceful close after the stall is allowed; a cut response is not.
    expect(client.responses()[0]?.body.length).toBe(size);
  });

  it('restarts the idle timeout after each response on a keep-alive connection', async () => {
    const { port } = await start(echoPath);
    const client = await Client.open(port);
    for (let i = 0; i < 4; i++) {
      client.send(get(`/${i}`));
      expect(await client.responsesArrived(i + 1)).toHaveLength(i + 1);
      await sleep(KEEP_ALIVE_TIMEOUT_MS * 0.6);
    }
    expect(client.ended).toBe(false);
    expect(client.responses().map((r) => r.body)).toEqual(['path=/0', 'path=/1', 'path=/2', 'path=/3']);
  });

  it('gives a slow handler all the time it needs: no timeout while a response is pending', async () => {
    const { port } = await start((req, res) => {
      req.body.resume();
      setTimeout(() => echoPath(req, res), REQUEST_TIMEOUT_MS + KEEP_ALIVE_TIMEOUT_MS + 200);
    });
    const client = await Client.open(port);
    client.send(post('/slow', 'data'));
    const responses = await client.responsesArrived(1, 3_000);
    expect(responses.map((r) => [r.status, r.body])).toEqual([[200, 'path=/slow']]);
    expect(client.ended).toBe(false);
  });
});

describe('Expect: 100-continue', () => {
  it('sends 100 Continue before the handler reads the body, then the response', async () => {
    let seen = '';
    const { port } = await start(async (req, res) => {
      seen = (await collect(req.body)).body.toString();
      echoPath(req, res);
    });
    const client = await Client.open(port);
    client.send('POST /up HTTP/1.1\r\nHost: svc\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
    expect(await until(() => client.text.length > 0)).toBe(true);
    expect(client.text).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    client.send('hello');
    const responses = await client.responsesArrived(1);
    expect(responses[0]?.status).toBe(200);
    expect(seen).toBe('hello');
  });

  it('sends no 100 Continue for HTTP/1.0 or for a request without a body', async () => {
    const { port } = await start(async (req, res) => {
      await collect(req.body);
      echoPath(req, res);
    });
    const http10 = await rawExchange(
      port,
      'POST /a HTTP/1.0\r\nHost: svc\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi',
    );
    expect(http10.status).toBe(200);
    expect(http10.text).not.toContain('100 Continue');
    const bodiless = await rawExchange(port, get('/b', 'svc', ['Expect: 100-continue']));
    expect(bodiless.status).toBe(200);
    expect(bodiless.text).not.toContain('100 Continue');
  });
});

describe('responses', () => {
  it('chunks a body without Content-Length for HTTP/1.1, keeping the connection', async () => {
    const writes: boolean[] = [];
    const { port } = await start((_req, res) => {
      res.writeHead(200, ['x-a', 'b']);
      writes.push(res.write(Buffer.from('hello ')));
      res.write(Buffer.alloc(0));
      res.write(Buffer.from('world'));
      res.end();
    });
    const client = await Client.open(port);
    client.send(get('/'));
    await client.responsesArrived(1);
    const text = client.text;
    expect(text.slice(text.indexOf('\r\n\r\n') + 4)).toBe('6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n');
    const [response] = client.responses();
    expect(response?.headers['transfer-encoding']).toEqual(['chunked']);
    expect(response?.headers['content-length']).toBeUndefined();
    expect(response?.headers.connection).toBeUndefined();
    expect(writes).toEqual([true]);
    client.send(get('/again'));
    expect(await client.responsesArrived(2)).toHaveLength(2);
  });

  it('sends end(body) with a Content-Length when the head was not sent yet', async () => {
    const { port } = await start((req, res) => {
      if (req.url === '/implicit') {
        res.end('implicit head');
        return;
      }
      res.writeHead(201, ['x-a', 'b']);
      res.end(Buffer.from('with head'));
    });
    const client = await Client.open(port);
    client.send(get('/implicit') + get('/explicit'));
    const responses = await client.responsesArrived(2);
    expect(responses.map((r) => [r.status, r.framing, r.body, r.headers['content-length']])).toEqual([
      [200, 'content-length', 'implicit head', ['13']],
      [201, 'content-length', 'with head', ['9']],
    ]);
  });

  it('delimits a body without Content-Length by closing for HTTP/1.0', async () => {
    const { port } = await start((_req, res) => {
      res.writeHead(200, []);
      res.write(Buffer.from('streamed '));
      res.end('body');
    });
    const response = await rawExchange(port, 'GET / HTTP/1.0\r\nHost: svc\r\nConnection: keep-alive\r\n\r\n');
    expect(response.closed).toBe(true);
    const [parsed] = parseResponses(response.text, true);
    expect(parsed?.framing).toBe('close');
    expect(parsed?.body).toBe('streamed body');
    expect(parsed?.headers.connection).toEqual(['close']);
  });

  it('keeps an HTTP/1.0 connection only with Connection: keep-alive', async () => {
    const { port } = await start(echoPath);
    const kept = await Client.open(port);
    kept.send('GET /a HTTP/1.0\r\nHost: svc\r\nConnection: keep-alive\r\n\r\n');
    const [first] = await kept.responsesArrived(1);
    expect(first?.headers.connection).toEqual(['keep-alive']);
    await sleep(50);
    expect(kept.ended).toBe(false);
    kept.send('GET /b HTTP/1.0\r\nHost: svc\r\n\r\n');
    const responses = await kept.responsesArrived(2);
    expect(responses[1]?.body).toBe('path=/b');
    expect(responses[1]?.headers.connection).toEqual(['close']);
    expect(await kept.serverClosed()).toBe(true);
  });

  it('closes after the response when the client sent Connection: close', async () => {
    const { port } = await start(echoPath);
    const response = await rawExchange(port, get('/', 'svc', ['Connection: close']));
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect(response.closed).toBe(true);
  });

  it('sends no body bytes for HEAD, 204 and 304, and the connection stays usable', async () => {
    const { port } = await start((req, res) => {
      if (req.url === '/last') {
        echoPath(req, res);
        return;
      }
      const status = req.url === '/204' ? 204 : req.url === '/304' ? 304 : 200;
      res.writeHead(status, ['x-path', req.url]);
      res.write(Buffer.from('must not be sent'));
      res.end('nor this');
    });
    const client = await Client.open(port);
    client.send(
      `HEAD /head HTTP/1.1\r\nHost: svc\r\n\r\n${get('/204')}${get('/304')}HEAD /head2 HTTP/1.1\r\nHost: svc\r\n\r\n${get('/last')}`,
    );
    const responses = await client.responsesArrived(5, 2_000, [0, 3]);
    expect(responses.map((r) => [r.status, r.headers['x-path']?.[0] ?? r.body])).toEqual([
      [200, '/head'],
      [204, '/204'],
      [304, '/304'],
      [200, '/head2'],
      [200, 'path=/last'],
    ]);
    expect(client.text).not.toContain('must not');
    expect(client.text).not.toContain('nor this');
    expect(responses[1]?.headers['transfer-encoding']).toBeUndefined();
    expect(responses[1]?.headers['content-length']).toBeUndefined();
    expect(responses[4]?.body).toBe('path=/last');
  });

  it('adds Date when the handler gave none, and keeps the one it gave', async () => {
    const { port } = await start((req, res) => {
      res.writeHead(200, req.url === '/dated' ? ['Date', 'Tue, 01 Jan 2030 00:00:00 GMT'] : []);
      res.end('x');
    });
    const client = await Client.open(port);
    client.send(get('/plain') + get('/dated'));
    const [plain, dated] = await client.responsesArrived(2);
    expect(plain?.headers.date).toHaveLength(1);
    const date = Date.parse(plain!.headers.date![0]!);
    expect(Math.abs(date - Date.now())).toBeLessThan(5_000);
    expect(dated?.headers.date).toEqual(['Tue, 01 Jan 2030 00:00:00 GMT']);
  });

  it('frames the body itself: a Transfer-Encoding or Connection the handler gave is dropped', async () => {
    const { port } = await start((_req, res) => {
      res.writeHead(200, ['Transfer-Encoding', 'chunked', 'Connection', 'close', 'x-app', 'yes']);
      res.write(Buffer.from('ab'));
      res.end('cd');
    });
    const client = await Client.open(port);
    client.send(get('/one') + get('/two'));
    const [one, two] = await client.responsesArrived(2);
    expect(one?.headers['transfer-encoding']).toEqual(['chunked']);
    expect(one?.headers.connection).toBeUndefined();
    expect(one?.headers['x-app']).toEqual(['yes']);
    expect([one?.body, two?.body]).toEqual(['abcd', 'abcd']);
    expect(client.ended).toBe(false);
  });

  it('writeHead throws a TypeError for a bad header name or value, and writes nothing', async () => {
    const errors: unknown[] = [];
    const { port } = await start((_req, res) => {
      const bad: string[][] = [
        ['bad name', 'v'],
        ['x:y', 'v'],
        ['', 'v'],
        ['ünicode', 'v'],
        ['x-a', 'a\r\nx-injected: 1'],
        ['x-a', 'a\nb'],
        ['x-a', 'a\rb'],
        ['x-a', 'a\0b'],
        ['x-a', 'a\x01b'],
        ['x-a', 'a\x7fb'],
      ];
      for (const pair of bad) {
        try {
          res.writeHead(500, ['x-good', 'yes', ...pair]);
          errors.push('no error');
        } catch (err) {
          errors.push(err);
        }
      }
      res.writeHead(200, ['x-final', 'tab\tallowed']);
      res.end('ok');
    });
    const response = await rawExchange(port, get('/'));
    expect(errors).toHaveLength(10);
    for (const err of errors) expect(err).toBeInstanceOf(TypeError);
    expect(response.text.match(/HTTP\/1\.1/g)).toHaveLength(1);
    expect(response.status).toBe(200);
    expect(response.headers['x-final']).toBe('tab\tallowed');
    expect(response.text).not.toContain('x-good');
    expect(response.text).not.toContain('injected');
  });

  it('write() returns false when the socket is full and onDrain fires once it can take more', async () => {
    let drained = 0;
    let falseAfter = -1;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const { port } = await start((_req, res) => {
      res.writeHead(200, ['content-length', String(chunk.length * 400)]);
      let written = 0;
      const pump = () => {
        while (written < 400) {
          written++;
          if (!res.write(chunk)) {
            if (falseAfter === -1) falseAfter = written;
            res.onDrain(() => {
              drained++;
              pump();
            });
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const client = await Client.open(port);
    client.socket.pause();
    client.send(get('/'));
    await sleep(200);
    // The client reads nothing: the server stops well before writing everything.
    expect(falseAfter).toBeGreaterThan(0);
    expect(falseAfter).toBeLessThan(400);
    const before = drained;
    client.socket.resume();
    const [response] = await client.responsesArrived(1, 5_000);
    expect(response?.body.length).toBe(chunk.length * 400);
    expect(drained).toBeGreaterThan(before);
  });

  it('res.destroy() cuts the connection: the client never sees a complete response', async () => {
    const { port } = await start((_req, res) => {
      res.writeHead(200, []);
      res.write(Buffer.from('partial'));
      setTimeout(() => res.destroy(), 30);
    });
    const client = await Client.open(port);
    client.send(get('/'));
    expect(await client.serverClosed()).toBe(true);
    expect(client.text).toContain('partial');
    expect(client.text).not.toContain('0\r\n\r\n');
    expect(client.responses()).toEqual([]);
  });

  it('localReply() after the head was sent destroys the connection instead of adding a reply', async () => {
    const { port } = await start((_req, res) => {
      res.writeHead(200, []);
      res.write(Buffer.from('started'));
      setTimeout(() => localReply(res, 502, 'upstream reset'), 30);
    });
    const client = await Client.open(port);
    client.send(get('/') + get('/next'));
    expect(await client.serverClosed()).toBe(true);
    expect(client.text).toContain('started');
    expect(client.text).not.toContain('502');
    expect(client.text).not.toContain('upstream reset');
    expect(client.responses()).toEqual([]);
  });
});

describe('request bodies', () => {
  it('streams a large Content-Length body to the handler intact', async () => {
    const payload = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    let received: Buffer | undefined;
    const { port } = await start(async (req, res) => {
      const { body } = await collect(req.body);
      if (req.method === 'POST') received = body;
      res.end(String(body.length));
    });
    const client = await Client.open(port);
    client.send(`POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: ${payload.length}\r\n\r\n`);
    client.send(payload);
    client.send(get('/next'));
    const responses = await client.responsesArrived(2, 5_000);
    expect(responses[0]?.body).toBe(String(payload.length));
    expect(received?.equals(payload)).toBe(true);
  });

  it('de-chunks a chunked body with extensions and trailers; the next request still works', async () => {
    const bodies: string[] = [];
    const { port } = await start(async (req, res) => {
      bodies.push((await collect(req.body)).body.toString());
      echoPath(req, res);
    });
    const client = await Client.open(port);
    client.send(
      'POST /c HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '4;a=b\r\nWiki\r\n5 ; x="y"\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: t\r\n\r\n' +
        get('/after'),
    );
    const responses = await client.responsesArrived(2);
    expect(bodies).toEqual(['Wikipedia in\r\n\r\nchunks.', '']);
    expect(responses.map((r) => r.body)).toEqual(['path=/c', 'path=/after']);
  });

  it('stops reading the socket while nobody reads the body, then delivers all of it', async () => {
    let request: DownstreamRequest | undefined;
    let response: DownstreamResponse | undefined;
    const { port, sockets } = await start((req, res) => {
      request = req;
      response = res;
    });
    const size = 8 * 1024 * 1024;
    const client = await Client.open(port);
    client.send(`POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: ${size}\r\n\r\n`);
    client.send(Buffer.alloc(size, 'b'));
    await until(() => request !== undefined);
    await sleep(300);
    // Bounded: the server holds far less than the body while nobody reads it.
    const bytesRead = sockets[0]!.bytesRead;
    expect(bytesRead).toBeLessThan(size / 2);
    await sleep(100);
    expect(sockets[0]!.bytesRead).toBe(bytesRead);
    const { body, error } = await collect(request!.body);
    expect(error).toBeUndefined();
    expect(body.length).toBe(size);
    response!.end('read');
    expect((await client.responsesArrived(1, 5_000))[0]?.body).toBe('read');
  });

  const unread: [string, (body: Buffer) => string][] = [
    ['Content-Length', (body) => `POST /big HTTP/1.1\r\nHost: svc\r\nContent-Length: ${body.length}\r\n\r\n`],
    ['chunked', () => 'POST /big HTTP/1.1\r\nHost: svc\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ];
  for (const [framing, head] of unread) {
    it(`reads past a ${framing} body the handler never read once the response ended`, async () => {
      const urls: string[] = [];
      const { port } = await start((req, res) => {
        urls.push(req.url);
        if (req.url === '/big') setTimeout(() => localReply(res, 413, 'too big'), 50);
        else echoPath(req, res);
      });
      const body = Buffer.alloc(1024 * 1024, 'z');
      const client = await Client.open(port);
      client.send(head(body));
      if (framing === 'chunked') {
        for (let at = 0; at < body.length; at += 100_000) {
          const piece = body.subarray(at, at + 100_000);
          client.send(`${piece.length.toString(16)}\r\n`);
          client.send(piece);
          client.send('\r\n');
        }
        client.send('0\r\n\r\n');
      } else {
        client.send(body);
      }
      client.send(get('/after'));
      const responses = await client.responsesArrived(2, 5_000);
      expect(responses.map((r) => r.status)).toEqual([413, 200]);
      expect(responses[1]?.body).toBe('path=/after');
      expect(urls).toEqual(['/big', '/after']);
      expect(client.ended).toBe(false);
    });
  }

  it('errors the body when the client leaves before it ended', async () => {
    let body: Promise<{ body: Buffer; error?: Error }> | undefined;
    const { port } = await start((req) => {
      body = collect(req.body);
    });
    const client = await Client.open(port);
    client.send('POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 100\r\n\r\npartial');
    await until(() => body !== undefined);
    await sleep(30);
    client.socket.destroy();
    const result = await Promise.race([body!, sleep(1_000).then(() => 'hung' as const)]);
    expect(result).not.toBe('hung');
    if (result === 'hung') return;
    expect(result.body.toString()).toBe('partial');
    expect(result.error).toBeInstanceOf(Error);
  });

  it('raises no unhandled error when the client cuts a body the handler never read', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      let handled = false;
      const { port } = await start(() => {
        // A handler that will answer without the body (say, a local reply after a slow check).
        handled = true;
      });
      const client = await Client.open(port);
      client.send('POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 100000\r\n\r\npartial body');
      await until(() => handled);
      await sleep(30);
      client.socket.destroy();
      await sleep(200);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  it('errors the body when the client left before any body byte and the handler reads it later', async () => {
    let request: DownstreamRequest | undefined;
    const { port } = await start((req) => {
      request = req;
    });
    const client = await Client.open(port);
    client.send('POST / HTTP/1.1\r\nHost: svc\r\nContent-Length: 100\r\n\r\n');
    await until(() => request !== undefined);
    client.socket.destroy();
    await sleep(100);
    // The handler gets to the body only now, after the connection closed.
    const result = await Promise.race([collect(request!.body), sleep(1_000).then(() => 'hung' as const)]);
    expect(result).not.toBe('hung');
    if (result === 'hung') return;
    expect(result.error).toBeInstanceOf(Error);
  });
});

describe('client disconnects', () => {
  const leaving: [string, (client: Client) => void][] = [
    ['closes', (client) => client.socket.destroy()],
    ['half-closes', (client) => client.socket.end()],
  ];
  for (const [what, leave] of leaving) {
    it(`fires onAbort when the client ${what} while the response is pending`, async () => {
      let aborted = 0;
      let handled = false;
      const { port } = await start((_req, res) => {
        handled = true;
        res.onAbort(() => aborted++);
      });
      const client = await Client.open(port, { allowHalfOpen: true });
      client.send(get('/'));
      await until(() => handled);
      leave(client);
      expect(await until(() => aborted > 0, 1_000)).toBe(true);
      await sleep(50);
      expect(aborted).toBe(1);
    });
  }

  it('fires onAbort when the client closes while a pipelined request waits behind the pending one', async () => {
    let aborted = 0;
    const urls: string[] = [];
    const { port } = await start((req, res) => {
      urls.push(req.url);
      res.onAbort(() => aborted++);
    });
    const client = await Client.open(port);
    client.send(get('/pending') + get('/pipelined'));
    await until(() => urls.length > 0);
    client.socket.destroy();
    expect(await until(() => aborted > 0, 1_000)).toBe(true);
    expect(urls).toEqual(['/pending']);
  });

  it('does not fire onAbort for a response that ended before the client left', async () => {
    let aborted = 0;
    const { port } = await start((req, res) => {
      res.onAbort(() => aborted++);
      echoPath(req, res);
    });
    const client = await Client.open(port);
    client.send(get('/'));
    await client.responsesArrived(1);
    client.socket.destroy();
    await sleep(100);
    expect(aborted).toBe(0);
  });
});

describe('closing', () => {
  const closers: [string, (port: number) => Promise<Client>][] = [
    [
      'a response to Connection: close',
      async (port) => {
        const client = await Client.open(port, { allowHalfOpen: true });
        client.send(get('/', 'svc', ['Connection: close']));
        return client;
      },
    ],
    [
      'a 400 refusal',
      async (port) => {
        const client = await Client.open(port, { allowHalfOpen: true });
        client.send('BAD\r\n\r\n');
        return client;
      },
    ],
    ['a 408 refusal', (port) => Client.open(port, { allowHalfOpen: true })],
  ];
  for (const [what, open] of closers) {
    it(`closes its socket fully after ${what}, even when the client keeps its side open`, async () => {
      const { port, sockets } = await start(echoPath);
      const client = await open(port);
      expect(await client.serverClosed()).toBe(true);
      expect(client.responses()).toHaveLength(1);
      // The client neither reads on nor closes: the server must not keep a half-open socket around
      // (a short lingering close, as Envoy's delayed close, is fine).
      expect(await fullyClosed(sockets[0], 2_000)).toBe(true);
    });
  }
});

describe('drain', () => {
  it('closes idle connections at once, finishes the request in flight with Connection: close, refuses new ones', async () => {
    let release: (() => void) | undefined;
    const { server, port } = await start((req, res) => {
      if (req.url === '/slow') release = () => echoPath(req, res);
      else echoPath(req, res);
    });
    const idle = await Client.open(port);
    idle.send(get('/quick'));
    await idle.responsesArrived(1);
    const busy = await Client.open(port);
    busy.send(get('/slow') + get('/pipelined'));
    await until(() => release !== undefined);
    const started = Date.now();
    let drained = false;
    const draining = server.drain(3_000).then(() => {
      drained = true;
    });
    expect(await idle.serverClosed(200)).toBe(true);
    await expect(rawExchange(port, get('/new'), { timeoutMs: 1_000 })).resolves.toMatchObject({ status: 0 });
    expect(busy.ended).toBe(false);
    release!();
    const responses = await busy.responsesArrived(1);
    expect(responses[0]?.body).toBe('path=/slow');
    expect(responses[0]?.headers.connection).toEqual(['close']);
    expect(await busy.serverClosed()).toBe(true);
    await draining;
    expect(drained).toBe(true);
    expect(busy.text.match(/HTTP\/1\.1/g)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('resolves once the last in-flight response ended, without waiting out graceMs', async () => {
    let release: (() => void) | undefined;
    const { server, port } = await start((req, res) => {
      release = () => echoPath(req, res);
    });
    // A client that keeps its side of the connection open until the server closes it.
    const client = await Client.open(port, { allowHalfOpen: true });
    client.send(get('/slow'));
    await until(() => release !== undefined);
    const started = Date.now();
    const draining = server.drain(5_000);
    await sleep(50);
    release!();
    await draining;
    expect(Date.now() - started).toBeLessThan(2_500);
    expect((await client.responsesArrived(1))[0]?.status).toBe(200);
  });

  it('lets a response already ended but still being delivered reach the client', async () => {
    const size = 16 * 1024 * 1024;
    let ended = false;
    const { server, port } = await start((_req, res) => {
      res.writeHead(200, []);
      res.end(Buffer.alloc(size, 'd'));
      ended = true;
    });
    const client = await Client.open(port);
    client.socket.pause();
    client.send(get('/big'));
    await until(() => ended);
    const draining = server.drain(3_000);
    await sleep(100);
    client.socket.resume();
    await until(() => client.responses().length > 0 || client.closed, 3_000);
    expect(client.responses()[0]?.body.length).toBe(size);
    await draining;
  });

  it('destroys what is left after graceMs, telling the pending response', async () => {
    let aborted = 0;
    let handled = false;
    const { server, port } = await start((_req, res) => {
      handled = true;
      res.onAbort(() => aborted++);
    });
    const client = await Client.open(port);
    client.send(get('/stuck'));
    await until(() => handled);
    const started = Date.now();
    await server.drain(200);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1_000);
    expect(await client.serverClosed(500)).toBe(true);
    expect(client.text).toBe('');
    expect(aborted).toBe(1);
  });
});
