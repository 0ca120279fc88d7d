import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracer, type Tracer, TracingConfigError } from '../../../../proxy/telemetry/tracing/index.js';
import { downstreamRequest } from '../../../support/downstream-request.js';
import { startXrayDaemon, type XrayDaemon } from '../../../support/xray-daemon.js';

const ROOT = '1-5759e988-bd862e3fe1be46a994272793';
const PARENT = '53995c3f42cd8ad8';

function request(headers: Record<string, string> = {}, url = '/colors?x=1') {
  return downstreamRequest(
    { host: 'color.mesh.local', 'user-agent': 'curl/8', ...headers },
    { url, remoteAddress: '10.0.0.7' },
  );
}

/** mulberry32: a seeded random source. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createTracer', () => {
  let daemon: XrayDaemon;
  let tracer: Tracer | undefined;

  beforeEach(async () => {
    daemon = await startXrayDaemon();
  });
  afterEach(async () => {
    tracer?.close();
    tracer = undefined;
    vi.useRealTimers();
    await daemon.close();
  });

  const make = (options: Partial<Parameters<typeof createTracer>[0]> = {}) => {
    tracer = createTracer({
      enabled: true,
      mesh: 'colors',
      proxy: { kind: 'virtualNode', name: 'front' },
      daemonAddress: daemon.address,
      reservoirPerSecond: 1_000,
      ...options,
    });
    return tracer;
  };

  it('starts a trace and sends one segment with http fields and annotations', async () => {
    const t = make();
    const ctx = t.begin(request());
    expect(ctx.sampled).toBe(true);
    t.end(ctx, {
      status: 200,
      route: 'blue-first',
      target: 'blue',
      virtualService: 'color.mesh.local',
      bytesSent: 12,
    });
    const [segment] = await daemon.waitFor(1);
    expect(segment!.name).toBe('colors/front');
    expect(segment!.trace_id).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(segment!.trace_id).toBe(ctx.root);
    expect(segment!.parent_id).toBeUndefined();
    expect(segment!.origin).toBe('AWS::AppMesh::Proxy');
    expect(segment!.in_progress).toBeUndefined();
    expect(segment!.end_time).toBeGreaterThanOrEqual(segment!.start_time);
    expect(segment!.http).toEqual({
      request: {
        method: 'GET',
        url: 'http://color.mesh.local/colors?x=1',
        client_ip: '10.0.0.7',
        user_agent: 'curl/8',
      },
      response: { status: 200, content_length: 12 },
    });
    expect(segment!.annotations).toEqual({
      mesh: 'colors',
      node: 'front',
      route: 'blue-first',
      target: 'blue',
      virtual_service: 'color.mesh.local',
    });
    expect(segment!.error ?? segment!.fault ?? segment!.throttle).toBeUndefined();
    expect(daemon.malformed).toEqual([]);
  });

  it('names a gateway annotation and honours segmentName and X-Forwarded-For', async () => {
    const t = make({ proxy: { kind: 'virtualGateway', name: 'edge' }, segmentName: 'custom' });
    const ctx = t.begin(request({ 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }));
    t.end(ctx, { status: 429 });
    const [segment] = await daemon.waitFor(1);
    expect(segment!.name).toBe('custom');
    expect(segment!.annotations).toEqual({ mesh: 'colors', gateway: 'edge' });
    expect(segment!.http?.request).toMatchObject({ client_ip: '203.0.113.9', x_forwarded_for: true });
    expect([segment!.error, segment!.throttle, segment!.fault]).toEqual([true, true, undefined]);
  });

  it('flags 4xx as error and 5xx as fault', async () => {
    const t = make();
    t.end(t.begin(request()), { status: 404 });
    t.end(t.begin(request()), { status: 503 });
    const [notFound, unavailable] = await daemon.waitFor(2);
    expect([notFound!.error, notFound!.fault]).toEqual([true, undefined]);
    expect([unavailable!.error, unavailable!.fault]).toEqual([undefined, true]);
  });

  it('continues an incoming trace: same Root, Parent of the caller, upstream Parent of this hop', async () => {
    const t = make();
    const ctx = t.begin(
      request({ 'x-amzn-trace-id': `Root=${ROOT};Parent=${PARENT};Sampled=1;Lineage=a:1` }),
    );
    expect(ctx.root).toBe(ROOT);
    const attempt = t.attempt(ctx, { endpoint: '10.0.1.5:8080', n: 1, name: 'blue' });
    const header = t.traceHeaderFor(ctx, attempt);
    expect(header).toBe(`Root=${ROOT};Parent=${attempt.id};Sampled=1;Lineage=a:1`);
    attempt.end({ status: 200 });
    t.end(ctx, { status: 200 });
    const [segment] = await daemon.waitFor(1);
    expect(segment!.trace_id).toBe(ROOT);
    expect(segment!.parent_id).toBe(PARENT);
    expect(segment!.subsegments?.map((s) => s.id)).toEqual([attempt.id]);
    expect(t.traceHeaderFor(ctx)).toBe(`Root=${ROOT};Parent=${segment!.id};Sampled=1;Lineage=a:1`);
  });

  it('records a retried request as one segment with one subsegment per attempt', async () => {
    const t = make();
    const ctx = t.begin(request());
    const first = t.attempt(ctx, { endpoint: '10.0.1.5:8080', n: 1 });
    first.end({ status: 503 });
    const second = t.attempt(ctx, { endpoint: '10.0.1.6:8080', n: 2 });
    expect(t.traceHeaderFor(ctx, second)).toContain(`Parent=${second.id}`);
    second.end({ status: 200 });
    t.end(ctx, { status: 200 });
    const segments = await daemon.waitFor(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(daemon.segments).toHaveLength(1);
    const subs = segments[0]!.subsegments!;
    expect(subs.map((s) => [s.name, s.namespace, s.annotations?.attempt, s.http?.response?.status])).toEqual([
      ['10.0.1.5:8080', 'remote', 1, 503],
      ['10.0.1.6:8080', 'remote', 2, 200],
    ]);
    expect([subs[0]!.fault, subs[1]!.fault]).toEqual([true, undefined]);
    expect(subs[0]!.http?.request).toEqual({ method: 'GET', url: 'http://10.0.1.5:8080/colors?x=1' });
    for (const sub of subs) expect(sub.end_time).toBeGreaterThanOrEqual(sub.start_time);
  });

  it('marks an attempt without a response as a remote fault, and closes attempts left open', async () => {
    const t = make();
    const ctx = t.begin(request());
    t.attempt(ctx, { endpoint: '10.0.1.5:8080', n: 1 }).end({ error: new Error('connect ECONNREFUSED') });
    t.attempt(ctx, { endpoint: '10.0.1.6:8080', n: 2 });
    t.end(ctx, { status: 0, aborted: true });
    t.end(ctx, { status: 200 });
    const [segment] = await daemon.waitFor(1);
    const [refused, open] = segment!.subsegments!;
    expect(refused!.fault).toBe(true);
    expect(JSON.stringify(refused!.cause)).toContain('ECONNREFUSED');
    expect(open!.in_progress).toBeUndefined();
    expect(open!.end_time).toBeDefined();
    expect([segment!.error, segment!.fault]).toEqual([true, true]);
    await new Promise((r) => setTimeout(r, 50));
    expect(daemon.segments).toHaveLength(1);
  });

  it('sends nothing for Sampled=0 and passes the header on unchanged', async () => {
    const t = make();
    const incoming = `Root=${ROOT};Parent=${PARENT};Sampled=0`;
    const ctx = t.begin(request({ 'x-amzn-trace-id': incoming }));
    expect(ctx.sampled).toBe(false);
    const attempt = t.attempt(ctx, { endpoint: '10.0.1.5:8080', n: 1 });
    expect(attempt.id).toBeUndefined();
    attempt.end({ status: 200 });
    expect(t.traceHeaderFor(ctx, attempt)).toBe(incoming);
    t.end(ctx, { status: 200 });
    await new Promise((r) => setTimeout(r, 100));
    expect(daemon.segments).toEqual([]);
  });

  it('decides Sampled=? itself and writes the decision upstream', async () => {
    const t = make({ reservoirPerSecond: 0, samplingRate: 0 });
    const ctx = t.begin(request({ 'x-amzn-trace-id': `Root=${ROOT};Parent=${PARENT};Sampled=?` }));
    expect(ctx.sampled).toBe(false);
    expect(t.traceHeaderFor(ctx)).toBe(`Root=${ROOT};Parent=${PARENT};Sampled=0`);
    const started = t.begin(request());
    expect(t.traceHeaderFor(started)).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Sampled=0$/);
  });

  it('samples the reservoir each second, then the rate', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'));
    const t = make({ reservoirPerSecond: 1, samplingRate: 0.05, random: seeded(42) });
    const perSecond = [0, 0, 0, 0, 0];
    let sampled = 0;
    for (let second = 0; second < 100; second++) {
      for (let i = 0; i < 100; i++) {
        const ctx = t.begin(request());
        if (ctx.sampled) {
          sampled++;
          if (second < 5) perSecond[second]!++;
        }
        vi.advanceTimersByTime(10);
      }
    }
    // 100 from the reservoir + 5% of 9,900: 595 expected.
    expect(sampled).toBeGreaterThanOrEqual(595 - 75);
    expect(sampled).toBeLessThanOrEqual(595 + 75);
    for (const n of perSecond) expect(n).toBeGreaterThanOrEqual(1);

    const reservoirOnly = make({ reservoirPerSecond: 2, samplingRate: 0 });
    let kept = 0;
    for (let i = 0; i < 300; i++) {
      if (reservoirOnly.begin(request()).sampled) kept++;
      vi.advanceTimersByTime(10);
    }
    expect(kept).toBe(6);
  });

  it('does nothing when disabled: no datagrams, header passed through', async () => {
    const t = createTracer({
      enabled: false,
      mesh: 'colors',
      proxy: { kind: 'virtualNode', name: 'front' },
      daemonAddress: daemon.address,
    });
    const ctx = t.begin(request({ 'x-amzn-trace-id': `Root=${ROOT};Sampled=1` }));
    const attempt = t.attempt(ctx, { endpoint: '10.0.1.5:8080', n: 1 });
    expect(t.traceHeaderFor(ctx, attempt)).toBeUndefined();
    attempt.end({ status: 200 });
    t.end(ctx, { status: 200 });
    expect(t.enabled).toBe(false);
    expect(t.begin(request())).toBe(ctx);
    await new Promise((r) => setTimeout(r, 100));
    expect(daemon.segments).toEqual([]);
  });

  it('counts send errors when the daemon port is closed and never throws', async () => {
    const closed = createSocket('udp4');
    await new Promise<void>((r) => closed.bind(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    let sent = 0;
    let dropped = 0;
    const t = make({
      daemonAddress: `127.0.0.1:${port}`,
      counters: { sent: { inc: () => sent++ }, dropped: { inc: () => dropped++ } },
    });
    for (let i = 0; i < 20 && dropped === 0; i++) {
      expect(() => t.end(t.begin(request()), { status: 200 })).not.toThrow();
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(dropped).toBeGreaterThan(0);
    expect(sent + dropped).toBeGreaterThan(0);
  });

  it('counts what the daemon receives as sent', async () => {
    let sent = 0;
    const t = make({ counters: { sent: { inc: () => sent++ } } });
    for (let i = 0; i < 3; i++) t.end(t.begin(request()), { status: 200 });
    await daemon.waitFor(3);
    await vi.waitFor(() => expect(sent).toBe(3));
  });

  it('rejects bad options, naming each field', () => {
    expect(() =>
      createTracer({
        enabled: true,
        mesh: 'colors',
        proxy: { kind: 'virtualNode', name: 'front' },
        samplingRate: 2,
        centralizedSampling: true,
        daemonAddress: 'nowhere',
      }),
    ).toThrow(TracingConfigError);
    try {
      createTracer({
        enabled: true,
        mesh: 'colors',
        proxy: { kind: 'virtualNode', name: 'front' },
        samplingRate: 2,
        centralizedSampling: true,
        daemonAddress: 'nowhere',
      });
    } catch (err) {
      expect((err as Error).message).toContain('samplingRate: must be 0–1, got 2');
      expect((err as Error).message).toContain('centralizedSampling');
      expect((err as Error).message).toContain('daemonAddress');
    }
  });
});
