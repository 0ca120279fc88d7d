import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Cluster, Endpoint } from '../../../control-plane/snapshot/index.js';
import { UNLIMITED } from '../../../control-plane/snapshot/index.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import { Upstreams } from '../../../proxy/upstream/upstreams.js';
import { delay, downstream, fixed, httpUpstream, json, send } from './harness.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

function track<T extends { close(): Promise<void> }>(thing: T): T {
  cleanup.push(() => thing.close());
  return thing;
}

function cluster(node: string, port: number, overrides: Partial<Cluster> = {}): Cluster {
  return {
    id: `${node}:${port}`,
    virtualNode: node,
    port,
    protocol: 'http',
    discovery: { kind: 'none' },
    connectionPool: { maxConnections: UNLIMITED, maxPendingRequests: UNLIMITED, maxRequests: UNLIMITED },
    timeout: { perRequestMs: 15_000, idleMs: 300_000 },
    ...overrides,
  };
}

function endpoint(id: string, port: number, listenerPort = 8080): Endpoint {
  return { id, address: '127.0.0.1', ports: [{ listenerPort, port }], source: 'proxy' };
}

describe('Upstreams.apply', () => {
  it('joins registry endpoints on the listener port and describes them', async () => {
    const stats = new Stats();
    const upstreams = track(new Upstreams({ stats }));
    upstreams.apply([cluster('colors', 8080), cluster('colors', 9090)], {
      colors: [
        {
          id: 'a',
          address: '10.0.0.1',
          ports: [
            { listenerPort: 8080, port: 31000 },
            { listenerPort: 9090, port: 31001 },
          ],
          source: 'ecs',
        },
        { id: 'b', address: 'fd00::2', ports: [{ listenerPort: 8080, port: 32000 }], source: 'proxy' },
      ],
    });
    const description = upstreams.describe();
    expect(description.clusters.map((c) => [c.id, c.endpoints.map((e) => e.address)])).toEqual([
      ['colors:8080', ['10.0.0.1:31000', '[fd00::2]:32000']],
      ['colors:9090', ['10.0.0.1:31001']],
    ]);
    expect(description.clusters[0]!.endpoints[0]).toEqual({
      address: '10.0.0.1:31000',
      healthy: true,
      ejected: false,
      timesEjected: 0,
      activeRequests: 0,
    });
    expect(description.clusters[0]).toMatchObject({
      maxConnectionsPerEndpoint: 'unlimited',
      pendingRequests: 0,
    });
    expect(upstreams.get('colors:8080')).toBeDefined();
    upstreams.apply([cluster('colors', 9090)], {});
    expect(upstreams.get('colors:8080')).toBeUndefined();
    expect(upstreams.get('colors:9090')!.endpoints).toHaveLength(0);
  });

  it('answers 503 "no healthy upstream" for a cloudMap node with no registry endpoints', async () => {
    const upstreams = track(new Upstreams());
    upstreams.apply(
      [
        cluster('mapped', 8080, {
          discovery: {
            kind: 'cloudMap',
            namespaceName: 'ns',
            serviceName: 's',
            attributes: [],
            ipPreference: 'IPv4_PREFERRED',
          },
        }),
      ],
      { mapped: [] },
    );
    const proxy = track(await downstream({ cluster: upstreams.get('mapped:8080')! }));
    const res = await send(proxy.port);
    expect(res.status).toBe(503);
    expect(json(res.body).message).toBe('no healthy upstream');
  });

  it('keeps an in-flight request alive while its endpoint is replaced, then drains the old pool', async () => {
    const slow = track(await httpUpstream((_req, res) => setTimeout(() => res.end('slow done'), 300)));
    const fast = track(await fixed(200, 'new'));
    const upstreams = track(new Upstreams());
    upstreams.apply([cluster('app', 8080)], { app: [endpoint('old', slow.port)] });
    const state = upstreams.get('app:8080')!;
    const proxy = track(await downstream({ cluster: state }));
    const inFlight = send(proxy.port);
    await delay(100);
    expect(slow.hits).toBe(1);
    const old = state.endpoints[0]!;
    upstreams.apply(
      [
        cluster('app', 8080, {
          connectionPool: { maxConnections: 5, maxPendingRequests: 5, maxRequests: UNLIMITED },
        }),
      ],
      {
        app: [endpoint('new', fast.port)],
      },
    );
    expect(state.endpoints.map((e) => e.port)).toEqual([fast.port]);
    expect(old.draining).toBe(true);
    const next = await send(proxy.port);
    expect(next.body).toBe('new');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body).toBe('slow done');
    expect(res.complete).toBe(true);
    await delay(20);
    expect(old.pool.closed).toBe(true);
  });

  it('keeps an in-flight request alive when its cluster leaves the snapshot', async () => {
    const slow = track(await httpUpstream((_req, res) => setTimeout(() => res.end('finished'), 200)));
    const upstreams = track(new Upstreams());
    upstreams.apply([cluster('app', 8080)], { app: [endpoint('a', slow.port)] });
    const proxy = track(await downstream({ cluster: upstreams.get('app:8080')! }));
    const inFlight = send(proxy.port);
    await delay(50);
    upstreams.apply([], {});
    const res = await inFlight;
    expect(res.body).toBe('finished');
    expect(res.complete).toBe(true);
  });
});

describe('DNS discovery', () => {
  it('resolves localhost when a dns node has no registry endpoints', async () => {
    const app = track(await fixed(200, 'via dns'));
    const upstreams = track(new Upstreams());
    upstreams.apply(
      [
        cluster('dns-app', app.port, {
          discovery: {
            kind: 'dns',
            hostname: 'localhost',
            responseType: 'ENDPOINTS',
            ipPreference: 'IPv4_ONLY',
          },
        }),
      ],
      { 'dns-app': [] },
    );
    const state = upstreams.get(`dns-app:${app.port}`)!;
    const proxy = track(await downstream({ cluster: state }));
    const res = await send(proxy.port); // waits for the first resolution
    expect(res.status).toBe(200);
    expect(res.body).toBe('via dns');
    expect(upstreams.describe().clusters[0]).toMatchObject({
      source: 'dns:localhost',
      endpoints: [{ address: `127.0.0.1:${app.port}` }],
    });
  });

  it('re-resolves periodically, keeps the last addresses on failure, and honours LOADBALANCER', async () => {
    vi.useFakeTimers();
    try {
      let answer: () => Promise<{ address: string; family: number }[]> = async () => [
        { address: '10.0.0.1', family: 4 },
        { address: '10.0.0.2', family: 4 },
        { address: 'fd00::1', family: 6 },
      ];
      const lookup = vi.fn((_host: string, _family: 0 | 4 | 6) => answer());
      const upstreams = new Upstreams({ lookup, dnsRefreshMs: 5_000 });
      cleanup.push(async () => {
        vi.useRealTimers();
        await upstreams.close();
      });
      const dns = (responseType: 'ENDPOINTS' | 'LOADBALANCER') =>
        cluster('svc', 80, {
          discovery: { kind: 'dns', hostname: 'svc.local', responseType, ipPreference: 'IPv4_PREFERRED' },
        });
      upstreams.apply([dns('ENDPOINTS')], {});
      const state = upstreams.get('svc:80')!;
      await vi.advanceTimersByTimeAsync(0);
      expect(state.endpoints.map((e) => e.key)).toEqual(['10.0.0.1:80', '10.0.0.2:80']);
      answer = async () => {
        throw new Error('SERVFAIL');
      };
      await vi.advanceTimersByTimeAsync(5_000);
      expect(lookup).toHaveBeenCalledTimes(2);
      expect(state.endpoints.map((e) => e.key)).toEqual(['10.0.0.1:80', '10.0.0.2:80']);
      answer = async () => [{ address: '10.0.0.3', family: 4 }];
      await vi.advanceTimersByTimeAsync(5_000);
      expect(state.endpoints.map((e) => e.key)).toEqual(['10.0.0.3:80']);
      answer = async () => [
        { address: 'fd00::7', family: 6 },
        { address: '10.0.0.7', family: 4 },
        { address: '10.0.0.8', family: 4 },
      ];
      upstreams.apply([dns('LOADBALANCER')], {});
      await vi.advanceTimersByTimeAsync(0);
      expect(state.endpoints.map((e) => e.key)).toEqual(['10.0.0.7:80']);
      // Registry endpoints, once they exist, take precedence over DNS.
      upstreams.apply([dns('LOADBALANCER')], { svc: [endpoint('r', 9999, 80)] });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(state.endpoints.map((e) => e.key)).toEqual(['127.0.0.1:9999']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Upstreams.static and passthrough', () => {
  it('updates a static cluster in place', async () => {
    const upstreams = track(new Upstreams());
    const a = upstreams.static('inbound:8080', [{ address: '127.0.0.1', port: 3000 }]);
    const b = upstreams.static('inbound:8080', [{ address: '127.0.0.1', port: 3001 }], {
      connectionPool: { maxConnections: 4, maxPendingRequests: 8 },
    });
    expect(b).toBe(a);
    expect(a.describe()).toMatchObject({
      endpoints: [{ address: '127.0.0.1:3001' }],
      maxConnectionsPerEndpoint: 4,
      maxPendingRequests: 8,
    });
  });

  it('forwards to a real host by name through a passthrough cluster', async () => {
    const app = track(await fixed(200, 'outside'));
    const upstreams = track(new Upstreams());
    const outside = upstreams.passthrough('localhost', app.port);
    expect(upstreams.passthrough('localhost', app.port)).toBe(outside);
    const proxy = track(await downstream({ cluster: outside }));
    const res = await send(proxy.port);
    expect(res.body).toBe('outside');
    expect(upstreams.describe().clusters.map((c) => c.id)).toEqual([`passthrough:localhost:${app.port}`]);
  });
});
