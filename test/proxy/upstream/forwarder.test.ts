import { afterEach, describe, expect, it } from 'vitest';
import { Upstreams } from '../../../proxy/upstream/upstreams.js';
import {
  closedPort,
  type Downstream,
  delay,
  downstream,
  fixed,
  httpUpstream,
  json,
  policy,
  rawUpstream,
  send,
} from './harness.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

function track<T extends { close(): Promise<void> }>(thing: T): T {
  cleanup.push(() => thing.close());
  return thing;
}

function upstreams(): Upstreams {
  return track(new Upstreams());
}

const local = (port: number) => ({ address: '127.0.0.1', port });

describe('forward', () => {
  it('relays status, headers and body, and sends the request body upstream', async () => {
    const app = track(
      await httpUpstream((req, res, _hit, body) => {
        res.writeHead(201, { 'x-app': 'yes', 'content-type': 'text/plain' });
        res.end(`${req.method} ${req.url} ${body}`);
      }),
    );
    const proxy = track(await downstream({ cluster: upstreams().static('app', [local(app.port)]) }));
    const res = await send(proxy.port, { method: 'POST', path: '/a?b=1', body: 'hello' });
    expect(res.status).toBe(201);
    expect(res.headers['x-app']).toBe('yes');
    expect(res.body).toBe('POST /a?b=1 hello');
    expect(res.complete).toBe(true);
    expect(proxy.route.requests.value).toBe(1);
    expect(proxy.route.status2xx.value).toBe(1);
  });

  it('closes the client connection when the response headers cannot be relayed', async () => {
    const app = track(await fixed(200, 'ok'));
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        responseHeaders: (raw) => [...raw, 'x-bad', 'line\nbreak'],
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(0);
    expect(res.error).toBeDefined();
    expect(proxy.outcomes[0]).toMatchObject({ status: 502, aborted: true });
    expect(proxy.route.upstreamErrors.value).toBe(1);
  });

  it('streams a chunked request body larger than the replay limit', async () => {
    const app = track(await httpUpstream((_req, res, _hit, body) => res.end(String(body.length))));
    const proxy = track(await downstream({ cluster: upstreams().static('app', [local(app.port)]) }));
    const res = await send(proxy.port, { method: 'POST', body: 'x'.repeat(200_000), chunked: true });
    expect(res.status).toBe(200);
    expect(res.body).toBe('200000');
  });

  it('applies the response header hook', async () => {
    const app = track(
      await httpUpstream((_req, res) => {
        res.setHeader('x-secret', '1');
        res.end('ok');
      }),
    );
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        responseHeaders: (raw) => {
          const kept: string[] = [];
          for (let i = 0; i < raw.length; i += 2) if (raw[i] !== 'x-secret') kept.push(raw[i]!, raw[i + 1]!);
          return kept;
        },
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(200);
    expect(res.headers['x-secret']).toBeUndefined();
  });

  it('retries a 503 up to maxRetries, then relays the last 503', async () => {
    const app = track(await fixed(503, 'busy'));
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ maxRetries: 2 }),
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(503);
    expect(res.body).toBe('busy');
    expect(res.headers['x-tessera-local-reply']).toBeUndefined();
    expect(app.hits).toBe(3);
    expect(proxy.route.retries.value).toBe(2);
  });

  it('returns the first success after retried 503s', async () => {
    const app = track(
      await httpUpstream((_req, res, hit) => {
        res.statusCode = hit < 3 ? 503 : 200;
        res.end(`attempt ${hit}`);
      }),
    );
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ maxRetries: 3 }),
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(200);
    expect(res.body).toBe('attempt 3');
    expect(app.hits).toBe(3);
  });

  it('does not retry a 500 when the policy lists only gateway errors', async () => {
    const app = track(await fixed(500));
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ httpStatuses: [502, 503, 504], maxRetries: 3 }),
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(500);
    expect(app.hits).toBe(1);
  });

  it('moves to another endpoint when a connection is refused', async () => {
    const app = track(await fixed(200, 'ok'));
    const dead = await closedPort();
    const cluster = upstreams().static('app', [local(dead), local(app.port)], { balancer: 'round-robin' });
    const proxy = track(await downstream({ cluster, retryPolicy: policy() }));
    for (let i = 0; i < 6; i++) {
      const res = await send(proxy.port);
      expect(res.status).toBe(200);
    }
    expect(app.hits).toBe(6);
    // Each refusal was followed by a retry on the live endpoint; none reached the client.
    expect(proxy.route.retries.value).toBeGreaterThanOrEqual(3);
    expect(proxy.route.upstreamErrors.value).toBe(proxy.route.retries.value);
  });

  it('answers 503 with a local JSON body when every endpoint refuses', async () => {
    const cluster = upstreams().static('app', [local(await closedPort()), local(await closedPort())]);
    const proxy = track(await downstream({ cluster, retryPolicy: policy({ maxRetries: 2 }) }));
    const res = await send(proxy.port);
    expect(res.status).toBe(503);
    expect(res.headers['x-tessera-local-reply']).toBe('true');
    expect(res.headers['content-type']).toBe('application/json');
    expect(json(res.body)).toEqual({ message: 'upstream connect error', proxy: 'tessera' });
    expect(proxy.outcomes[0]).toMatchObject({ attempts: 3, status: 503 });
  });

  it('answers 503 "no healthy upstream" when the cluster has no endpoints', async () => {
    const proxy = track(await downstream({ cluster: upstreams().static('empty', []) }));
    const res = await send(proxy.port);
    expect(res.status).toBe(503);
    expect(json(res.body).message).toBe('no healthy upstream');
    expect(proxy.route.status5xx.value).toBe(1);
  });

  it('sends a POST once when the connection resets after its bytes were sent', async () => {
    const app = track(await rawUpstream((socket) => socket.destroy()));
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ reset: true, httpStatuses: [500, 502, 503, 504], maxRetries: 3 }),
      }),
    );
    const res = await send(proxy.port, { method: 'POST', body: 'charge the card' });
    expect(res.status).toBe(503);
    expect(json(res.body).message).toBe('upstream connection reset before response headers');
    expect(app.hits).toBe(1);
  });

  it('retries a GET whose connection resets before response headers', async () => {
    const app = track(
      await rawUpstream((socket, hit) => {
        if (hit === 1) socket.destroy();
        else socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
      }),
    );
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ reset: true }),
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(200);
    expect(res.body).toBe('ok');
    expect(app.hits).toBe(2);
  });

  it('does not retry a GET reset when the policy does not retry resets', async () => {
    const app = track(await rawUpstream((socket) => socket.destroy()));
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ reset: false }),
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(503);
    expect(app.hits).toBe(1);
  });

  it('retries a POST on a listed status only when the route set its own policy', async () => {
    const app = track(await fixed(503));
    const explicit = track(
      await downstream({
        cluster: upstreams().static('a', [local(app.port)]),
        retryPolicy: policy({ maxRetries: 2 }),
      }),
    );
    await send(explicit.port, { method: 'POST', body: 'x' });
    expect(app.hits).toBe(3);
    app.hits = 0;
    const implicit = track(
      await downstream({
        cluster: upstreams().static('b', [local(app.port)]),
        retryPolicy: policy({ isDefault: true, maxRetries: 2 }),
      }),
    );
    const res = await send(implicit.port, { method: 'POST', body: 'x' });
    expect(res.status).toBe(503);
    expect(app.hits).toBe(1);
  });

  it('replays a small body on every retry but tries a body over 64 KiB once', async () => {
    const app = track(await fixed(503));
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ maxRetries: 2 }),
      }),
    );
    await send(proxy.port, { method: 'PUT', body: 's'.repeat(1000) });
    expect(app.hits).toBe(3);
    expect(app.bodies.map((b) => b.length)).toEqual([1000, 1000, 1000]);
    app.hits = 0;
    const big = 'b'.repeat(100 * 1024);
    const res = await send(proxy.port, { method: 'PUT', body: big });
    expect(res.status).toBe(503);
    expect(app.hits).toBe(1);
    expect(app.bodies.at(-1)!.length).toBe(big.length);
    app.hits = 0;
    await send(proxy.port, { method: 'PUT', body: big, chunked: true });
    expect(app.hits).toBe(1);
    expect(app.bodies.at(-1)!.length).toBe(big.length);
  });

  it('retries per-try timeouts and answers 504 within the route timeout, aborting the upstream', async () => {
    const app = track(await httpUpstream(() => {})); // never answers
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ perRetryTimeoutMs: 100, httpStatuses: [504], maxRetries: 10 }),
        timeout: { perRequestMs: 400, idleMs: 0 },
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(504);
    expect(json(res.body).message).toBe('upstream request timeout');
    expect(res.elapsedMs).toBeGreaterThanOrEqual(390);
    expect(res.elapsedMs).toBeLessThan(700);
    expect(app.hits).toBeGreaterThanOrEqual(3);
    expect(app.hits).toBeLessThanOrEqual(4);
    await delay(50);
    expect(app.aborted).toBe(app.hits);
    // A per-try timeout for each attempt (the last one may be cut by the request timeout instead), plus that one.
    expect(proxy.route.timeouts.value).toBeGreaterThanOrEqual(app.hits);
    expect(proxy.route.timeouts.value).toBeLessThanOrEqual(app.hits + 1);
  });

  it('answers 504 after a per-try timeout the policy does not retry', async () => {
    const app = track(await httpUpstream(() => {}));
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ perRetryTimeoutMs: 150, httpStatuses: [503] }),
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(504);
    expect(json(res.body).message).toBe('upstream per-try timeout');
    expect(res.elapsedMs).toBeLessThan(400);
    expect(app.hits).toBe(1);
  });

  it('answers 502 to a malformed response and discards its connection', async () => {
    const app = track(
      await rawUpstream((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: nope\r\n\r\n')),
    );
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ reset: true }),
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(502);
    expect(json(res.body).message).toBe('upstream sent a malformed response');
    expect(app.hits).toBe(1);
    await delay(50);
    expect(app.closedByPeer).toBe(1);
  });

  it.each([
    ['content-length', 'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789'],
    ['chunked', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\na\r\n0123456789\r\n'],
  ])('aborts the client response when the upstream dies mid-body (%s)', async (_framing, partial) => {
    const app = track(
      await rawUpstream((socket) => {
        socket.write(partial);
        setTimeout(() => socket.destroy(), 30);
      }),
    );
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        retryPolicy: policy({ reset: true }),
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(res.error).toBeDefined();
    expect(res.body).toBe('0123456789');
    expect(app.hits).toBe(1);
    expect(proxy.outcomes[0]).toMatchObject({ aborted: true, attempts: 1 });
  });

  it('aborts a stalled response body after the idle timeout', async () => {
    const app = track(
      await rawUpstream((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc')),
    );
    const proxy = track(
      await downstream({
        cluster: upstreams().static('app', [local(app.port)]),
        timeout: { perRequestMs: 0, idleMs: 200 },
      }),
    );
    const res = await send(proxy.port);
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(res.elapsedMs).toBeGreaterThanOrEqual(150);
    expect(res.elapsedMs).toBeLessThan(2_500);
  });

  it('aborts the upstream request when the client disconnects, leaving nothing in flight', async () => {
    const app = track(await httpUpstream(() => {}));
    const cluster = upstreams().static('app', [local(app.port)]);
    const proxy = track(await downstream({ cluster }));
    const { request } = await import('node:http');
    const req = request({ host: '127.0.0.1', port: proxy.port, path: '/', agent: false });
    req.on('error', () => {});
    req.end();
    await waitFor(() => app.hits === 1);
    expect(cluster.endpoints[0]!.active).toBe(1);
    req.destroy();
    await waitFor(() => app.aborted === 1);
    expect(cluster.endpoints[0]!.active).toBe(0);
    expect(proxy.outcomes[0]).toMatchObject({ aborted: true, status: 0 });
  });

  it('answers 503 at once when the pending-request limit is reached', async () => {
    const app = track(
      await httpUpstream((_req, res) => {
        setTimeout(() => res.end('slow'), 300);
      }),
    );
    const cluster = upstreams().static('app', [local(app.port)], {
      connectionPool: { maxConnections: 1, maxPendingRequests: 1 },
    });
    const proxy = track(await downstream({ cluster, retryPolicy: policy() }));
    const responses = await Promise.all(Array.from({ length: 6 }, () => send(proxy.port)));
    const ok = responses.filter((r) => r.status === 200);
    const overflow = responses.filter((r) => r.status === 503);
    expect(ok).toHaveLength(2);
    expect(overflow).toHaveLength(4);
    for (const r of overflow) {
      expect(json(r.body).message).toMatch(/overflow/);
      expect(r.elapsedMs).toBeLessThan(200);
    }
    expect(app.hits).toBe(2);
    expect(proxy.route.overflow.value).toBe(4);
    expect(cluster.describe().pendingRequests).toBe(0);
  });

  it('bounds attempts with the retry budget when every endpoint fails', async () => {
    const a = track(await fixed(503));
    const b = track(await fixed(503));
    const proxy: Downstream = track(
      await downstream({
        cluster: upstreams().static('app', [local(a.port), local(b.port)]),
        retryPolicy: policy({ maxRetries: 2 }),
      }),
    );
    const started = performance.now();
    const requests = 200;
    for (let batch = 0; batch < requests / 20; batch++) {
      const responses = await Promise.all(Array.from({ length: 20 }, () => send(proxy.port)));
      for (const r of responses) expect(r.status).toBe(503);
    }
    const seconds = Math.ceil((performance.now() - started) / 1000);
    const attempts = a.hits + b.hits;
    expect(attempts).toBeGreaterThan(requests);
    expect(attempts).toBeLessThanOrEqual(requests * 1.2 + 10 * (seconds + 1));
    expect(attempts).toBeLessThan(requests * 3);
    expect(proxy.route.budgetExhausted.value).toBeGreaterThan(0);
    expect(proxy.route.retries.value).toBe(attempts - requests);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await delay(5);
  }
}
