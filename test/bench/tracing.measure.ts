// `npm run bench:tracing`: what X-Ray tracing costs the proxy per request, in process — sampling off,
// 0%, 5% and 100% — from `begin` to the segment on the wire (UDP to a local sink). The proxy bench's
// throughput drifts more between rounds than this costs; CPU time per request here is steady.

import { createSocket } from 'node:dgram';
import { expect, it } from 'vitest';
import { createTracer, withTraceHeader } from '../../proxy/telemetry/tracing/index.js';
import { downstreamRequest } from '../support/downstream-request.js';

const REQUEST = downstreamRequest({ host: 'app.local', 'user-agent': 'wrk' });
const UPSTREAM_HEADERS = ['host', 'app.local', 'x-forwarded-for', '127.0.0.1', 'x-forwarded-proto', 'http'];

it('measures the tracer per request at each sampling rate', async () => {
  const sink = createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  let sent = 0;
  let dropped = 0;
  const counters = { sent: { inc: () => sent++ }, dropped: { inc: () => dropped++ } };
  const { port } = sink.address();

  /** CPU µs per request of one request's whole tracing path, as the listeners and forwarder drive it. */
  const measure = async (rate: number | undefined, n: number): Promise<number> => {
    const tracer = createTracer({
      enabled: rate !== undefined,
      mesh: 'bench',
      proxy: { kind: 'virtualNode', name: 'client' },
      samplingRate: rate ?? 0,
      reservoirPerSecond: 0,
      daemonAddress: `127.0.0.1:${port}`,
      counters,
    });
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      // Let the event loop send what was sampled, as it does between a proxy's requests.
      if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      const ctx = tracer.begin(REQUEST);
      const span = tracer.attempt(ctx, { endpoint: '127.0.0.1:8080', n: 1, name: 'app' });
      const header = tracer.traceHeaderFor(ctx, span);
      if (header !== undefined) withTraceHeader(UPSTREAM_HEADERS, header);
      span.end({ status: 200 });
      tracer.end(ctx, {
        status: 200,
        route: 'default',
        target: 'app',
        virtualService: 'app.local',
        bytesSent: 2,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    const used = process.cpuUsage(start);
    tracer.close();
    return (used.user + used.system) / n;
  };

  const rows: string[] = [];
  for (const [label, rate] of [
    ['tracing off', undefined],
    ['X-Ray, 0% sampled', 0],
    ['X-Ray, 5% sampled', 0.05],
    ['X-Ray, 100% sampled', 1],
  ] as const) {
    await measure(rate, 20_000); // warm-up
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push(await measure(rate, 100_000));
    runs.sort((a, b) => a - b);
    rows.push(`| ${label} | ${runs[1]!.toFixed(2)} (${runs[0]!.toFixed(2)}–${runs[2]!.toFixed(2)}) |`);
  }
  sink.close();
  console.log(
    [
      '',
      'Tracer CPU per request (median of 3 × 100,000; min–max):',
      '| tracing | µs/request |',
      '|---|--:|',
      ...rows,
      '',
    ].join('\n'),
  );
  console.log(`segments sent: ${sent}, dropped by the sender: ${dropped}`);
  // 5% and 100% of 320,000 requests each were sampled, and the socket took (nearly) all of them: the
  // figures include sending, not only building, the segments.
  expect(sent).toBeGreaterThan(300_000);
  expect(dropped).toBeLessThan(sent / 100);
});
