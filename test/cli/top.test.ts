import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  CreateMeshCommand,
  CreateVirtualNodeCommand,
  CreateVirtualServiceCommand,
} from '@aws-sdk/client-app-mesh';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localProxyConfig, type ProxyConfig } from '../../proxy/config/index.js';
import { type RunningProxy, startProxy } from '../../proxy/proxy.js';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';

const CLI = join(import.meta.dirname, '../../dist/cli/tessera.js');
const MESH = 'top';

function proxyConfig(cp: TestControlPlane, node: string, extra: Partial<ProxyConfig>): ProxyConfig {
  return localProxyConfig({
    controlPlaneUrl: cp.url,
    mesh: MESH,
    proxy: { kind: 'virtualNode', name: node },
    pollIntervalMs: 500,
    ...extra,
  });
}

describe('tessera top', () => {
  let cp: TestControlPlane;
  let app: Server;
  let caller: RunningProxy;
  let server: RunningProxy;
  let top: ChildProcess | undefined;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    const send = cp.client.send.bind(cp.client);
    await send(new CreateMeshCommand({ meshName: MESH }));
    await send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'server',
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { awsCloudMap: { namespaceName: 'top.local', serviceName: 'server' } },
        },
      }),
    );
    await send(
      new CreateVirtualServiceCommand({
        meshName: MESH,
        virtualServiceName: 'server.local',
        spec: { provider: { virtualNode: { virtualNodeName: 'server' } } },
      }),
    );
    await send(
      new CreateVirtualNodeCommand({
        meshName: MESH,
        virtualNodeName: 'caller',
        spec: { backends: [{ virtualService: { virtualServiceName: 'server.local' } }] },
      }),
    );
    app = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const appPort = (app.address() as AddressInfo).port;
    server = await startProxy(proxyConfig(cp, 'server', { appPorts: { kind: 'single', port: appPort } }), {
      log: () => {},
    });
    caller = await startProxy(proxyConfig(cp, 'caller', {}), { log: () => {} });
  }, 60_000);

  afterAll(async () => {
    top?.kill('SIGKILL');
    await caller?.stop();
    await server?.stop();
    app?.close();
    await cp?.stop();
  });

  it("prints each proxy's service and the routes it sends to, with their rates", async () => {
    // Traffic through the caller's egress to server.local, until it is answered.
    let answered = 0;
    const started = Date.now();
    while (answered < 20 && Date.now() - started < 15_000) {
      const res = await request(`http://127.0.0.1:${caller.egressPort}/`, {
        headers: { host: 'server.local' },
      });
      if ((await res.body.text()) === 'ok') answered++;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answered).toBe(20);

    const child = spawn(
      process.execPath,
      [CLI, 'top', '--admin', caller.adminUrl, '--admin', server.adminUrl, '--interval', '0.3'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    top = child;
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 10_000;
    // Keep traffic flowing while top samples twice.
    while (!/^caller → server\.local\/\S+ +[1-9]/m.test(output) && Date.now() < deadline) {
      const res = await request(`http://127.0.0.1:${caller.egressPort}/`, {
        headers: { host: 'server.local' },
      });
      await res.body.dump();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(output).toContain('tessera top · 2 proxies');
    expect(output).toMatch(/^SERVICE \/ ROUTE +REQ\/S +SUCCESS +P50 +P99 +RETRIES\/S +EJECTIONS$/m);
    expect(output).toMatch(/^caller +/m);
    expect(output).toMatch(/^server +[1-9]\d*\.\d +100\.0% +- +- +- +0$/m);
    expect(output).toMatch(/^caller → server\.local\/\S+ +[1-9]\d*\.\d +100\.0% +- +- +0\.0 +-$/m);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  }, 30_000);
});
