import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EmfExporter, serializeEmf } from '../../../../proxy/telemetry/metrics/emf-exporter.js';
import { MetricsRecorder, type RequestSample } from '../../../../proxy/telemetry/metrics/request-metrics.js';
import { emfProblems, toHaveEmittedEmf } from '../../../support/emf-matcher.js';

expect.extend({ toHaveEmittedEmf });

const sample = (latencyMs: number, status = 200): RequestSample => ({
  status,
  latencyMs,
  bytesIn: 0,
  bytesOut: 50,
  retries: 0,
  timedOut: false,
});
const node = { Mesh: 'colors', VirtualNode: 'front' };

function trafficWindow(requests: number) {
  const r = new MetricsRecorder({ mesh: 'colors', proxy: { kind: 'virtualNode', name: 'front' } });
  const blue = r.outboundKey({
    targetVirtualService: 'color.mesh',
    targetVirtualNode: 'blue',
    route: 'main',
  });
  const green = r.outboundKey({
    targetVirtualService: 'color.mesh',
    targetVirtualNode: 'green',
    route: 'main',
  });
  for (let i = 1; i <= requests; i++)
    r.record(i % 4 === 0 ? green : blue, sample(i, i % 10 === 0 ? 503 : 200));
  for (let i = 0; i < 5; i++) r.record(r.inboundKey(), sample(1));
  return r.drain();
}

async function captured(
  exporter: (out: PassThrough) => EmfExporter,
  window: ReturnType<typeof trafficWindow>,
) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  await exporter(out).export(window);
  return text.split('\n').filter((line) => line !== '');
}

describe('EmfExporter', () => {
  it('writes one spec-valid line per dimension set, with the counts recorded', async () => {
    const lines = await captured((out) => new EmfExporter({ namespace: 'Tessera', out }), trafficWindow(400));
    expect(lines).toHaveLength(1 + 2 + 1); // node, two targets, one route
    expect(lines).toHaveEmittedEmf({
      namespace: 'Tessera',
      dimensions: node,
      metrics: { RequestCount: 5, ProcessedBytes: 250 },
    });
    expect(lines).toHaveEmittedEmf({
      namespace: 'Tessera',
      dimensions: { ...node, TargetVirtualService: 'color.mesh', TargetVirtualNode: 'blue' },
      // every 10th request is a 503; every 20th went to green
      metrics: { RequestCountPerTarget: 300, HTTPCode_Target_5XX_Count: 20, HTTPCode_Target_2XX_Count: 280 },
    });
    expect(lines).toHaveEmittedEmf({
      namespace: 'Tessera',
      dimensions: { ...node, TargetVirtualService: 'color.mesh', Route: 'main' },
      metrics: {
        RequestCountPerTarget: 400,
        TargetProcessedBytes: 400 * 50,
        HTTPCode_Target_5XX_Count: 40,
        TargetResponseTime: (v: unknown) => Array.isArray(v) && v.length === 100,
      },
    });
  });

  it('stands for the latency histogram with at most 100 values whose percentiles follow it', () => {
    const lines = serializeEmf(trafficWindow(1000), { namespace: 'Mesh/Proxy' });
    const route = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((doc) => doc.Route === 'main')!;
    const values = route.TargetResponseTime as number[];
    expect(values).toHaveLength(100);
    expect(values[0]).toBe(1);
    expect(values[99]).toBe(1000);
    const sorted = [...values].sort((a, b) => a - b);
    const p50 = sorted[49]!;
    expect(Math.abs(p50 - 500) / 500).toBeLessThanOrEqual(0.02);
    expect(lines).toHaveEmittedEmf({
      namespace: 'Mesh/Proxy',
      dimensions: { ...node, TargetVirtualService: 'color.mesh', Route: 'main' },
      metrics: { RequestCountPerTarget: 1000 },
    });
  });

  it('emits every request latency when a group saw no more than 100', () => {
    const lines = serializeEmf(trafficWindow(8));
    const green = lines.map((l) => JSON.parse(l)).find((doc) => doc.TargetVirtualNode === 'green');
    const [four, eight] = green.TargetResponseTime as number[];
    expect(four).toBeCloseTo(4, 1);
    expect(eight).toBeCloseTo(8, 1);
    expect(lines).toHaveEmittedEmf({
      namespace: 'Tessera',
      dimensions: { ...node, TargetVirtualService: 'color.mesh', TargetVirtualNode: 'green' },
      metrics: { RequestCountPerTarget: 2 },
    });
  });

  it('names VirtualGateway for a gateway proxy', () => {
    const r = new MetricsRecorder({ mesh: 'colors', proxy: { kind: 'virtualGateway', name: 'edge' } });
    r.record(r.inboundKey(), sample(2));
    expect(serializeEmf(r.drain())).toHaveEmittedEmf({
      namespace: 'Tessera',
      dimensions: { Mesh: 'colors', VirtualGateway: 'edge' },
      metrics: { RequestCount: 1 },
    });
  });

  it('writes nothing for an empty window', async () => {
    const r = new MetricsRecorder({ mesh: 'colors', proxy: { kind: 'virtualNode', name: 'front' } });
    expect(await captured((out) => new EmfExporter({ out }), r.drain())).toEqual([]);
  });
});

describe('toHaveEmittedEmf', () => {
  it('reports a metric with no top-level member, too many values, and a missing dimension', () => {
    const line = JSON.stringify({
      Mesh: 'm',
      Latency: Array.from({ length: 101 }, () => 1),
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [
          {
            Namespace: 'T',
            Dimensions: [['Mesh', 'VirtualNode']],
            Metrics: [{ Name: 'Latency' }, { Name: 'Gone' }],
          },
        ],
      },
    });
    expect(emfProblems(line)).toEqual([
      '_aws.CloudWatchMetrics[0].Dimensions[0]: "VirtualNode" is not a top-level string member',
      'Latency: must have 1–100 values, got 101',
      'Gone: the top-level member must be a number or an array of numbers',
    ]);
    expect(() =>
      expect([line]).toHaveEmittedEmf({ namespace: 'T', dimensions: { Mesh: 'm' }, metrics: {} }),
    ).toThrow(/break the specification/);
  });

  it('fails when the values differ from those expected', () => {
    const r = new MetricsRecorder({ mesh: 'colors', proxy: { kind: 'virtualNode', name: 'front' } });
    r.record(r.inboundKey(), sample(2));
    expect(() =>
      expect(serializeEmf(r.drain())).toHaveEmittedEmf({
        namespace: 'Tessera',
        dimensions: node,
        metrics: { RequestCount: 2 },
      }),
    ).toThrow(/RequestCount=1/);
  });
});
