// `npm run bench:proxy-quick`: a first look at what the sidecar costs — latency at concurrency 1 and
// throughput at concurrency 10, direct to an app and through the mesh path (client proxy → server proxy
// → app), each proxy and the app in a process of its own, plus the same client proxy with telemetry on
// (`TELEMETRY_ARGS` overrides its flags, e.g. `TELEMETRY_ARGS='--metrics emf'`). Issue #8's bench makes
// this rigorous.

import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
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

function start(
  args: string[],
  pattern: RegExp,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
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

const ROUNDS = 5;
/** CPU seconds (user + system) a process has used so far, from /proc (Linux; clock ticks of 10 ms). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
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
    // The same client proxy with telemetry on as it would run on ECS: EMF metrics and X-Ray at 5%,
    // segments sent to a UDP sink standing in for the daemon.
    const xray = createSocket('udp4');
    await new Promise<void>((resolve) => xray.bind(0, '127.0.0.1', resolve));
    const telemetryArgs = (process.env.TELEMETRY_ARGS ?? '--metrics emf --tracing xray --sampling-rate 0.05')
      .split(' ')
      .filter(Boolean);
    const observed = await start(
      [
        CLI,
        'proxy',
        ...common,
        '--virtual-node',
        'client',
        '--egress-port',
        '0',
        '--drain-seconds',
        '1',
      ].concat(telemetryArgs),
      /egress on 127\.0\.0\.1:(\d+)/,
      {
        AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${xray.address().port}`,
      },
    );
    children.push(observed.child);
    const meshObserved = `http://127.0.0.1:${observed.match[1]}`;
    const mesh = `http://127.0.0.1:${client.match[1]}`;
    const direct = `http://127.0.0.1:${appPort}`;
    // Wait until both client proxies know the server proxy's endpoint.
    for (let i = 0; ; i++) {
      const pool = new Pool(i % 2 === 0 ? mesh : meshObserved);
      const res = await pool.request({ path: '/', method: 'GET', headers: { host: 'app.local' } });
      const text = await res.body.text();
      await pool.close();
      if (res.statusCode === 200 && text === 'ok' && i > 0) break;
      if (i > 100) throw new Error(`mesh path not ready: ${res.statusCode} ${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const paths = [
      ['direct', direct, undefined],
      ['mesh path (client proxy → server proxy → app)', mesh, client.child.pid],
      ['mesh path, client proxy with EMF metrics + X-Ray 5%', meshObserved, observed.child.pid],
    ] as const;
    /** CPU seconds and requests of each path's client proxy over the measured rounds. */
    const cpu = new Map<string, { seconds: number; requests: number }>(
      paths.map(([name]) => [name, { seconds: 0, requests: 0 }]),
    );
    const latency = new Map<string, number[]>();
    const rps = new Map<string, number[]>(paths.map(([name]) => [name, []]));
    for (const [name, origin] of paths) {
      await latencies(origin, 'app.local', 300); // warm-up
      latency.set(name, await latencies(origin, 'app.local', 2_000));
      await throughput(origin, 'app.local', 10, 1_000); // warm-up
    }
    // This machine is noisy: throughput is measured in rounds that interleave the paths, and the
    // median of the rounds is reported (with the spread).
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, origin, pid] of paths) {
        const before = cpuSeconds(pid);
        const rate = await throughput(origin, 'app.local', 10, 1_500);
        const used = cpu.get(name)!;
        used.seconds += cpuSeconds(pid) - before;
        used.requests += rate * 1.5;
        rps.get(name)!.push(rate);
      }
    }
    const rows: string[] = [];
    const measured: Record<string, { p50: number; p99: number; rps: number; cpuUs: number }> = {};
    for (const [name] of paths) {
      const lat = latency.get(name)!;
      const rounds = rps.get(name)!.sort((a, b) => a - b);
      const median = rounds[Math.floor(rounds.length / 2)]!;
      const used = cpu.get(name)!;
      const cpuUs = used.requests > 0 ? (used.seconds / used.requests) * 1e6 : 0;
      measured[name] = { p50: pct(lat, 50), p99: pct(lat, 99), rps: median, cpuUs };
      rows.push(
        `| ${name} | ${pct(lat, 50).toFixed(3)} | ${pct(lat, 99).toFixed(3)} | ${median.toFixed(0)} (${rounds[0]!.toFixed(0)}–${rounds.at(-1)!.toFixed(0)}) | ${cpuUs > 0 ? cpuUs.toFixed(0) : '-'} |`,
      );
    }
    const d = measured.direct!;
    const m = measured['mesh path (client proxy → server proxy → app)']!;
    const t = measured['mesh path, client proxy with EMF metrics + X-Ray 5%']!;
    xray.close();
    console.log(
      [
        '',
        'Quick proxy measurement (load generator, app and each proxy in separate processes, 2 cores shared):',
        '| path | p50 ms (c=1) | p99 ms (c=1) | req/s (c=10), median of rounds (min–max) | client proxy CPU µs/request |',
        '|---|---|---|---|---|',
        ...rows,
        `added latency through two proxies: p50 +${(m.p50 - d.p50).toFixed(3)} ms, p99 +${(m.p99 - d.p99).toFixed(3)} ms; throughput ${(m.rps / d.rps).toFixed(2)}× direct`,
        `telemetry on (EMF + X-Ray 5%) vs off: throughput ${(t.rps / m.rps).toFixed(3)}× (${((1 - t.rps / m.rps) * 100).toFixed(1)}% loss), p99 ${t.p99.toFixed(3)} vs ${m.p99.toFixed(3)} ms, client proxy CPU ${t.cpuUs.toFixed(0)} vs ${m.cpuUs.toFixed(0)} µs/request (${((t.cpuUs / m.cpuUs - 1) * 100).toFixed(1)}%)`,
        '',
      ].join('\n'),
    );
    expect(m.rps).toBeGreaterThan(0);
  } finally {
    // Let each process drain and exit (and write its profile) before the control plane goes.
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    await cp.stop();
  }
}, 120_000);
