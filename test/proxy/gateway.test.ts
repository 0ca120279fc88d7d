import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateGatewayRouteCommand,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
} from '@aws-sdk/client-app-mesh';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localProxyConfig, type ProxyConfig } from '../../proxy/config/index.js';
import { type RunningProxy, startProxy } from '../../proxy/proxy.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';

const MESH = 'gateway-e2e';
const POLL_MS = 500;

/** An app that answers its name and remembers the path and Host of every request it gets. */
function recordingApp(name: string) {
  const seen: { url: string; host: string | undefined }[] = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', host: req.headers.host });
    res.writeHead(200, { 'content-type': 'text/plain' }).end(name);
  });
  return { server, seen };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function proxyConfig(
  cp: TestControlPlane,
  extra: Partial<ProxyConfig> & Pick<ProxyConfig, 'proxy'>,
): ProxyConfig {
  return localProxyConfig({ controlPlaneUrl: cp.url, mesh: MESH, pollIntervalMs: POLL_MS, ...extra });
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a virtual gateway in a real mesh', () => {
  let cp: TestControlPlane;
  const blue = recordingApp('blue');
  let blueProxy: RunningProxy;
  let gateway: RunningProxy;

  /** `GET path` on the gateway's ingress port, as a client outside the mesh sends it. */
  const viaGateway = async (path: string) => {
    const port = gateway.ingressPorts[0]?.port;
    if (port === undefined) throw new Error('the gateway reports no ingress port');
    const res = await request(`http://127.0.0.1:${port}${path}`, { headers: { host: 'www.example.com' } });
    return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
  };

  beforeAll(async () => {
    cp = await startTestControlPlane();
    const send = cp.client.send.bind(cp.client);
    await send(new CreateMeshCommand({ meshName: MESH }));
    await send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'blue',
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { awsCloudMap: { namespaceName: `${MESH}.local`, serviceName: 'blue' } },
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
        routeName: 'all',
        spec: {
          httpRoute: {
            match: { prefix: '/' },
            action: { weightedTargets: [{ virtualNode: 'blue', weight: 1 }] },
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
    await send(
      new CreateVirtualGatewayCommand({
        meshName: MESH,
        virtualGatewayName: 'ingress',
        spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
      }),
    );
    await send(
      new CreateGatewayRouteCommand({
        meshName: MESH,
        virtualGatewayName: 'ingress',
        gatewayRouteName: 'colors',
        spec: {
          httpRoute: {
            match: { prefix: '/colors' },
            action: { target: { virtualService: { virtualServiceName: 'colors.local' } } },
          },
        },
      }),
    );

    const blueApp = await listen(blue.server);
    blueProxy = await startProxy(
      proxyConfig(cp, {
        proxy: { kind: 'virtualNode', name: 'blue' },
        appPorts: { kind: 'single', port: blueApp },
        advertiseAddress: '127.0.0.1',
      }),
      { log: () => {} },
    );
    gateway = await startProxy(proxyConfig(cp, { proxy: { kind: 'virtualGateway', name: 'ingress' } }), {
      log: () => {},
    });
    // Ready once the gateway knows blue's registered endpoint.
    await until(async () => (await viaGateway('/colors/warmup')).status === 200, 10_000);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), blueProxy?.stop()]);
    blue.server.close();
    await cp?.stop();
  });

  it('is ready once its snapshot is applied, and serves its one listener on its ingress port', async () => {
    const ready = await request(`${gateway.adminUrl}/ready`);
    expect(ready.statusCode).toBe(200);
    await ready.body.dump();
    expect(gateway.ingressPorts).toHaveLength(1);
    expect(gateway.ingressPorts[0]!.listenerPort).toBe(8080);
    expect(gateway.ingressPorts[0]!.port).toBeGreaterThan(0);
    expect(gateway.egressPort).toBeUndefined();
  });

  it('routes /colors/paint through colors.local to the blue app as /paint with Host colors.local', async () => {
    blue.seen.length = 0;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await viaGateway(`/colors/paint?i=${i}`);
      statuses.push(res.status);
      expect(res.body).toBe('blue');
    }
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(blue.seen).toHaveLength(20);
    expect(blue.seen[0]).toEqual({ url: '/paint?i=0', host: 'colors.local' });
    expect(blue.seen.every(({ url, host }, i) => url === `/paint?i=${i}` && host === 'colors.local')).toBe(
      true,
    );
  });

  it('answers a path no gateway route matches with a 404 of its own, reaching no app', async () => {
    blue.seen.length = 0;
    const res = await viaGateway('/shapes/square');
    expect(res.status).toBe(404);
    expect(res.headers['x-tessera-local-reply']).toBe('true');
    expect(JSON.parse(res.body).message).toContain('no gateway route');
    expect(blue.seen).toHaveLength(0);
  });
});
