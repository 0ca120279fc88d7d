import { createServer, type Server } from 'node:http';
import { createServer as createHttp2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { HealthCheck } from '../../../control-plane/snapshot/index.js';
import {
  HealthChecker,
  type HealthCheckTarget,
  healthCheckTargets,
  type ListenerHealth,
} from '../../../proxy/health/health-checker.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import { routeMesh } from '../../support/snapshot-mesh.js';

const CHECK: HealthCheck = {
  protocol: 'http',
  port: 8080,
  path: '/ping',
  healthyThreshold: 2,
  unhealthyThreshold: 3,
  intervalMs: 15,
  timeoutMs: 200,
};

/** A local app whose `/ping` answers `status.value`; counts the health checks it gets. */
async function app(status: {
  value: number;
}): Promise<{ server: Server; port: number; pings: () => number }> {
  let pings = 0;
  const server = createServer((req, res) => {
    if (req.url === '/ping' && req.headers['user-agent'] === 'tessera-health-check') pings += 1;
    res.writeHead(req.url === '/ping' ? status.value : 404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port, pings: () => pings };
}

describe('HealthChecker', () => {
  const closers: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  function checker(stats = new Stats()) {
    const changes: ListenerHealth[] = [];
    const created = new HealthChecker({ stats, onChange: (health) => changes.push(health) });
    closers.push(() => created.stop());
    return { checker: created, changes, stats };
  }

  it('goes healthy on the first success, unhealthy after the unhealthy threshold, healthy after the healthy threshold', async () => {
    const status = { value: 200 };
    const local = await app(status);
    closers.push(() => new Promise((done) => local.server.close(done)));
    const { checker: c, changes, stats } = checker();
    expect(c.statusOf(8080)).toBe('unknown');
    c.update([{ listenerPort: 8080, port: local.port, healthCheck: CHECK }]);
    await vi.waitFor(() => expect(c.statusOf(8080)).toBe('healthy'), { timeout: 2_000, interval: 5 });
    expect(changes.map((h) => [h.status, h.consecutiveSuccesses])).toEqual([['healthy', 1]]);
    expect(stats.gauge('app_healthy', { listener: '8080' }).value).toBe(1);

    status.value = 503;
    await vi.waitFor(() => expect(c.statusOf(8080)).toBe('unhealthy'), { timeout: 2_000, interval: 5 });
    expect(changes.at(-1)).toMatchObject({
      status: 'unhealthy',
      consecutiveFailures: 3,
      lastError: 'answered 503, not 200',
      port: local.port,
      protocol: 'http',
      path: '/ping',
    });
    expect(stats.gauge('app_healthy', { listener: '8080' }).value).toBe(0);

    status.value = 200;
    await vi.waitFor(() => expect(c.statusOf(8080)).toBe('healthy'), { timeout: 2_000, interval: 5 });
    expect(changes.map((h) => [h.status, h.consecutiveSuccesses, h.consecutiveFailures])).toEqual([
      ['healthy', 1, 0],
      ['unhealthy', 0, 3],
      ['healthy', 2, 0],
    ]);
    expect(local.pings()).toBeGreaterThanOrEqual(6);
  });

  it('stays unknown until the unhealthy threshold when the app never answers, and reports why', async () => {
    const { checker: c, changes } = checker();
    const silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    closers.push(() => {
      silent.closeAllConnections();
      return new Promise((done) => silent.close(done));
    });
    c.update([
      {
        listenerPort: 8080,
        port: (silent.address() as AddressInfo).port,
        healthCheck: { ...CHECK, timeoutMs: 30, unhealthyThreshold: 2 },
      },
    ]);
    await vi.waitFor(() => expect(c.states()[0]?.consecutiveFailures).toBe(1), {
      timeout: 2_000,
      interval: 5,
    });
    expect(c.statusOf(8080)).toBe('unknown');
    await vi.waitFor(() => expect(c.statusOf(8080)).toBe('unhealthy'), { timeout: 2_000, interval: 5 });
    expect(changes).toHaveLength(1);
    expect(changes[0]!.lastError).toBe('timed out');
  });

  it('checks tcp by connecting, and reports a refused connection', async () => {
    const { checker: c } = checker();
    const open = await app({ value: 200 });
    closers.push(() => new Promise((done) => open.server.close(done)));
    const closed = await app({ value: 200 });
    await new Promise((done) => closed.server.close(done));
    const tcp: HealthCheck = { ...CHECK, protocol: 'tcp', unhealthyThreshold: 2 };
    const { path: _, ...tcpCheck } = tcp;
    c.update([
      { listenerPort: 8080, port: open.port, healthCheck: tcpCheck },
      { listenerPort: 9090, port: closed.port, healthCheck: tcpCheck },
    ]);
    await vi.waitFor(() => expect(c.states().map((s) => s.status)).toEqual(['healthy', 'unhealthy']), {
      timeout: 2_000,
      interval: 5,
    });
    expect(c.states()[1]!.lastError).toMatch(/^ECONNREFUSED/);
  });

  it('checks http2 and grpc apps over HTTP/2', async () => {
    const serving = { value: 1 };
    const h2: Http2Server = createHttp2Server((req, res) => {
      if (req.url === '/grpc.health.v1.Health/Check') {
        res.writeHead(200, { 'content-type': 'application/grpc' });
        res.addTrailers({ 'grpc-status': '0' });
        res.end(Buffer.from([0, 0, 0, 0, 2, 0x08, serving.value]));
        return;
      }
      res.writeHead(req.url === '/ping' ? 200 : 404).end();
    });
    await new Promise<void>((done) => h2.listen(0, '127.0.0.1', done));
    closers.push(() => new Promise((done) => h2.close(done)));
    const port = (h2.address() as AddressInfo).port;
    const { checker: c } = checker();
    const { path: _, ...grpcCheck } = { ...CHECK, protocol: 'grpc' as const, unhealthyThreshold: 2 };
    c.update([
      { listenerPort: 8080, port, healthCheck: { ...CHECK, protocol: 'http2' } },
      { listenerPort: 9090, port, healthCheck: grpcCheck },
    ]);
    await vi.waitFor(() => expect(c.states().map((s) => s.status)).toEqual(['healthy', 'healthy']), {
      timeout: 2_000,
      interval: 5,
    });
    serving.value = 2; // NOT_SERVING
    await vi.waitFor(() => expect(c.statusOf(9090)).toBe('unhealthy'), { timeout: 2_000, interval: 5 });
    expect(c.states()[1]!.lastError).toBe('answered a status other than SERVING');
    expect(c.statusOf(8080)).toBe('healthy');
  });

  it('keeps the state of unchanged checks across updates and drops removed ones', async () => {
    const local = await app({ value: 200 });
    closers.push(() => new Promise((done) => local.server.close(done)));
    const { checker: c, changes } = checker();
    const target: HealthCheckTarget = { listenerPort: 8080, port: local.port, healthCheck: CHECK };
    c.update([target]);
    await vi.waitFor(() => expect(c.statusOf(8080)).toBe('healthy'), { timeout: 2_000, interval: 5 });
    c.update([{ ...target, healthCheck: { ...CHECK } }]);
    expect(c.statusOf(8080)).toBe('healthy');
    c.update([]);
    expect(c.states()).toEqual([]);
    expect(changes).toHaveLength(1);
  });
});

describe('healthCheckTargets', () => {
  it("probes each checked listener's app port", () => {
    const snapshot = routeMesh(
      {},
      {
        nodes: {
          blue: {
            serviceDiscovery: { dns: { hostname: 'blue.local' } },
            listeners: [
              {
                portMapping: { port: 8080, protocol: 'http' },
                healthCheck: {
                  protocol: 'http',
                  path: '/ping',
                  healthyThreshold: 2,
                  unhealthyThreshold: 2,
                  intervalMillis: 5000,
                  timeoutMillis: 2000,
                },
              },
              { portMapping: { port: 9090, protocol: 'tcp' } },
            ],
          },
        },
      },
    ).nodeSnapshot('blue');
    expect(healthCheckTargets(snapshot, [{ listenerPort: 8080, port: 3000 }])).toEqual([
      {
        listenerPort: 8080,
        port: 3000,
        healthCheck: expect.objectContaining({ protocol: 'http', path: '/ping' }),
      },
    ]);
    expect(healthCheckTargets(snapshot, [])[0]?.port).toBe(8080);
  });
});
