import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MetricsExporter } from '../../../../proxy/telemetry/metrics/metrics-exporter.js';
import { MetricsFlusher } from '../../../../proxy/telemetry/metrics/metrics-flusher.js';
import type { MetricsWindow } from '../../../../proxy/telemetry/metrics/metrics-window.js';
import { MetricsRecorder, type RequestSample } from '../../../../proxy/telemetry/metrics/request-metrics.js';
import { Stats } from '../../../../proxy/telemetry/stats.js';

const sample: RequestSample = {
  status: 200,
  latencyMs: 3,
  bytesIn: 0,
  bytesOut: 1,
  retries: 0,
  timedOut: false,
};

class RecordingExporter implements MetricsExporter {
  readonly windows: MetricsWindow[] = [];
  failing = false;
  closed = false;
  async export(window: MetricsWindow): Promise<void> {
    if (this.failing) throw new Error('endpoint unreachable');
    this.windows.push(window);
  }
  close(): void {
    this.closed = true;
  }
}

function setup(queueLimit?: number) {
  const recorder = new MetricsRecorder({ mesh: 'm', proxy: { kind: 'virtualNode', name: 'n' } });
  const exporter = new RecordingExporter();
  const stats = new Stats();
  const flusher = new MetricsFlusher({
    source: recorder,
    exporter,
    stats,
    intervalMs: 10_000,
    ...(queueLimit !== undefined ? { queueLimit } : {}),
  });
  const counter = (name: string) => stats.counter(name).value;
  return { recorder, exporter, flusher, counter, key: recorder.inboundKey() };
}

describe('MetricsFlusher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('exports a window every interval and a last one on shutdown', async () => {
    const { recorder, exporter, flusher, key, counter } = setup();
    flusher.start();
    recorder.record(key, sample);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(exporter.windows).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(exporter.windows).toHaveLength(1);
    recorder.record(key, sample);
    recorder.record(key, sample);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(exporter.windows.map((w) => w.cells[0]?.values.RequestCount)).toEqual([1, 2]);

    recorder.record(key, sample);
    await flusher.shutdown();
    expect(exporter.windows.map((w) => w.cells[0]?.values.RequestCount)).toEqual([1, 2, 1]);
    expect(exporter.closed).toBe(true);
    expect(counter('metrics_export_windows')).toBe(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(exporter.windows).toHaveLength(3);
  });

  it('skips windows with no activity', async () => {
    const { exporter, flusher } = setup();
    flusher.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(exporter.windows).toHaveLength(0);
  });

  it('keeps failed windows up to the bound, drops the oldest beyond it, and sends the rest once it recovers', async () => {
    const { recorder, exporter, flusher, key, counter } = setup(3);
    flusher.start();
    exporter.failing = true;
    for (let i = 1; i <= 5; i++) {
      for (let n = 0; n < i; n++) recorder.record(key, sample);
      await vi.advanceTimersByTimeAsync(10_000);
    }
    expect(flusher.queued).toBe(3);
    expect(counter('metrics_export_dropped')).toBe(2);
    expect(counter('metrics_export_errors')).toBe(5);

    exporter.failing = false;
    recorder.record(key, sample);
    await vi.advanceTimersByTimeAsync(10_000);
    // The new window is queued first, which pushes out the oldest kept one (3 windows at most).
    expect(exporter.windows.map((w) => w.cells[0]?.values.RequestCount)).toEqual([4, 5, 1]);
    expect(counter('metrics_export_dropped')).toBe(3);
    expect(flusher.queued).toBe(0);
  });

  it('counts what is still queued as dropped when shutdown cannot export it', async () => {
    const { recorder, exporter, flusher, key, counter } = setup();
    exporter.failing = true;
    recorder.record(key, sample);
    await flusher.flush();
    recorder.record(key, sample);
    await flusher.shutdown();
    expect(counter('metrics_export_dropped')).toBe(2);
    expect(flusher.queued).toBe(0);
  });
});
