import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { httpLimits } from '../../../../proxy/http/index.js';
import { startHttpServer } from '../../../../proxy/http/server/index.js';
import { rawExchange } from '../raw-http.js';

describe('http listener', () => {
  it('drains: a request in flight finishes, new connections are refused', async () => {
    let release: (() => void) | undefined;
    const listener = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      limits: httpLimits(),
      handle: (_req, res) => {
        release = () => res.end('finished');
      },
    });
    const inFlight = request(`http://127.0.0.1:${listener.port}/slow`);
    while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    const draining = listener.drain(5_000);
    await expect(request(`http://127.0.0.1:${listener.port}/new`)).rejects.toThrow();
    release();
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('finished');
    await draining;
  });

  it('closes what is still open when the drain time is up', async () => {
    const listener = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      limits: httpLimits(),
      handle: () => {
        // never answers
      },
    });
    const stuck = request(`http://127.0.0.1:${listener.port}/stuck`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await listener.drain(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(stuck).rejects.toThrow();
  });

  it('never gives a head longer than the whole request: a headers timeout above the request timeout is cut to it', async () => {
    const listener = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      limits: httpLimits({ headersTimeoutMs: 5_000, requestTimeoutMs: 300, timeoutCheckIntervalMs: 20 }),
      handle: (_req, res) => res.end('unexpected'),
    });
    try {
      const started = Date.now();
      const response = await rawExchange(listener.port, 'GET / HTTP/1.1\r\nHost: svc\r\n', { idleMs: 3_000 });
      const elapsed = Date.now() - started;
      expect(response.status).toBe(408);
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(2_000);
    } finally {
      await listener.drain(0);
    }
  });
});
