// `tessera dev -f mesh.yaml`: a whole mesh on this machine — control plane, resources, each service's app
// and proxy — with a live view of its traffic, until Ctrl-C.

import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_CONTROL_PLANE_PORT } from '../../lambda/local/control-plane.js';
import { DevFileError, parseDevFile } from '../dev/dev-file.js';
import { type DevMesh, startDevMesh } from '../dev/dev-mesh.js';
import { type LiveView, startLiveView } from '../dev/live-view.js';
import { MeshStats } from '../dev/mesh-stats.js';

/** Log lines shown under the live table. */
const VIEW_LOG_LINES = 8;

interface DevFlags {
  readonly file: string;
  readonly controlPlanePort: number;
  readonly ui: boolean;
}

export function devCommand(): Command {
  return new Command('dev')
    .description(
      "run a mesh on this machine: control plane, the file's resources, each service with its proxy",
    )
    .requiredOption('-f, --file <file>', 'the dev file (YAML): resources:, services:, and optionally load:')
    .addOption(
      new Option('--control-plane-port <port>', 'control plane port (0 picks a free one)')
        .default(DEFAULT_CONTROL_PLANE_PORT)
        .argParser(parsePort),
    )
    .option('--no-ui', 'print plain log lines instead of the live view')
    .action(async (flags: DevFlags) => {
      await runDev(flags);
    });
}

async function runDev(flags: DevFlags): Promise<void> {
  let text: string;
  try {
    text = await readFile(flags.file, 'utf8');
  } catch (error) {
    console.error(`tessera dev: cannot read ${flags.file}: ${(error as Error).message}`);
    process.exit(1);
  }
  let file: ReturnType<typeof parseDevFile>;
  try {
    file = parseDevFile(text, flags.file);
  } catch (error) {
    if (!(error instanceof DevFileError)) throw error;
    for (const problem of error.problems) console.error(`tessera dev: ${problem}`);
    process.exit(1);
  }

  // Until the view takes over, lines go straight out; then into the view's tail.
  const recent: string[] = [];
  let viewing = false;
  const log = (line: string) => {
    if (!viewing) {
      console.log(line);
      return;
    }
    recent.push(line);
    if (recent.length > VIEW_LOG_LINES) recent.shift();
  };

  const abort = new AbortController();
  let mesh: DevMesh | undefined;
  let view: LiveView | undefined;
  let starting: Promise<DevMesh | undefined> = Promise.resolve(undefined);
  const shutdown = async (signal: NodeJS.Signals) => {
    abort.abort();
    await view?.stop();
    viewing = false;
    console.log(`${signal}: stopping the load generator, proxies, apps and control plane`);
    try {
      // Stopping while starting: the start gives up, stops what it started and rejects.
      await (mesh ?? (await starting.catch(() => undefined)))?.stop();
    } catch (error) {
      console.error(`tessera dev: stopping: ${(error as Error).message}`);
      process.exit(1);
    }
    console.log('stopped');
    process.exit(0);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!abort.signal.aborted) void shutdown(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal: stop as for Ctrl-C; nobody reads the output any more, so failing writes are ignored.
  process.on('SIGHUP', onSignal);
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});

  starting = startDevMesh(file, { controlPlanePort: flags.controlPlanePort, log, signal: abort.signal });
  try {
    mesh = await starting;
  } catch (error) {
    if (abort.signal.aborted) return;
    console.error(`tessera dev: ${(error as Error).message}`);
    process.exit(1);
  }
  if (abort.signal.aborted || mesh === undefined) return;
  const running = mesh;
  console.log(`ready: ${running.services.length} services in ${file.fileName}; Ctrl-C stops everything`);
  console.log(`  tessera top ${running.services.map((s) => `--admin ${s.proxy.adminUrl}`).join(' ')}`);
  if (!flags.ui) return;

  const entry = file.load?.service;
  const stats = new MeshStats(
    running.services.map((s) => ({ name: s.spec.name, adminUrl: s.proxy.adminUrl })),
    { latencyOf: (service) => (service === entry ? running.load?.latency.summary() : undefined) },
  );
  const meshes = [...new Set(file.services.map((s) => s.meshName))].join(', ');
  viewing = process.stdout.isTTY === true;
  view = startLiveView({
    sample: () => stats.sample(),
    rows: () => stats.rows(),
    header: () => [
      `tessera dev · ${file.fileName} · mesh ${meshes} · control plane ${running.controlPlane.url} · ${new Date().toTimeString().slice(0, 8)}`,
      file.load !== undefined
        ? `load: ${file.load.rate} req/s to ${file.load.service} (GET ${file.load.path} through its proxy)`
        : 'no load generator (add load: to the file); send requests to a proxy ingress',
    ],
    footer: () => [
      'rates and success over the last 10 s; success = responses that were not 5xx; ejections since start;',
      'a service row counts what its proxy received (retries included), a route row what the caller saw',
      entry !== undefined
        ? `p50/p99: measured end to end by the load generator for ${entry}; the proxies expose counters, not latency`
        : 'p50/p99: only measured for the load generator entry service',
      ...stats.errors().map((e) => `unreachable: ${e}`),
      ...(viewing ? ['', ...recent] : []),
      ...(viewing ? ['Ctrl-C stops everything'] : []),
    ],
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    throw new InvalidArgumentError(`must be a port number between 0 and 65535, got "${value}"`);
  }
  return port;
}
