import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpLimits } from '../../../proxy/http/index.js';
import { type HttpServer, startHttpServer } from '../../../proxy/http/server/index.js';
import { createInboundHandler } from '../../../proxy/listeners/inbound-listener.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import { routeStats, Upstreams } from '../../../proxy/upstream/index.js';

describe('inbound listener', () => {
  let app: Server;
  let upstreams: Upstreams;
  let listener: HttpServer;
  let appHits = 0;
  const stats = new Stats();
  const limits = httpLimits();

  beforeAll(async () => {
    // The app takes 300 ms per request, or never answers `/hang`.
    app = createServer((req, res) => {
      appHits++;
      if (req.url === '/hang') return;
      setTimeout(() => res.end('done'), 300);
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const appPort = (app.address() as AddressInfo).port;
    upstreams = new Upstreams({ stats });
    const appCluster = upstreams.static('app:8080', [{ address: '127.0.0.1', port: appPort }], {
      connectionPool: { maxConnections: 1, maxPendingRequests: 1 },
    });
    const inbound = {
      app: appCluster,
      timeout: { perRequestMs: 1_000, idleMs: 300_000 },
      stats: routeStats(stats, { direction: 'inbound', listener: '8080' }),
    };
    listener = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      limits,
      handle: createInboundHandler({ config: () => inbound, stats }),
    });
  });
  afterAll(async () => {
    await listener?.drain(100);
    await upstreams?.close();
    app?.closeAllConnections();
    app?.close();
  });

  const call = async (path: string) => {
    const started = Date.now();
    const res = await request(`http://127.0.0.1:${listener.port}${path}`);
    await res.body.dump();
    return { status: res.statusCode, ms: Date.now() - started };
  };

  it('answers overflow past the listener’s connection pool with 503 at once, never queueing it', async () => {
    appHits = 0;
    const results = await Promise.all([call('/a'), call('/b'), call('/c'), call('/d')]);
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 503);
    // One connection in use and one request waiting; the other two are refused without waiting.
    expect(ok).toHaveLength(2);
    expect(refused).toHaveLength(2);
    for (const r of refused) expect(r.ms).toBeLessThan(200);
    expect(appHits).toBe(2);
  });

  it('answers 504 when the app outlives the listener’s per-request timeout', async () => {
    const { status, ms } = await call('/hang');
    expect(status).toBe(504);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(2_000);
  });
});
