import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpLimits } from '../../../../proxy/http/limits.js';
import { type HttpServer, startHttpServer } from '../../../../proxy/http/server/index.js';
import { createTracer, type Tracer, withTraceHeader } from '../../../../proxy/telemetry/tracing/index.js';
import { startXrayDaemon, type XrayDaemon } from '../../../support/xray-daemon.js';

const ROOT = '1-5759e988-bd862e3fe1be46a994272793';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('tracing through real sockets', () => {
  let daemon: XrayDaemon;
  let tracer: Tracer;
  let app: Server;
  let proxy: HttpServer;
  let proxyPort: number;
  const seenByApp: IncomingHttpHeaders[] = [];
  let failFirst = 0;

  beforeAll(async () => {
    daemon = await startXrayDaemon();
    tracer = createTracer({
      enabled: true,
      mesh: 'colors',
      proxy: { kind: 'virtualNode', name: 'front' },
      daemonAddress: daemon.address,
      reservoirPerSecond: 100,
    });
    app = createServer((req, res) => {
      seenByApp.push(req.headers);
      if (failFirst > 0) {
        failFirst--;
        res.writeHead(503).end('busy');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('blue');
    });
    const appPort = await listen(app);
    // A tiny proxy: what the listeners and forwarder do, reduced to the tracer calls.
    proxy = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      limits: httpLimits(),
      handle: async (req, res) => {
        const ctx = tracer.begin(req);
        const endpoint = `127.0.0.1:${appPort}`;
        let status = 0;
        let body = '';
        for (let n = 1; n <= 2; n++) {
          const attempt = tracer.attempt(ctx, { endpoint, n, name: 'blue' });
          const base = ['host', 'color.mesh.local'];
          const incoming = req.header('x-amzn-trace-id');
          if (incoming) base.push('x-amzn-trace-id', incoming);
          const header = tracer.traceHeaderFor(ctx, attempt);
          const headers = header === undefined ? base : withTraceHeader(base, header);
          const upstream = await request(`http://${endpoint}${req.url}`, { headers });
          body = await upstream.body.text();
          status = upstream.statusCode;
          attempt.end({ status });
          if (status !== 503) break;
        }
        res.writeHead(status, []);
        res.end(body);
        tracer.end(ctx, { status, route: 'default', target: 'blue', bytesSent: Buffer.byteLength(body) });
      },
    });
    proxyPort = proxy.port;
  });

  afterAll(async () => {
    tracer.close();
    await proxy.drain(0);
    await new Promise((r) => app.close(r));
    await daemon.close();
  });

  it('carries the Root and this hop as Parent to the app, and sends the segment', async () => {
    seenByApp.length = 0;
    const res = await request(`http://127.0.0.1:${proxyPort}/color`, {
      headers: { 'x-amzn-trace-id': `Root=${ROOT};Parent=1111111111111111;Sampled=1` },
    });
    expect(await res.body.text()).toBe('blue');
    const [segment] = await daemon.waitFor(1);
    const sub = segment!.subsegments![0]!;
    expect(seenByApp[0]!['x-amzn-trace-id']).toBe(`Root=${ROOT};Parent=${sub.id};Sampled=1`);
    expect(segment!.trace_id).toBe(ROOT);
    expect(segment!.parent_id).toBe('1111111111111111');
    expect(segment!.http?.response).toEqual({ status: 200, content_length: 4 });
    expect(segment!.annotations).toMatchObject({ mesh: 'colors', node: 'front', route: 'default' });
  });

  it('gives each retry its own subsegment and Parent', async () => {
    seenByApp.length = 0;
    const before = daemon.segments.length;
    failFirst = 1;
    const res = await request(`http://127.0.0.1:${proxyPort}/color`);
    expect(res.statusCode).toBe(200);
    await res.body.text();
    const segments = await daemon.waitFor(before + 1);
    const segment = segments[before]!;
    const subs = segment.subsegments!;
    expect(subs.map((s) => s.http?.response?.status)).toEqual([503, 200]);
    expect(seenByApp.map((h) => h['x-amzn-trace-id'])).toEqual(
      subs.map((s) => `Root=${segment.trace_id};Parent=${s.id};Sampled=1`),
    );
  });
});
