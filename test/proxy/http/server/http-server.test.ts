import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { httpLimits } from '../../../../proxy/http/index.js';
import { startHttpServer } from '../../../../proxy/http/server/index.js';

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
});
