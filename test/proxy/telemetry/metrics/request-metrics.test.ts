import { describe, expect, it } from 'vitest';
import { valueAtPercentile } from '../../../../proxy/telemetry/metrics/distribution.js';
import { MetricsRecorder, type RequestSample } from '../../../../proxy/telemetry/metrics/request-metrics.js';

const identity = { mesh: 'colors', proxy: { kind: 'virtualNode' as const, name: 'front' } };
const ok = (latencyMs: number, status = 200): RequestSample => ({
  status,
  latencyMs,
  bytesIn: 10,
  bytesOut: 100,
  retries: 0,
  timedOut: false,
});

function recorder(now = () => 1_000) {
  return new MetricsRecorder({ ...identity, now });
}

describe('MetricsRecorder', () => {
  it('counts every outbound sample under its route and target, by status class', () => {
    const r = recorder();
    const blue = r.outboundKey({
      targetVirtualService: 'color.mesh',
      targetVirtualNode: 'blue',
      route: 'r1',
    });
    const statuses = [200, 201, 204, 301, 404, 409, 500, 503, 503, 0];
    for (const status of statuses) r.record(blue, ok(5, status));
    r.record(blue, {
      ...ok(5),
      retries: 2,
      timedOut: true,
      retryBudgetExhausted: true,
      pendingOverflow: true,
    });

    const [cell] = r.drain().cells;
    expect(cell?.dimensions).toEqual({
      TargetVirtualService: 'color.mesh',
      TargetVirtualNode: 'blue',
      Route: 'r1',
    });
    expect(cell?.values).toMatchObject({
      RequestCountPerTarget: 11,
      HTTPCode_Target_2XX_Count: 4,
      HTTPCode_Target_3XX_Count: 1,
      HTTPCode_Target_4XX_Count: 2,
      HTTPCode_Target_5XX_Count: 3,
      TargetProcessedBytes: 11 * 110,
      RetryCount: 2,
      TimeoutCount: 1,
      RetryBudgetExhaustedCount: 1,
      PendingOverflowCount: 1,
    });
    expect(cell?.latency?.count).toBe(11);
  });

  it('resolves the same key for the same route and target', () => {
    const r = recorder();
    const a = r.outboundKey({ targetVirtualService: 's', targetVirtualNode: 'n', route: 'r' });
    const b = r.outboundKey({ targetVirtualService: 's', targetVirtualNode: 'n', route: 'r' });
    expect(a).toBe(b);
    r.record(a, ok(1));
    r.record(b, ok(1));
    expect(r.drain().cells[0]?.values.RequestCountPerTarget).toBe(2);
  });

  it('keeps latency percentiles within 1% of the recorded timings', () => {
    const r = recorder();
    const key = r.outboundKey({ targetVirtualService: 's', targetVirtualNode: 'n', route: 'r' });
    for (let ms = 1; ms <= 1000; ms++) r.record(key, ok(ms));
    const latency = r.drain().cells[0]!.latency!;
    expect(latency.count).toBe(1000);
    expect(latency.min).toBe(1);
    expect(latency.max).toBe(1000);
    expect(latency.sum).toBe(500_500);
    expect(latency.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    for (const p of [50, 90, 99]) {
      expect(Math.abs(valueAtPercentile(latency, p) - p * 10) / (p * 10)).toBeLessThanOrEqual(0.01);
    }
  });

  it('counts inbound requests, bytes and connections on the node', () => {
    const r = recorder();
    const inbound = r.inboundKey();
    r.connectionOpened();
    r.connectionOpened();
    r.connectionOpened();
    r.connectionClosed();
    for (let i = 0; i < 7; i++) r.record(inbound, ok(3));
    r.setSnapshotAge(() => 12.7);
    const [cell] = r.drain().cells;
    expect(cell?.direction).toBe('inbound');
    expect(cell?.values).toEqual({
      RequestCount: 7,
      ProcessedBytes: 7 * 110,
      NewConnectionCount: 3,
      ActiveConnectionCount: 2,
      SnapshotAgeSeconds: 12,
    });
    expect(cell?.latency).toBeUndefined();
  });

  it('starts a new window on drain: counters reset, active connections carry over, idle keys are left out', () => {
    let now = 1_000;
    const r = recorder(() => now);
    const key = r.outboundKey({ targetVirtualService: 's', targetVirtualNode: 'n', route: 'r' });
    r.count(r.clusterKey('n'), 'OutlierEjectionCount');
    r.connectionOpened();
    r.record(key, ok(4));
    now = 61_000;
    const first = r.drain();
    expect(first.startedAt).toBe(1_000);
    expect(first.endedAt).toBe(61_000);
    expect(first.cells).toHaveLength(3);

    now = 121_000;
    const second = r.drain();
    expect(second.startedAt).toBe(61_000);
    expect(second.cells).toEqual([
      {
        direction: 'inbound',
        dimensions: {},
        values: { RequestCount: 0, ProcessedBytes: 0, NewConnectionCount: 0, ActiveConnectionCount: 1 },
      },
    ]);
  });

  it('hands out windows that later recording does not change', () => {
    const r = recorder();
    const key = r.outboundKey({ targetVirtualService: 's', targetVirtualNode: 'n', route: 'r' });
    r.record(key, ok(4));
    const window = r.drain();
    r.record(key, ok(8));
    r.record(key, ok(8));
    expect(window.cells[0]?.values.RequestCountPerTarget).toBe(1);
    expect(window.cells[0]?.latency?.count).toBe(1);
    expect(Object.isFrozen(window.cells[0]?.values)).toBe(true);
    expect(r.drain().cells[0]?.values.RequestCountPerTarget).toBe(2);
  });

  it('records nothing when disabled', () => {
    const r = new MetricsRecorder({ ...identity, enabled: false });
    const key = r.outboundKey({ targetVirtualService: 's', targetVirtualNode: 'n', route: 'r' });
    r.record(key, ok(4));
    r.connectionOpened();
    expect(r.drain().cells).toEqual([]);
  });
});
