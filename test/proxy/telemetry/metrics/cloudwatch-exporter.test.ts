import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { metricData } from '../../../../proxy/telemetry/metrics/cloudwatch-batches.js';
import { CloudWatchExporter } from '../../../../proxy/telemetry/metrics/cloudwatch-exporter.js';
import { createMetrics } from '../../../../proxy/telemetry/metrics/create-metrics.js';
import { MetricsFlusher } from '../../../../proxy/telemetry/metrics/metrics-flusher.js';
import { MetricsRecorder, type RequestSample } from '../../../../proxy/telemetry/metrics/request-metrics.js';
import { Stats } from '../../../../proxy/telemetry/stats.js';
import { type CloudWatchEndpoint, startCloudWatchEndpoint } from '../../../support/cloudwatch-endpoint.js';

const identity = { mesh: 'colors', proxy: { kind: 'virtualNode' as const, name: 'front' } };
const sample = (latencyMs: number, status = 200): RequestSample => ({
  status,
  latencyMs,
  bytesIn: 5,
  bytesOut: 20,
  retries: 0,
  timedOut: false,
});

let cw: CloudWatchEndpoint;
beforeEach(async () => {
  cw = await startCloudWatchEndpoint();
});
afterEach(async () => {
  await cw.close();
});

describe('CloudWatchExporter', () => {
  it('sends latencies as Values/Counts that add up to the requests, with one-minute resolution', async () => {
    const recorder = new MetricsRecorder(identity);
    const key = recorder.outboundKey({
      targetVirtualService: 'color.mesh',
      targetVirtualNode: 'blue',
      route: 'main',
    });
    for (let ms = 1; ms <= 1000; ms++) recorder.record(key, sample(ms, ms % 100 === 0 ? 500 : 200));
    await new CloudWatchExporter({ namespace: 'Tessera', client: cw.client() }).export(recorder.drain());

    expect(cw.calls).toHaveLength(1);
    const data = cw.calls[0]!.body.MetricData;
    expect(cw.calls[0]!.body.Namespace).toBe('Tessera');
    const routeSet = (name: string) =>
      data.filter((d) => d.MetricName === name && d.Dimensions?.some((x) => x.Name === 'Route'));
    expect(routeSet('RequestCountPerTarget').map((d) => d.Value)).toEqual([1000]);
    expect(routeSet('HTTPCode_Target_5XX_Count').map((d) => d.Value)).toEqual([10]);
    expect(routeSet('RequestCountPerTarget')[0]?.Dimensions).toEqual([
      { Name: 'Mesh', Value: 'colors' },
      { Name: 'VirtualNode', Value: 'front' },
      { Name: 'TargetVirtualService', Value: 'color.mesh' },
      { Name: 'Route', Value: 'main' },
    ]);

    const latency = routeSet('TargetResponseTime');
    expect(latency.length).toBeGreaterThan(1); // more than 150 buckets: split over datums
    const values = latency.flatMap((d) => d.Values!);
    const counts = latency.flatMap((d) => d.Counts!);
    expect(latency.every((d) => d.Values!.length <= 150 && d.Unit === 'Milliseconds')).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1000);
    let seen = 0;
    const p50 = values.find((_, i) => {
      seen += counts[i]!;
      return seen >= 500;
    })!;
    expect(Math.abs(p50 - 500) / 500).toBeLessThanOrEqual(0.01);
    expect(data.every((d) => d.StorageResolution === 60)).toBe(true);
  });

  it('batches within 1,000 datums a request and gzips bodies over 10 KB', async () => {
    const recorder = new MetricsRecorder(identity);
    for (let i = 0; i < 227; i++) {
      const key = recorder.outboundKey({
        targetVirtualService: 'svc',
        targetVirtualNode: 'blue',
        route: `r${i}`,
      });
      recorder.record(key, sample(2));
    }
    const window = recorder.drain();
    expect(metricData(window)).toHaveLength(2508); // (1 target set + 227 route sets) × 11 metrics
    await new CloudWatchExporter({ client: cw.client() }).export(window);

    expect(cw.calls.map((c) => c.body.MetricData.length)).toEqual([1000, 1000, 508]);
    expect(cw.calls.every((c) => c.gzip && c.bodyBytes > 10_240 && c.wireBytes < c.bodyBytes)).toBe(true);
  });

  it('sends a small body uncompressed', async () => {
    const recorder = new MetricsRecorder(identity);
    recorder.record(recorder.inboundKey(), sample(1));
    await new CloudWatchExporter({ client: cw.client() }).export(recorder.drain());
    expect(cw.calls).toHaveLength(1);
    expect(cw.calls[0]!.gzip).toBe(false);
    expect(cw.calls[0]!.bodyBytes).toBeLessThan(10_240);
  });

  it('builds its own client from endpoint, region and credentials', async () => {
    const recorder = new MetricsRecorder(identity);
    recorder.record(recorder.inboundKey(), sample(1));
    const exporter = new CloudWatchExporter({
      endpoint: cw.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
    await exporter.export(recorder.drain());
    exporter.close();
    expect(cw.calls[0]?.body.MetricData.find((d) => d.MetricName === 'RequestCount')?.Value).toBe(1);
  });

  it('resumes a window after the requests CloudWatch already accepted', async () => {
    const recorder = new MetricsRecorder(identity);
    for (let i = 0; i < 100; i++) {
      recorder.record(
        recorder.outboundKey({ targetVirtualService: 's', targetVirtualNode: 'n', route: `r${i}` }),
        sample(1),
      );
    }
    const window = recorder.drain(); // 101 groups × 11 = 1111 datums: two requests
    const exporter = new CloudWatchExporter({ client: cw.client() });
    let calls = 0;
    const original = cw.calls.push.bind(cw.calls);
    cw.calls.push = (...items) => {
      if (++calls === 1) cw.behaviour = 'error';
      return original(...items);
    };
    await expect(exporter.export(window)).rejects.toThrow(/PutMetricData failed/);
    cw.behaviour = 'ok';
    await exporter.export(window);
    expect(cw.calls.map((c) => c.body.MetricData.length)).toEqual([1000, 111]);
  });
});

describe('metrics export failures', () => {
  for (const behaviour of ['throttle', 'error', 'down'] as const) {
    it(`keeps the data path unaffected and counts drops when CloudWatch is ${behaviour === 'down' ? 'down' : `answering ${behaviour}`}`, async () => {
      const stats = new Stats();
      const recorder = new MetricsRecorder(identity);
      const flusher = new MetricsFlusher({
        source: recorder,
        exporter: new CloudWatchExporter({ client: cw.client() }),
        stats,
        queueLimit: 2,
      });
      if (behaviour === 'down') await cw.close();
      else cw.behaviour = behaviour;
      const key = recorder.outboundKey({ targetVirtualService: 's', targetVirtualNode: 'n', route: 'r' });

      for (let round = 0; round < 5; round++) {
        const started = performance.now();
        for (let i = 0; i < 10_000; i++) recorder.record(key, sample(i % 50));
        expect(performance.now() - started).toBeLessThan(500); // no I/O, no waiting on the exporter
        await flusher.flush();
        expect(flusher.queued).toBeLessThanOrEqual(2);
      }
      expect(stats.counter('metrics_export_errors').value).toBe(5);
      expect(stats.counter('metrics_export_dropped').value).toBe(3);
      expect(stats.toPrometheus()).toContain('tessera_metrics_export_dropped 3');
      if (behaviour !== 'down') {
        cw.behaviour = 'ok';
        recorder.record(key, sample(1));
        await flusher.flush();
        // The new window pushes out the older of the two kept; the other (10,000 requests) and it arrive.
        const counts = cw.calls.flatMap((c) =>
          c.body.MetricData.filter(
            (d) => d.MetricName === 'RequestCountPerTarget' && d.Dimensions?.some((x) => x.Name === 'Route'),
          ).map((d) => d.Value),
        );
        expect(counts).toEqual([10_000, 1]);
        expect(stats.counter('metrics_export_dropped').value).toBe(4);
      }
    });
  }
});

describe('createMetrics', () => {
  it('publishes to the CloudWatch endpoint on flush and shutdown', async () => {
    const stats = new Stats();
    const metrics = createMetrics(
      {
        ...identity,
        mode: 'cloudwatch',
        intervalMs: 60_000,
        namespace: 'Custom/Mesh',
        cloudwatch: { endpoint: cw.endpoint, region: 'us-east-1', maxAttempts: 1 },
      },
      stats,
    );
    metrics.recorder.record(metrics.recorder.inboundKey(), sample(1));
    await metrics.flush();
    metrics.recorder.record(metrics.recorder.inboundKey(), sample(1));
    metrics.recorder.record(metrics.recorder.inboundKey(), sample(1));
    await metrics.shutdown();
    const requestCounts = cw.calls.map(
      (c) => c.body.MetricData.find((d) => d.MetricName === 'RequestCount')?.Value,
    );
    expect(requestCounts).toEqual([1, 2]);
    expect(cw.calls.every((c) => c.body.Namespace === 'Custom/Mesh')).toBe(true);
    expect(stats.counter('metrics_export_windows').value).toBe(2);
  });

  it('records and exports nothing when off', async () => {
    const metrics = createMetrics({ ...identity, mode: 'off' }, new Stats());
    metrics.recorder.record(metrics.recorder.inboundKey(), sample(1));
    await metrics.flush();
    await metrics.shutdown();
    expect(metrics.recorder.drain().cells).toEqual([]);
    expect(cw.attempts).toBe(0);
  });
});
