// `npm run bench:proxy-quick`: a first look at what the sidecar costs — latency at concurrency 1 and
// throughput at concurrency 10, direct to an app and through the mesh path (client proxy → server proxy
// → app), each proxy and the app in a process of its own. Issue #8's bench makes this rigorous.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
} from '@aws-sdk/client-app-mesh';
import { Pool } from 'undici';
import { expect, it } from 'vitest';
import { startTestControlPlane } from '../support/control-plane.js';

const CLI = join(import.meta.dirname, '../../dist/cli/tessera.js');
const APP = `require('node:http').createServer((q, s) => s.end('ok')).listen(0, '127.0.0.1', function () { console.log('port ' + this.address().port) })`;

function start(args: string[], pattern: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve({ child, match });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

async function latencies(origin: string, host: string, n: number): Promise<number[]> {
  const pool = new Pool(origin, { connections: 1 });
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const res = await pool.request({ path: '/', method: 'GET', headers: { host } });
    await res.body.text();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  await pool.close();
  return out.sort((a, b) => a - b);
}

async function throughput(origin: string, host: string, concurrency: number, ms: number): Promise<number> {
  const pool = new Pool(origin, { connections: concurrency });
  let done = 0;
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        const res = await pool.request({ path: '/', method: 'GET', headers: { host } });
        await res.body.text();
        done++;
      }
    }),
  );
  await pool.close();
  return done / (ms / 1000);
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;

it('measures the proxy against a direct connection', async () => {
  const cp = await startTestControlPlane();
  const children: ChildProcess[] = [];
  try {
    const send = cp.client.send.bind(cp.client);
    await send(new CreateMeshCommand({ meshName: 'bench' }));
    await send(
      new CreateVirtualNodeCommand({
        meshName: 'bench',
        virtualNodeName: 'app',
        spec: {
          listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
          serviceDiscovery: { awsCloudMap: { namespaceName: 'bench.local', serviceName: 'app' } },
        },
      }),
    );
    await send(
      new CreateVirtualNodeCommand({
        meshName: 'bench',
        virtualNodeName: 'client',
        spec: { backends: [{ virtualService: { virtualServiceName: 'app.local' } }] },
      }),
    );
    await send(
      new CreateVirtualRouterCommand({
        meshName: 'bench',
        virtualRouterName: 'r',
        spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
      }),
    );
    await send(
      new CreateRouteCommand({
        meshName: 'bench',
        virtualRouterName: 'r',
        routeName: 'all',
        spec: {
          httpRoute: {
            match: { prefix: '/' },
            action: { weightedTargets: [{ virtualNode: 'app', weight: 1 }] },
          },
        },
      }),
    );
    await send(
      new CreateVirtualServiceCommand({
        meshName: 'bench',
        virtualServiceName: 'app.local',
        spec: { provider: { virtualRouter: { virtualRouterName: 'r' } } },
      }),
    );

    const app = await start(['-e', APP], /port (\d+)/);
    children.push(app.child);
    const appPort = app.match[1]!;
    const common = [
      '--control-plane',
      cp.url,
      '--mesh',
      'bench',
      '--admin-port',
      '0',
      '--poll-interval',
      '1',
    ];
    const server = await start(
      [
        CLI,
        'proxy',
        ...common,
        '--virtual-node',
        'app',
        '--ingress-port',
        '0',
        '--ingress-host',
        '127.0.0.1',
        '--egress-port',
        '0',
      ].concat(['--app-port', appPort, '--advertise-address', '127.0.0.1', '--drain-seconds', '1']),
      /egress on 127\.0\.0\.1:(\d+)/,
    );
    children.push(server.child);
    const client = await start(
      [CLI, 'proxy', ...common, '--virtual-node', 'client', '--egress-port', '0', '--drain-seconds', '1'],
      /egress on 127\.0\.0\.1:(\d+)/,
    );
    children.push(client.child);
    const mesh = `http://127.0.0.1:${client.match[1]}`;
    const direct = `http://127.0.0.1:${appPort}`;
    // Wait until the client proxy knows the server proxy's endpoint.
    for (let i = 0; ; i++) {
      const pool = new Pool(mesh);
      const res = await pool.request({ path: '/', method: 'GET', headers: { host: 'app.local' } });
      const text = await res.body.text();
      await pool.close();
      if (res.statusCode === 200 && text === 'ok') break;
      if (i > 100) throw new Error(`mesh path not ready: ${res.statusCode} ${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const rows: string[] = [];
    const measured: Record<string, { p50: number; p99: number; rps: number }> = {};
    for (const [name, origin, host] of [
      ['direct', direct, 'app.local'],
      ['mesh path (client proxy → server proxy → app)', mesh, 'app.local'],
    ] as const) {
      await latencies(origin, host, 300); // warm-up
      const lat = await latencies(origin, host, 2_000);
      await throughput(origin, host, 10, 1_000); // warm-up
      const rps = await throughput(origin, host, 10, 3_000);
      measured[name] = { p50: pct(lat, 50), p99: pct(lat, 99), rps };
      rows.push(`| ${name} | ${pct(lat, 50).toFixed(3)} | ${pct(lat, 99).toFixed(3)} | ${rps.toFixed(0)} |`);
    }
    const d = measured.direct!;
    const m = measured['mesh path (client proxy → server proxy → app)']!;
    console.log(
      [
        '',
        'Quick proxy measurement (load generator, app and each proxy in separate processes, 2 cores shared):',
        '| path | p50 ms (c=1) | p99 ms (c=1) | req/s (c=10) |',
        '|---|---|---|---|',
        ...rows,
        `added latency through two proxies: p50 +${(m.p50 - d.p50).toFixed(3)} ms, p99 +${(m.p99 - d.p99).toFixed(3)} ms; throughput ${(m.rps / d.rps).toFixed(2)}× direct`,
        '',
      ].join('\n'),
    );
    expect(m.rps).toBeGreaterThan(0);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await cp.stop();
  }
}, 120_000);
