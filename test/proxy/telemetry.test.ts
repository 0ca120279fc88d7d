import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
} from '@aws-sdk/client-app-mesh';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localProxyConfig } from '../../proxy/config/index.js';
import { type RunningProxy, startProxy } from '../../proxy/proxy.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';
import { toHaveEmittedEmf } from '../support/emf-matcher.js';
import { startXrayDaemon, type XrayDaemon } from '../support/xray-daemon.js';

expect.extend({ toHaveEmittedEmf });

const MESH = 'tele';
const NAMESPACE = 'TesseraTest';

describe('proxy telemetry, end to end', () => {
  let cp: TestControlPlane;
  let daemon: XrayDaemon;
  let app: Server;
  let blueProxy: RunningProxy;
  let front: RunningProxy;
  const emf: string[] = [];
  /** The app: remembers each request's trace header; fails once with 500 when asked. */
  const appState = { failNext: false, traceHeaders: [] as string[] };

  /** The segment of trace `root`, once the daemon has it. */
  const segmentOf = async (root: string) => {
    for (let i = 0; i < 100; i++) {
      const found = daemon.segments.find((segment) => segment.trace_id === root);
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no segment for trace ${root}`);
  };

  const accessLogPath = join(tmpdir(), `tessera-access-${process.pid}-${Date.now()}.log`);
  let calls = 0;
  const call = async (headers: Record<string, string> = {}) => {
    calls++;
    const started = performance.now();
    const res = await request(`http://127.0.0.1:${front.egressPort}/paint`, {
      headers: { host: 'colors.local', ...headers },
    });
    await res.body.text();
    return { status: res.statusCode, ms: performance.now() - started };
  };

  beforeAll(async () => {
    cp = await startTestControlPlane();
    daemon = await startXrayDaemon();
    const send = cp.client.send.bind(cp.client);
    await send(new CreateMeshCommand({ meshName: MESH }));
    await send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'blue',
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { awsCloudMap: { namespaceName: 'tele.local', serviceName: 'blue' } },
        },
      }),
    );
    await send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'front',
        spec: {
          backends: [{ virtualService: { virtualServiceName: 'colors.local' } }],
          logging: { accessLog: { file: { path: accessLogPath } } },
        },
      }),
    );
    await send(
      new CreateVirtualRouterCommand({
        meshName: MESH,
        virtualRouterName: 'colors',
        spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
      }),
    );
    await send(
      new CreateRouteCommand({
        meshName: MESH,
        virtualRouterName: 'colors',
        routeName: 'paint',
        spec: {
          httpRoute: {
            match: { prefix: '/' },
            action: { weightedTargets: [{ virtualNode: 'blue', weight: 1 }] },
            retryPolicy: {
              maxRetries: 2,
              perRetryTimeout: { unit: 's', value: 2 },
              httpRetryEvents: ['server-error'],
            },
          },
        },
      }),
    );
    await send(
      new CreateVirtualServiceCommand({
        meshName: MESH,
        virtualServiceName: 'colors.local',
        spec: { provider: { virtualRouter: { virtualRouterName: 'colors' } } },
      }),
    );
    app = createServer((req, res) => {
      appState.traceHeaders.push(String(req.headers['x-amzn-trace-id'] ?? ''));
      if (appState.failNext) {
        appState.failNext = false;
        res.writeHead(500).end('once');
        return;
      }
      res.end('blue');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const appPort = (app.address() as AddressInfo).port;
    blueProxy = await startProxy(
      localProxyConfig({
        controlPlaneUrl: cp.url,
        mesh: MESH,
        proxy: { kind: 'virtualNode', name: 'blue' },
        appPorts: { kind: 'single', port: appPort },
      }),
      { log: () => {} },
    );
    const out = new PassThrough();
    let pending = '';
    out.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      emf.push(...lines.filter((line) => line.trim() !== ''));
    });
    front = await startProxy(
      localProxyConfig({
        controlPlaneUrl: cp.url,
        mesh: MESH,
        proxy: { kind: 'virtualNode', name: 'front' },
        metrics: { mode: 'emf', intervalMs: 3_600_000, namespace: NAMESPACE },
        tracing: { mode: 'xray', samplingRate: 1 },
      }),
      { log: () => {}, telemetry: { emfOut: out, xrayDaemonAddress: daemon.address } },
    );
    for (let i = 0; i < 100 && (await call()).status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([front?.stop(), blueProxy?.stop()]);
    app?.close();
    await daemon?.close();
    await cp?.stop();
    await rm(accessLogPath, { force: true });
  });

  it('starts a trace and passes it upstream with this hop as the parent, one subsegment per attempt', async () => {
    appState.traceHeaders.length = 0;
    appState.failNext = true;
    expect((await call()).status).toBe(200);
    // The first attempt got a 500 and was retried: two upstream requests, one trace.
    expect(appState.traceHeaders).toHaveLength(2);
    const [first, second] = appState.traceHeaders.map((h) =>
      Object.fromEntries(h.split(';').map((p) => p.split('='))),
    );
    expect(first!.Root).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(second!.Root).toBe(first!.Root);
    expect(first!.Sampled).toBe('1');
    const segment = await segmentOf(first!.Root);
    expect(segment!.name).toBe(`${MESH}/front`);
    expect(segment!.http?.response?.status).toBe(200);
    expect(segment!.annotations).toMatchObject({
      route: 'paint',
      virtual_service: 'colors.local',
      target: 'blue',
    });
    const attempts = segment!.subsegments ?? [];
    expect(attempts).toHaveLength(2);
    expect(attempts.map((a) => a.id)).toEqual([first!.Parent, second!.Parent]);
    expect(attempts[0]!.fault).toBe(true);
  });

  it('continues a trace the caller started', async () => {
    appState.traceHeaders.length = 0;
    const root = '1-5759e988-bd862e3fe1be46a994272793';
    await call({ 'x-amzn-trace-id': `Root=${root};Parent=53995c3f42cd8ad8;Sampled=1` });
    const upstream = Object.fromEntries(appState.traceHeaders[0]!.split(';').map((p) => p.split('=')));
    expect(upstream.Root).toBe(root);
    const segment = await segmentOf(root);
    expect(segment!.parent_id).toBe('53995c3f42cd8ad8');
    expect(upstream.Parent).toBe(segment!.subsegments![0]!.id);
  });

  it('writes the node’s access log in App Mesh’s default format', async () => {
    await call({ 'user-agent': 'telemetry-test' });
    let lines: string[] = [];
    for (let i = 0; i < 100 && !lines.some((l) => l.includes('telemetry-test')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      lines = (await readFile(accessLogPath, 'utf8').catch(() => '')).split('\n');
    }
    const line = lines.find((l) => l.includes('telemetry-test'))!;
    expect(line).toMatch(/^\[\d{4}-\d{2}-\d{2}T[\d:.]+Z\] "GET \/paint HTTP\/1\.1" 200 - 0 4 \d+ /);
    expect(line).toContain('"colors.local"');
    expect(line).toMatch(/"127\.0\.0\.1:\d+"$/);
  });

  it('publishes EMF on shutdown: request counts equal requests sent, latencies consistent with timings', async () => {
    const timings: number[] = [];
    for (let i = 0; i < 30; i++) timings.push((await call()).ms);
    await front.stop();
    const dimensions = {
      Mesh: MESH,
      VirtualNode: 'front',
      TargetVirtualService: 'colors.local',
      TargetVirtualNode: 'blue',
    };
    // Every request front's app sent: these 30, the earlier tests' and the readiness wait's.
    expect(emf).toHaveEmittedEmf({
      namespace: NAMESPACE,
      dimensions,
      metrics: { RequestCountPerTarget: calls },
    });
    const doc = emf
      .map((line) => JSON.parse(line))
      .find((d) => d.TargetVirtualNode === 'blue' && d.TargetResponseTime);
    const latencies = ([] as number[]).concat(doc.TargetResponseTime);
    expect(Math.min(...latencies)).toBeGreaterThan(0);
    // The proxy's view of a request is inside the client's.
    expect(Math.max(...latencies)).toBeLessThanOrEqual(Math.max(...timings) * 1.05 + 5_000);
    expect(doc.RetryCount).toBeGreaterThanOrEqual(1);
    expect(doc.HTTPCode_Target_2XX_Count).toBe(doc.RequestCountPerTarget);
  });
});
