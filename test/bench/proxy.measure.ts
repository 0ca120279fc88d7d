// `npm run bench`: the proxy measured against the physical limit (direct) and the best C proxies (nginx,
// HAProxy) with the same backend, the same load generator and the same CPU budget, at several
// concurrencies, in interleaved rounds. Prints a Markdown table, writes JSON and a latency chart under
// bench-results/, and checks issue #8's targets. Knobs: BENCH_SECONDS (per cell, default 5),
// BENCH_ROUNDS (default 3), BENCH_CONCURRENCY (default 1,10,50), BENCH_SYSTEMS (comma-separated names).
// An optimization is judged in one run against the build before it: copy `dist/` aside first, inside the
// repository so its packages resolve (`cp -r dist bench-results/dist-before`), then
// BENCH_COMPARE_DIST=bench-results/dist-before adds that build as a system. BENCH_HEAP_FLAGS (e.g.
// `--max-semi-space-size=4`) runs the `heap` system with those V8 flags instead of none; BENCH_COMPARE_XRAY=1
// runs the compare build with X-Ray on (BENCH_XRAY_RATE, default 0.05), to weigh a tracing change.

import { createSocket } from 'node:dgram';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { startTestControlPlane } from '../support/control-plane.js';
import { loadGenerator } from './proxy/load.js';
import { cpuSeconds, machineSummary, pinProcess, planCpus, processTree, rssMiB } from './proxy/machine.js';
import {
  startDispatchForwarder,
  startHandParsed,
  startHttpServerRawClient,
  startTcpPipe,
} from './proxy/node-baselines.js';
import type { Started } from './proxy/processes.js';
import { profileText } from './proxy/profile-summary.js';
import { markdown, pairedRatio, type Round, type Summary, summarize, writeChart } from './proxy/report.js';
import { ensureInstalled, startBackend, startHaproxy, startNginx } from './proxy/reverse-proxies.js';
import {
  createBenchMesh,
  registerEndpoint,
  routing,
  SERVICE,
  startTesseraProxy,
} from './proxy/tessera-mesh.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,10,50').split(',').map(Number);
const WARM_UP_SECONDS = 3;
const RESULTS = join(import.meta.dirname, '../../bench-results');
const STAMP = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
/** BENCH_PROFILE=1: each Tessera proxy writes a CPU profile, summarized at the end (figures then skew). */
const PROFILES = process.env.BENCH_PROFILE ? join(RESULTS, `profiles-${STAMP}`) : undefined;
const profileDir = (key: string) => (PROFILES ? join(PROFILES, key) : undefined);

/** A system under test: where the load goes, and the processes whose CPU is the proxy's. */
interface System {
  readonly name: string;
  readonly url: string;
  readonly proxyPids: () => number[];
}

const SYSTEM_NAMES = {
  direct: 'direct',
  nginx: 'nginx',
  haproxy: 'haproxy',
  pipe: 'node net pipe (no HTTP)',
  parsed: 'node net, hand-parsed HTTP/1.1 heads',
  forwarder: 'node http + undici dispatch (bare)',
  rawclient: 'node http server + minimal net client (bare)',
  plain: 'tessera, one plain route',
  quiet: 'tessera, full snapshot, telemetry off',
  full: 'tessera, full snapshot + metrics',
  heap: 'tessera, full + metrics, V8 default heap',
  compare: 'tessera, full + metrics (BENCH_COMPARE_DIST build)',
  xray: 'tessera, full + metrics + X-Ray 5%',
  mesh: 'tessera mesh path (2 proxies)',
} as const;
type SystemKey = keyof typeof SYSTEM_NAMES;

function wanted(key: SystemKey): boolean {
  if (key === 'compare' && !process.env.BENCH_COMPARE_DIST) return false;
  const list = process.env.BENCH_SYSTEMS?.split(',').map((s) => s.trim());
  return !list || list.includes(key) || key === 'direct';
}

it('measures the proxy against direct, nginx and HAProxy', async () => {
  const plan = planCpus(availableParallelism());
  pinProcess(plan, plan.loadCpu, process.pid); // the bench's own work (control plane, X-Ray sink) with wrk
  const load = loadGenerator(plan);
  const cp = await startTestControlPlane();
  const started: Started[] = [];
  const notes: string[] = [];
  const xray = createSocket('udp4');
  await new Promise<void>((resolve) => xray.bind(0, '127.0.0.1', resolve));
  let segments = 0;
  xray.on('message', () => segments++);
  let renewals: (() => Promise<void>)[] = [];
  const renewTimer = setInterval(() => renewals.forEach((renew) => void renew().catch(() => {})), 60_000);
  try {
    const backend = await startBackend(plan);
    started.push(backend);
    const systems: System[] = [
      { name: SYSTEM_NAMES.direct, url: `http://127.0.0.1:${backend.port}/`, proxyPids: () => [] },
    ];

    for (const [key, start] of [
      ['pipe', startTcpPipe],
      ['parsed', startHandParsed],
      ['forwarder', startDispatchForwarder],
      ['rawclient', startHttpServerRawClient],
    ] as const) {
      if (!wanted(key)) continue;
      const proxy = await start(plan, backend.port);
      started.push(proxy);
      systems.push({
        name: SYSTEM_NAMES[key],
        url: `http://127.0.0.1:${proxy.port}/`,
        proxyPids: () => [proxy.pid],
      });
    }

    for (const [key, command, pkg, start] of [
      ['nginx', 'nginx', 'nginx', startNginx],
      ['haproxy', 'haproxy', 'haproxy', startHaproxy],
    ] as const) {
      if (!wanted(key)) continue;
      const installed = ensureInstalled(command, pkg);
      if (!installed.ok) {
        notes.push(`${SYSTEM_NAMES[key]}: ${installed.reason}`);
        continue;
      }
      const proxy = await start(plan, backend.port);
      started.push(proxy);
      systems.push({
        name: SYSTEM_NAMES[key],
        url: `http://127.0.0.1:${proxy.port}/`,
        proxyPids: () => processTree(proxy.pid),
      });
    }

    // Outbound path: the client's proxy routes straight to the backend, registered as the nodes'
    // endpoint. Mesh path: client proxy → server proxy (which registers itself) → backend.
    await createBenchMesh(cp.client, 'full', 'full', ['app', 'app-canary']);
    await createBenchMesh(cp.client, 'plain', 'plain', ['app']);
    await createBenchMesh(cp.client, 'meshpath', 'full', ['app']);
    renewals = [
      await registerEndpoint(cp.url, 'full', 'app', backend.port),
      await registerEndpoint(cp.url, 'full', 'app-canary', backend.port),
      await registerEndpoint(cp.url, 'plain', 'app', backend.port),
    ];
    const metrics = ['--metrics', 'emf'];
    const tessera: [SystemKey, () => Promise<System>][] = [
      [
        'plain',
        async () => {
          const p = await startTesseraProxy(plan, {
            controlPlane: cp.url,
            meshName: 'plain',
            node: 'client',
            profileDir: profileDir('plain'),
            args: ['--metrics', 'off'],
          });
          started.push(p);
          return { name: SYSTEM_NAMES.plain, url: `http://127.0.0.1:${p.port}/`, proxyPids: () => [p.pid] };
        },
      ],
      [
        'quiet',
        async () => {
          const p = await startTesseraProxy(plan, {
            controlPlane: cp.url,
            meshName: 'full',
            node: 'client',
            profileDir: profileDir('quiet'),
            args: ['--metrics', 'off'],
          });
          started.push(p);
          return { name: SYSTEM_NAMES.quiet, url: `http://127.0.0.1:${p.port}/`, proxyPids: () => [p.pid] };
        },
      ],
      [
        'full',
        async () => {
          const p = await startTesseraProxy(plan, {
            controlPlane: cp.url,
            meshName: 'full',
            node: 'client',
            profileDir: profileDir('full'),
            args: metrics,
          });
          started.push(p);
          return { name: SYSTEM_NAMES.full, url: `http://127.0.0.1:${p.port}/`, proxyPids: () => [p.pid] };
        },
      ],
      [
        'compare',
        async () => {
          const p = await startTesseraProxy(plan, {
            controlPlane: cp.url,
            meshName: 'full',
            node: 'client',
            cli: resolve(process.env.BENCH_COMPARE_DIST!, 'cli/tessera.js'),
            profileDir: profileDir('compare'),
            args: process.env.BENCH_COMPARE_XRAY
              ? [...metrics, '--tracing', 'xray', '--sampling-rate', process.env.BENCH_XRAY_RATE ?? '0.05']
              : metrics,
          });
          started.push(p);
          return { name: SYSTEM_NAMES.compare, url: `http://127.0.0.1:${p.port}/`, proxyPids: () => [p.pid] };
        },
      ],
      [
        'heap',
        async () => {
          // Without the image's heap flags (or with BENCH_HEAP_FLAGS instead): what they save in RSS and
          // cost in CPU, side by side.
          const p = await startTesseraProxy(plan, {
            controlPlane: cp.url,
            meshName: 'full',
            node: 'client',
            nodeArgs: process.env.BENCH_HEAP_FLAGS?.split(' ').filter(Boolean) ?? [],
            profileDir: profileDir('heap'),
            args: metrics,
          });
          started.push(p);
          const flags = process.env.BENCH_HEAP_FLAGS;
          const name = flags
            ? `tessera, full + metrics, ${flags} instead of the image's flags`
            : SYSTEM_NAMES.heap;
          return { name, url: `http://127.0.0.1:${p.port}/`, proxyPids: () => [p.pid] };
        },
      ],
      [
        'xray',
        async () => {
          const p = await startTesseraProxy(plan, {
            controlPlane: cp.url,
            meshName: 'full',
            node: 'client',
            profileDir: profileDir('xray'),
            args: [...metrics, '--tracing', 'xray', '--sampling-rate', process.env.BENCH_XRAY_RATE ?? '0.05'],
            env: { AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${(xray.address() as { port: number }).port}` },
          });
          started.push(p);
          return { name: SYSTEM_NAMES.xray, url: `http://127.0.0.1:${p.port}/`, proxyPids: () => [p.pid] };
        },
      ],
      [
        'mesh',
        async () => {
          const server = await startTesseraProxy(plan, {
            controlPlane: cp.url,
            meshName: 'meshpath',
            node: 'app',
            profileDir: profileDir('mesh-server'),
            args: [
              ...metrics,
              ...['--ingress-port', '0', '--ingress-host', '127.0.0.1', '--app-port', String(backend.port)],
              ...['--advertise-address', '127.0.0.1'],
            ],
          });
          started.push(server);
          const client = await startTesseraProxy(plan, {
            controlPlane: cp.url,
            meshName: 'meshpath',
            node: 'client',
            profileDir: profileDir('mesh-client'),
            args: metrics,
          });
          started.push(client);
          return {
            name: SYSTEM_NAMES.mesh,
            url: `http://127.0.0.1:${client.port}/`,
            proxyPids: () => [client.pid, server.pid],
          };
        },
      ],
    ];
    for (const [key, start] of tessera) {
      if (!wanted(key)) continue;
      const system = await start();
      await routing(system.url);
      systems.push(system);
    }

    for (const system of systems) {
      await load.run({ url: system.url, host: SERVICE, concurrency: 50, seconds: WARM_UP_SECONDS });
    }

    // Interleaved: each round visits every system at every concurrency, so drift on this noisy
    // machine spreads over all of them instead of favouring whichever ran first.
    const cells = new Map<string, Map<number, Round[]>>(
      systems.map((s) => [s.name, new Map(CONCURRENCY.map((c) => [c, []]))]),
    );
    const rss = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const concurrency of CONCURRENCY) {
        for (const system of systems) {
          const pids = system.proxyPids();
          const before = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
          const result = await load.run({ url: system.url, host: SERVICE, concurrency, seconds: SECONDS });
          const used = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - before;
          cells
            .get(system.name)!
            .get(concurrency)!
            .push({
              rps: result.requests / result.seconds,
              p50: result.p50,
              p99: result.p99,
              p999: result.p999,
              failures: result.failures,
              cpuUs: pids.length > 0 ? (used / result.requests) * 1e6 : undefined,
            });
          if (pids.length > 0) {
            const mib = pids.reduce((sum, pid) => sum + rssMiB(pid), 0);
            rss.set(system.name, Math.max(rss.get(system.name) ?? 0, mib));
          }
        }
      }
    }

    const summaries = summarize(cells, rss);
    mkdirSync(RESULTS, { recursive: true });
    const jsonPath = join(RESULTS, `proxy-${STAMP}.json`);
    const header = `${machineSummary()}; ${plan.description}; ${load.name}, ${SECONDS} s per cell, ${ROUNDS} interleaved rounds (median, min–max; ratios are medians of each round's ratio), warm-up ${WARM_UP_SECONDS} s per system`;
    writeFileSync(
      jsonPath,
      `${JSON.stringify({ when: new Date().toISOString(), setup: header, notes, summaries }, null, 2)}\n`,
    );
    // The chart is SVG; Debian's librsvg2-bin (installed when possible) adds a PNG of it.
    ensureInstalled('rsvg-convert', 'librsvg2-bin');
    const charts = writeChart(
      summaries,
      join(RESULTS, `proxy-${STAMP}.svg`),
      'Latency percentiles per system (ms, lower is better)',
    );
    console.log(
      [
        '',
        `Proxy bench — ${header}`,
        'Proxy CPU is every process of the proxy (nginx master + worker; both Tessera proxies on the mesh path); RSS is the largest seen after a cell.',
        ...notes.map((n) => `note: ${n}`),
        '',
        markdown(summaries),
        '',
        ...targets(summaries),
        '',
        `X-Ray segments received by the stand-in daemon: ${segments}`,
        `written: ${[jsonPath, ...charts].join(', ')}`,
        '',
      ].join('\n'),
    );
    expect(summaries.every((s) => s.rps > 0)).toBe(true);
  } finally {
    clearInterval(renewTimer);
    xray.close();
    await Promise.all(started.map((s) => s.stop()));
    await cp.stop();
  }
  if (PROFILES) {
    for (const key of readdirSync(PROFILES)) {
      for (const file of readdirSync(join(PROFILES, key))) {
        console.log(
          `CPU profile of ${key} (${join(PROFILES, key, file)}):\n${profileText(join(PROFILES, key, file))}`,
        );
      }
    }
  }
}, 3_600_000);

/** Issue #8's targets (and #5's tracing cost) as PASS/FAIL lines, skipped when a system wasn't run. */
function targets(summaries: readonly Summary[]): string[] {
  const get = (key: SystemKey, c: number) =>
    summaries.find((s) => s.system === SYSTEM_NAMES[key] && s.concurrency === c);
  const lines: string[] = ['Targets (issue #8, #5):'];
  const check = (label: string, value: number | undefined, ok: (v: number) => boolean, unit: string) => {
    if (value === undefined || Number.isNaN(value)) return lines.push(`- ${label}: not measured`);
    lines.push(`- ${ok(value) ? 'PASS' : 'FAIL'} ${label}: ${value.toFixed(3)}${unit}`);
  };
  const full50 = get('full', 50);
  check('throughput at c=50 ≥ 0.6× nginx', full50?.vsNginx, (v) => v >= 0.6, '×');
  const ceiling = get('rawclient', 50)?.vsNginx;
  if (ceiling !== undefined && !Number.isNaN(ceiling)) {
    lines.push(
      `  (context: a bare node:http server with a minimal net client, no features, reaches ${ceiling.toFixed(3)}× — the ceiling of a data path on node:http)`,
    );
  }
  check('proxy CPU at c=50 ≤ 100 µs/request', full50?.cpuUs, (v) => v <= 100, ' µs');
  check('added p50 at c=1 ≤ 0.2 ms', get('full', 1)?.addedP50, (v) => v <= 0.2, ' ms');
  const full10 = get('full', 10);
  const nginx10 = get('nginx', 10);
  check(
    'p99 at c=10 ≤ 2× nginx p99',
    full10 && nginx10 ? full10.p99 / nginx10.p99 : undefined,
    (v) => v <= 2,
    '×',
  );
  check(
    'RSS under load ≤ 80 MB',
    full50?.rssMiB === undefined ? undefined : full50.rssMiB * 1.048576,
    (v) => v <= 80,
    ' MB',
  );
  const plain50 = get('plain', 50);
  check(
    'every feature vs one plain route at c=50: ≤ 10% throughput loss',
    full50 && plain50 ? 1 - pairedRatio(full50.rpsByRound, plain50.rpsByRound) : undefined,
    (v) => v <= 0.1,
    ' (loss)',
  );
  const xray50 = get('xray', 50);
  const quiet50 = get('quiet', 50);
  check(
    'EMF metrics + X-Ray 5% vs telemetry off at c=50: ≤ 5% throughput loss',
    quiet50 && xray50 ? 1 - pairedRatio(xray50.rpsByRound, quiet50.rpsByRound) : undefined,
    (v) => v <= 0.05,
    ' (loss)',
  );
  check(
    'EMF metrics + X-Ray 5% vs telemetry off at c=50: proxy CPU',
    quiet50?.cpuUs && xray50?.cpuUs ? xray50.cpuUs / quiet50.cpuUs - 1 : undefined,
    () => true,
    ' (extra CPU, informational)',
  );
  check(
    'X-Ray 5% on top of EMF at c=50: ≤ 5% throughput loss',
    full50 && xray50 ? 1 - pairedRatio(xray50.rpsByRound, full50.rpsByRound) : undefined,
    (v) => v <= 0.05,
    ' (loss)',
  );
  check(
    'X-Ray 5% CPU cost at c=50',
    full50?.cpuUs && xray50?.cpuUs ? xray50.cpuUs / full50.cpuUs - 1 : undefined,
    () => true,
    ' (extra CPU, informational)',
  );
  return lines;
}
