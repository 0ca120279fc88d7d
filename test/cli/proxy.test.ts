import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateMeshCommand, CreateVirtualNodeCommand } from '@aws-sdk/client-app-mesh';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane } from '../support/control-plane.js';

// The compiled CLI, as `npx tessera` runs it (npm test builds first).
const CLI = join(import.meta.dirname, '../../dist/cli/tessera.js');

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, 'proxy', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('tessera proxy', () => {
  let cp: TestControlPlane;
  let app: Server;
  let appPort: number;
  beforeAll(async () => {
    cp = await startTestControlPlane();
    await cp.client.send(new CreateMeshCommand({ meshName: 'cli' }));
    await cp.client.send(
      new CreateVirtualNodeCommand({
        meshName: 'cli',
        virtualNodeName: 'blue',
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { awsCloudMap: { namespaceName: 'cli.local', serviceName: 'blue' } },
        },
      }),
    );
    app = createServer((_req, res) => res.end('blue app'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appPort = (app.address() as AddressInfo).port;
  });
  afterAll(async () => {
    app?.close();
    await cp?.stop();
  });

  const registered = async () => {
    const res = await request(`${cp.url}/tessera/v1/meshes/cli/endpoints?virtualNode=blue`);
    const set = (await res.body.json()) as { endpoints: { blue: { ports: { port: number }[] }[] } };
    return set.endpoints.blue;
  };

  it('becomes ready, registers, serves the app, and on SIGTERM deregisters, drains and exits 0', async () => {
    const proxy = run([
      '--control-plane',
      cp.url,
      '--mesh',
      'cli',
      '--virtual-node',
      'blue',
      '--ingress-port',
      '0',
      '--ingress-host',
      '127.0.0.1',
      '--egress-port',
      '0',
      '--admin-port',
      '0',
      '--app-port',
      String(appPort),
      '--advertise-address',
      '127.0.0.1',
      '--poll-interval',
      '1',
      '--drain-seconds',
      '1',
    ]);
    try {
      const adminUrl = await until(
        async () => /admin on (http:\/\/\S+),/.exec(proxy.output())?.[1],
        40_000,
        `the start line; output so far:\n${proxy.output()}`,
      );
      await until(
        async () => ((await request(`${adminUrl}/ready`)).statusCode === 200 ? true : undefined),
        10_000,
        '/ready',
      );
      const endpoints = await until(
        async () => ((await registered()).length === 1 ? registered() : undefined),
        10_000,
        'registration',
      );
      const ingressPort = endpoints[0]!.ports[0]!.port;
      const res = await request(`http://127.0.0.1:${ingressPort}/`);
      expect(await res.body.text()).toBe('blue app');

      proxy.child.kill('SIGTERM');
      expect(await proxy.exited).toBe(0);
      expect(await registered()).toEqual([]);
    } finally {
      proxy.child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses bad flags with every problem and exit status 2, before starting anything', async () => {
    const proxy = run(['--mesh', 'cli', '--poll-interval', '0']);
    expect(await proxy.exited).toBe(2);
    expect(proxy.output()).toContain('--poll-interval');
    expect(proxy.output()).toContain('--control-plane');
  });
});
