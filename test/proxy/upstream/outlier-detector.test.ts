import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutlierDetection } from '../../../control-plane/snapshot/index.js';
import { systemClock } from '../../../proxy/upstream/clock.js';
import { UpstreamEndpoint } from '../../../proxy/upstream/endpoint.js';
import { OutlierDetector } from '../../../proxy/upstream/outlier-detector.js';
import { Upstreams } from '../../../proxy/upstream/upstreams.js';
import { downstream, fixed, send } from './harness.js';

const config: OutlierDetection = {
  maxServerErrors: 3,
  intervalMs: 10_000,
  baseEjectionDurationMs: 30_000,
  maxEjectionPercent: 50,
};

let list: UpstreamEndpoint[] = [];
let detector: OutlierDetector | undefined;

beforeEach(() => {
  vi.useFakeTimers();
  list = Array.from(
    { length: 4 },
    (_, i) => new UpstreamEndpoint({ address: '127.0.0.1', port: 20_000 + i }, 10),
  );
});

afterEach(async () => {
  detector?.close();
  vi.useRealTimers();
  await Promise.all(list.map((e) => e.drain()));
});

function make(overrides: Partial<OutlierDetection> = {}, onEject?: () => void): OutlierDetector {
  detector = new OutlierDetector({ ...config, ...overrides }, () => list, systemClock, onEject);
  return detector;
}

function fail(d: OutlierDetector, endpoint: UpstreamEndpoint, times: number): void {
  for (let i = 0; i < times; i++) d.report(endpoint, true);
}

describe('OutlierDetector', () => {
  it('ejects after maxServerErrors consecutive errors and restores after the ejection time', () => {
    const ejections = vi.fn();
    const d = make({}, ejections);
    const e = list[0]!;
    fail(d, e, 2);
    expect(e.ejected).toBe(false);
    fail(d, e, 1);
    expect(e.ejected).toBe(true);
    expect(e.timesEjected).toBe(1);
    expect(ejections).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(29_999);
    expect(e.ejected).toBe(true);
    vi.advanceTimersByTime(1);
    expect(e.ejected).toBe(false);
  });

  it('resets the count on a success', () => {
    const d = make();
    const e = list[0]!;
    fail(d, e, 2);
    d.report(e, false);
    fail(d, e, 2);
    expect(e.ejected).toBe(false);
  });

  it('ejects for base × times ejected', () => {
    const d = make({ intervalMs: 0 });
    const e = list[0]!;
    fail(d, e, 3);
    vi.advanceTimersByTime(30_000);
    expect(e.ejected).toBe(false);
    fail(d, e, 3);
    expect(e.timesEjected).toBe(2);
    vi.advanceTimersByTime(59_999);
    expect(e.ejected).toBe(true);
    vi.advanceTimersByTime(1);
    expect(e.ejected).toBe(false);
  });

  it('lowers the multiplier on sweeps while an endpoint stays in', () => {
    const d = make();
    const e = list[0]!;
    fail(d, e, 3);
    vi.advanceTimersByTime(30_000); // back in; a sweep ran at 10 s, 20 s, 30 s while it was out
    expect(e.ejectionMultiplier).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(e.ejectionMultiplier).toBe(0);
    fail(d, e, 3);
    expect(e.ejectedUntil - Date.now()).toBe(30_000);
  });

  it('never ejects more than maxEjectionPercent of the endpoints', () => {
    const d = make({ maxEjectionPercent: 50 });
    for (const e of list) fail(d, e, 3);
    expect(list.filter((e) => e.ejected)).toHaveLength(2);
    vi.advanceTimersByTime(30_000);
    expect(list.filter((e) => e.ejected)).toHaveLength(0);
  });

  it('ejects none when the percentage allows less than one endpoint', () => {
    const d = make({ maxEjectionPercent: 20 });
    fail(d, list[0]!, 10);
    expect(list[0]!.ejected).toBe(false);
  });
});

describe('outlier detection in a cluster', () => {
  it('stops sending requests to an endpoint that keeps answering 5xx', async () => {
    vi.useRealTimers();
    const bad = await fixed(500);
    const good = await fixed(200);
    const upstreams = new Upstreams();
    const cluster = upstreams.static(
      'app',
      [bad, good].map((a) => ({ address: '127.0.0.1', port: a.port })),
      { balancer: 'round-robin', outlierDetection: { ...config, maxServerErrors: 2 } },
    );
    const proxy = await downstream({ cluster });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await send(proxy.port)).status);
      expect(bad.hits).toBe(2);
      expect(good.hits).toBe(8);
      expect(statuses.filter((s) => s === 500)).toHaveLength(2);
      const described = upstreams.describe().clusters[0]!.endpoints;
      expect(described[0]).toMatchObject({
        address: `127.0.0.1:${bad.port}`,
        ejected: true,
        timesEjected: 1,
      });
      expect(described[1]).toMatchObject({ ejected: false, timesEjected: 0 });
    } finally {
      await proxy.close();
      await upstreams.close();
      await bad.close();
      await good.close();
    }
  });
});
