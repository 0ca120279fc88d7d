import { afterEach, describe, expect, it } from 'vitest';
import { LeastRequest, RoundRobin } from '../../../proxy/upstream/balancer.js';
import { UpstreamEndpoint } from '../../../proxy/upstream/endpoint.js';
import { Upstreams } from '../../../proxy/upstream/upstreams.js';
import { downstream, fixed, type HttpUpstream, send } from './harness.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

function endpoints(n: number): UpstreamEndpoint[] {
  const list = Array.from(
    { length: n },
    (_, i) => new UpstreamEndpoint({ address: '127.0.0.1', port: 10_000 + i }, 10),
  );
  cleanup.push(async () => {
    await Promise.all(list.map((e) => e.drain()));
  });
  return list;
}

async function spread(kind: 'round-robin' | 'least-request', requests: number): Promise<number[]> {
  const apps: HttpUpstream[] = [];
  for (let i = 0; i < 3; i++) {
    const app = await fixed(200);
    apps.push(app);
    cleanup.push(() => app.close());
  }
  const upstreams = new Upstreams();
  cleanup.push(() => upstreams.close());
  const cluster = upstreams.static(
    'app',
    apps.map((a) => ({ address: '127.0.0.1', port: a.port })),
    { balancer: kind },
  );
  const proxy = await downstream({ cluster });
  cleanup.push(() => proxy.close());
  for (let i = 0; i < requests; i++) expect((await send(proxy.port)).status).toBe(200);
  return apps.map((a) => a.hits);
}

describe('RoundRobin', () => {
  it('spreads requests exactly evenly over real endpoints', async () => {
    expect(await spread('round-robin', 30)).toEqual([10, 10, 10]);
  });

  it('skips ejected and unhealthy endpoints and prefers a host other than the one to avoid', () => {
    const [a, b, c] = endpoints(3) as [UpstreamEndpoint, UpstreamEndpoint, UpstreamEndpoint];
    const rr = new RoundRobin();
    b.ejected = true;
    c.healthy = false;
    expect([rr.pick([a, b, c], undefined), rr.pick([a, b, c], undefined)]).toEqual([a, a]);
    c.healthy = true;
    expect(rr.pick([a, b, c], a)).toBe(c);
    expect(rr.pick([a, b], a)).toBe(a); // the only one available, even if it should be avoided
    a.ejected = true;
    expect(rr.pick([a, b], undefined)).toBeUndefined();
  });
});

describe('LeastRequest', () => {
  it('spreads requests roughly evenly over real endpoints', async () => {
    const hits = await spread('least-request', 300);
    for (const h of hits) expect(h).toBeGreaterThan(60);
  });

  it('picks the less loaded of two choices', () => {
    const [a, b] = endpoints(2) as [UpstreamEndpoint, UpstreamEndpoint];
    a.active = 5;
    b.active = 1;
    const lr = new LeastRequest();
    for (let i = 0; i < 20; i++) expect(lr.pick([a, b], undefined)).toBe(b);
  });

  it('never picks an ejected endpoint and avoids the previous host when it can', () => {
    const list = endpoints(4);
    list[0]!.ejected = true;
    list[1]!.ejected = true;
    const lr = new LeastRequest();
    const seen = new Set<UpstreamEndpoint>();
    for (let i = 0; i < 200; i++) seen.add(lr.pick(list, list[2])!);
    expect([...seen]).toEqual([list[3]]);
  });
});
