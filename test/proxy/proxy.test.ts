import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  UpdateRouteCommand,
} from '@aws-sdk/client-app-mesh';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localProxyConfig, type ProxyConfig } from '../../proxy/config/index.js';
import { type RunningProxy, startProxy } from '../../proxy/proxy.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';

const MESH = 'e2e';
const POLL_MS = 500;

/** An app that answers its name, failing with 500 on every `failEvery`-th request when asked to. */
function colorApp(name: string) {
  const state = { hits: 0, failEvery: 0 };
  const server = createServer((_req, res) => {
    state.hits++;
    if (state.failEvery > 0 && state.hits % state.failEvery === 0) {
      res.writeHead(500).end('boom');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  });
  return { server, state };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function proxyConfig(cp: TestControlPlane, node: string, extra: Partial<ProxyConfig>): ProxyConfig {
  return localProxyConfig({
    controlPlaneUrl: cp.url,
    mesh: MESH,
    proxy: { kind: 'virtualNode', name: node },
    instanceId: `${node}-test`,
    pollIntervalMs: POLL_MS,
    ...extra,
  });
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

/** `n` requests to colors.local through a proxy's egress port; the bodies and statuses seen. */
async function callColors(
  proxy: RunningProxy,
  n: number,
): Promise<{ bodies: Record<string, number>; statuses: number[] }> {
  const bodies: Record<string, number> = {};
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await request(`http://127.0.0.1:${proxy.egressPort}/paint`, {
      headers: { host: 'colors.local' },
    });
    const body = await res.body.text();
    statuses.push(res.statusCode);
    if (res.statusCode === 200) bodies[body] = (bodies[body] ?? 0) + 1;
  }
  return { bodies, statuses };
}

function counter(proxy: RunningProxy, name: string, labels: Record<string, string>): number {
  return proxy.stats
    .snapshot()
    .counters.filter((c) => c.name === name && Object.entries(labels).every(([k, v]) => c.labels[k] === v))
    .reduce((sum, c) => sum + c.value, 0);
}

describe('the proxy in a real mesh', () => {
  let cp: TestControlPlane;
  const blue = colorApp('blue');
  const green = colorApp('green');
  let blueProxy: RunningProxy;
  let greenProxy: RunningProxy;
  let front: RunningProxy;
  let blueIngress: number;
  let blueApp: number;
  let stateDir: string;
  const routeInput = (weights: { blue: number; green: number }, retries?: number) => ({
    meshName: MESH,
    virtualRouterName: 'colors',
    routeName: 'paint',
    spec: {
      httpRoute: {
        match: { prefix: '/' },
        action: {
          weightedTargets: [
            { virtualNode: 'blue', weight: weights.blue },
            { virtualNode: 'green', weight: weights.green },
          ],
        },
        ...(retries === undefined
          ? {}
          : {
              retryPolicy: {
                maxRetries: retries,
                perRetryTimeout: { unit: 'ms' as const, value: 2000 },
                httpRetryEvents: ['server-error'],
              },
            }),
      },
    },
  });

  beforeAll(async () => {
    cp = await startTestControlPlane();
    stateDir = await mkdtemp(join(tmpdir(), 'tessera-proxy-'));
    const send = cp.client.send.bind(cp.client);
    await send(new CreateMeshCommand({ meshName: MESH }));
    for (const node of ['blue', 'green']) {
      await send(
        new CreateVirtualNodeCommand({
          meshName: MESH,
          virtualNodeName: node,
          spec: {
            listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
            serviceDiscovery: { awsCloudMap: { namespaceName: `${MESH}.local`, serviceName: node } },
          },
        }),
      );
    }
    await send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'front',
        spec: { backends: [{ virtualService: { virtualServiceName: 'colors.local' } }] },
      }),
    );
    await send(
      new CreateVirtualRouterCommand({
        meshName: MESH,
        virtualRouterName: 'colors',
        spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
      }),
    );
    await send(new CreateRouteCommand(routeInput({ blue: 1, green: 0 })));
    await send(
      new CreateVirtualServiceCommand({
        meshName: MESH,
        virtualServiceName: 'colors.local',
        spec: { provider: { virtualRouter: { virtualRouterName: 'colors' } } },
      }),
    );

    blueApp = await listen(blue.server);
    const greenApp = await listen(green.server);
    blueIngress = await freePort();
    blueProxy = await startProxy(
      proxyConfig(cp, 'blue', {
        ingressPorts: { kind: 'single', port: blueIngress },
        appPorts: { kind: 'single', port: blueApp },
        stateDir: join(stateDir, 'blue'),
      }),
      { log: () => {} },
    );
    greenProxy = await startProxy(
      proxyConfig(cp, 'green', { appPorts: { kind: 'single', port: greenApp } }),
      { log: () => {} },
    );
    front = await startProxy(proxyConfig(cp, 'front', { stateDir: join(stateDir, 'front') }), {
      log: () => {},
    });
    // Ready once front knows blue's registered endpoint.
    await until(async () => (await callColors(front, 1)).statuses[0] === 200, 10_000);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([front?.stop(), blueProxy?.stop(), greenProxy?.stop()]);
    blue.server.close();
    green.server.close();
    await cp?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('is ready, and routes the app’s requests through the router to the target node’s proxy and app', async () => {
    const ready = await request(`${front.adminUrl}/ready`);
    expect(ready.statusCode).toBe(200);
    await ready.body.dump();
    const before = blue.state.hits;
    const { bodies, statuses } = await callColors(front, 50);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(bodies).toEqual({ blue: 50 });
    expect(blue.state.hits - before).toBe(50);
  });

  it('applies new weights from the App Mesh API within one poll', async () => {
    await cp.client.send(new UpdateRouteCommand(routeInput({ blue: 1, green: 3 })));
    const tookMs = await until(async () => ((await callColors(front, 1)).bodies.green ?? 0) > 0, 5_000);
    // Propagation: the control plane's next poll, the endpoint watcher's, plus request time.
    expect(tookMs).toBeLessThan(2 * POLL_MS + 1_000);
    const { bodies } = await callColors(front, 400);
    expect(bodies.blue! + bodies.green!).toBe(400);
    expect(bodies.green! / 400).toBeGreaterThan(0.75 - 0.08);
    expect(bodies.green! / 400).toBeLessThan(0.75 + 0.08);
  });

  it('applies a retry policy from the App Mesh API: 500s that used to reach the app are retried', async () => {
    green.state.failEvery = 4;
    try {
      const without = await callColors(front, 200);
      // No route policy: App Mesh's default retries 503 only, so the 500s get through.
      expect(without.statuses.filter((s) => s === 500).length).toBeGreaterThan(10);

      await cp.client.send(new UpdateRouteCommand(routeInput({ blue: 1, green: 3 }, 3)));
      await until(async () => {
        const retries = counter(front, 'upstream_rq_retry', { route: 'paint' });
        await callColors(front, 8);
        return counter(front, 'upstream_rq_retry', { route: 'paint' }) > retries;
      }, 5_000);
      const greenBefore = green.state.hits;
      const retriesBefore = counter(front, 'upstream_rq_retry', { route: 'paint' });
      const withRetries = await callColors(front, 200);
      expect(withRetries.statuses.every((s) => s === 200)).toBe(true);
      const retries = counter(front, 'upstream_rq_retry', { route: 'paint' }) - retriesBefore;
      // Every retry is one more request reaching green's app: attempts = green-routed requests + retries.
      expect(green.state.hits - greenBefore).toBe(withRetries.bodies.green! + retries);
      expect(retries).toBeGreaterThan(10);
    } finally {
      green.state.failEvery = 0;
    }
  });

  it('keeps routing while the control plane is down, and a restarted proxy serves from its disk copy', async () => {
    await cp.stop();
    const during = await callColors(front, 50);
    expect(during.statuses.every((s) => s === 200)).toBe(true);

    // Restart blue's proxy on the same ingress port while the control plane is still down.
    await blueProxy.stop();
    blueProxy = await startProxy(
      proxyConfig(cp, 'blue', {
        ingressPorts: { kind: 'single', port: blueIngress },
        appPorts: { kind: 'single', port: blueApp },
        stateDir: join(stateDir, 'blue'),
      }),
      { log: () => {} },
    );
    const config = await request(`${blueProxy.adminUrl}/config`);
    expect(config.statusCode).toBe(200);
    expect(JSON.stringify(await config.body.json())).toContain('"disk"');
    const ready = await request(`${blueProxy.adminUrl}/ready`);
    expect(ready.statusCode).toBe(200);
    await ready.body.dump();
    const before = blue.state.hits;
    const after = await callColors(front, 100);
    expect(after.statuses.every((s) => s === 200)).toBe(true);
    expect(blue.state.hits - before).toBe(after.bodies.blue);
    expect(after.bodies.blue).toBeGreaterThan(0);

    // The calling side too: front restarted without its control plane routes from its disk copies.
    await front.stop();
    front = await startProxy(proxyConfig(cp, 'front', { stateDir: join(stateDir, 'front') }), {
      log: () => {},
    });
    const restarted = await callColors(front, 40);
    expect(restarted.statuses.every((s) => s === 200)).toBe(true);
    expect((restarted.bodies.blue ?? 0) + (restarted.bodies.green ?? 0)).toBe(40);
  });

  it('is not ready, and routes nothing, when it starts with neither a control plane nor a disk copy', async () => {
    const lonely = await startProxy(proxyConfig(cp, 'front', {}), { log: () => {} });
    try {
      const ready = await request(`${lonely.adminUrl}/ready`);
      expect(ready.statusCode).toBe(503);
      await ready.body.dump();
      const res = await request(`http://127.0.0.1:${lonely.egressPort}/paint`, {
        headers: { host: 'colors.local' },
      });
      expect(res.statusCode).toBe(503);
      expect(res.headers['x-tessera-local-reply']).toBe('true');
      await res.body.dump();
    } finally {
      await lonely.stop();
    }
  });
});
