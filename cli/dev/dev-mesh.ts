// A whole mesh on this machine, assembled top to bottom: control plane (DynamoDB Local embedded), the
// file's resources applied, then per service its proxy and its app, then a wait until traffic can flow,
// then the load generator. `stop()` takes it all down in reverse, leaving no process or port behind.

import { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { request } from 'undici';
import { type LocalControlPlane, startLocalControlPlane } from '../../lambda/local/control-plane.js';
import { localProxyConfig, type ProxyConfig } from '../../proxy/config/index.js';
import { type RunningProxy, startProxy } from '../../proxy/proxy.js';
import { applyResources, describeChange } from '../resources/apply-resources.js';
import { type AppProcess, startApp } from './app-process.js';
import type { DevFile, DevService } from './dev-file.js';
import { type LoadGenerator, startLoadGenerator } from './load-generator.js';
import { freePort, isListening } from './ports.js';

/** Proxies poll the control plane this often: a route change shows within a second or two. */
export const DEV_POLL_INTERVAL_MS = 1_000;
/** Requests in flight get this long to finish when the mesh stops. */
export const DEV_DRAIN_SECONDS = 1;
/** How long apps, proxies and endpoints may take to come up. */
export const DEV_READY_TIMEOUT_MS = 30_000;

export interface DevMeshOptions {
  /** 0 picks a free port. */
  readonly controlPlanePort: number;
  /** Receives every line for people: progress, app output (`front | …`), proxy logs (`front proxy: …`). */
  readonly log: (line: string) => void;
  /** Aborting gives up starting: what was started is stopped and the start rejects. */
  readonly signal?: AbortSignal;
}

/** One service as running: its app and its proxy. */
export interface RunningService {
  readonly spec: DevService;
  readonly appPort: number;
  readonly app: AppProcess;
  readonly proxy: RunningProxy;
  /** The proxy's inbound port, for a node with a listener, once its snapshot is applied. */
  readonly ingressPort: number | undefined;
}

export interface DevMesh {
  readonly controlPlane: LocalControlPlane;
  readonly services: readonly RunningService[];
  readonly load?: LoadGenerator;
  /** Load generator, proxies (deregister, drain), apps (process groups), control plane; idempotent. */
  stop(): Promise<void>;
}

export async function startDevMesh(file: DevFile, options: DevMeshOptions): Promise<DevMesh> {
  const { log } = options;
  const services: RunningService[] = [];
  const proxies: RunningProxy[] = [];
  const apps: AppProcess[] = [];
  let controlPlane: LocalControlPlane | undefined;
  let client: AppMeshClient | undefined;
  let load: LoadGenerator | undefined;
  let stopping: Promise<void> | undefined;
  let quiet = false;
  const stop = () => {
    stopping ??= (async () => {
      await load?.stop();
      // The store is in memory and goes with the control plane, so there is nothing to deregister from:
      // stopping it first spares the proxies' deregistration a store that a terminal's Ctrl-C has
      // already stopped (DynamoDB Local shares our process group). Their complaints are not shown.
      quiet = true;
      client?.destroy();
      await controlPlane?.stop();
      await Promise.allSettled(proxies.map((proxy) => proxy.stop()));
      await Promise.allSettled(apps.map((app) => app.stop()));
    })();
    return stopping;
  };

  const check = () => {
    if (options.signal?.aborted) throw new Error('stopped while starting');
  };
  try {
    // 1. The control plane, with its store in memory.
    controlPlane = await startLocalControlPlane({ host: '127.0.0.1', port: options.controlPlanePort });
    log(
      `control plane listening on ${controlPlane.url} (DynamoDB Local at ${controlPlane.dynamodbEndpoint})`,
    );

    check();
    // 2. The file's resources, through the App Mesh API as `tessera apply` does.
    client = new AppMeshClient({
      endpoint: controlPlane.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    for (const change of await applyResources(client, file.resources)) log(describeChange(change));

    // 3. Each service: its proxy (free ports, advertised on loopback), then its app, told where the proxy is.
    const taken = new Set(file.services.flatMap((s) => (s.port !== undefined ? [s.port] : [])));
    for (const port of taken) {
      if (await isListening(port)) throw new Error(`port ${port} (services[].port) is in use on 127.0.0.1`);
    }
    for (const spec of file.services) {
      check();
      let appPort = spec.port;
      while (appPort === undefined || (spec.port === undefined && taken.has(appPort)))
        appPort = await freePort();
      taken.add(appPort);
      const proxy = await startProxy(proxyConfig(controlPlane.url, spec, appPort), {
        log: (line) => {
          if (!quiet) log(`${spec.name} proxy: ${line}`);
        },
      });
      proxies.push(proxy);
      const egress = `http://127.0.0.1:${proxy.egressPort}`;
      const app = startApp({
        name: spec.name,
        command: spec.command,
        cwd: file.dir,
        env: {
          ...spec.env,
          PORT: String(appPort),
          TESSERA_EGRESS: egress,
          HTTP_PROXY: egress,
          http_proxy: egress,
        },
        onLine: (line) => log(`${spec.name} | ${line}`),
        onExit: (code, signal) => log(`${spec.name} exited (${signal ?? `code ${code}`})`),
      });
      apps.push(app);
      services.push({
        spec,
        appPort,
        app,
        proxy,
        get ingressPort() {
          return spec.listenerPort === undefined ? undefined : proxy.ingressPorts[0]?.port;
        },
      });
    }

    // 4. Ready when every app listens, every proxy has its snapshot, and every proxy knows every endpoint.
    await waitUntilReady(services, check);
    for (const { spec, app, appPort, proxy, ingressPort } of services) {
      const ports = [
        ...(ingressPort !== undefined ? [`ingress 127.0.0.1:${ingressPort}`] : []),
        `egress 127.0.0.1:${proxy.egressPort}`,
        `admin ${proxy.adminUrl}`,
      ];
      log(`service ${spec.name}: app pid ${app.pid} on 127.0.0.1:${appPort}; proxy ${ports.join(', ')}`);
    }

    // 5. The load generator, through the entry service's proxy.
    if (file.load !== undefined) {
      const entry = services.find((s) => s.spec.name === file.load!.service)!;
      const url = `http://127.0.0.1:${entry.ingressPort}${file.load.path}`;
      load = startLoadGenerator({ url, rate: file.load.rate });
      log(`load: ${file.load.rate} req/s to ${entry.spec.name} (GET ${url})`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { controlPlane, services, ...(load !== undefined ? { load } : {}), stop };
}

function proxyConfig(controlPlaneUrl: string, spec: DevService, appPort: number): ProxyConfig {
  return localProxyConfig({
    controlPlaneUrl,
    mesh: spec.meshName,
    proxy: { kind: 'virtualNode', name: spec.name },
    ...(spec.listenerPort !== undefined ? { appPorts: { kind: 'single', port: appPort } } : {}),
    instanceId: `${spec.name}-dev-${process.pid}`,
    pollIntervalMs: DEV_POLL_INTERVAL_MS,
    drainSeconds: DEV_DRAIN_SECONDS,
  });
}

async function waitUntilReady(services: readonly RunningService[], check: () => void): Promise<void> {
  const deadline = Date.now() + DEV_READY_TIMEOUT_MS;
  const names = new Set(services.filter((s) => s.spec.listenerPort !== undefined).map((s) => s.spec.name));
  for (;;) {
    check();
    const waiting: string[] = [];
    for (const service of services) {
      const { spec, app, proxy } = service;
      if (app.exited)
        throw new Error(`service ${spec.name}: its app exited while starting (see its output above)`);
      if (spec.listenerPort !== undefined) {
        if (service.ingressPort === undefined) waiting.push(`${spec.name}'s proxy ingress`);
        if (!(await isListening(service.appPort)))
          waiting.push(`${spec.name}'s app on port ${service.appPort}`);
      }
      if ((await status(`${proxy.adminUrl}/ready`)) !== 200) {
        waiting.push(`${spec.name}'s proxy (/ready)`);
        continue;
      }
      const clusters = await endpointsOf(proxy.adminUrl);
      for (const cluster of clusters) {
        const node = cluster.id.slice(0, cluster.id.lastIndexOf(':'));
        if (names.has(node) && cluster.endpoints.length === 0)
          waiting.push(`${spec.name}'s proxy to learn ${node}'s endpoint`);
      }
    }
    if (waiting.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`not ready after ${DEV_READY_TIMEOUT_MS / 1000} s: waiting for ${waiting.join(', ')}`);
    await sleep(100);
  }
}

async function status(url: string): Promise<number> {
  try {
    const res = await request(url, { headersTimeout: 1_000, bodyTimeout: 1_000 });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 0;
  }
}

async function endpointsOf(adminUrl: string): Promise<{ id: string; endpoints: unknown[] }[]> {
  try {
    const res = await request(`${adminUrl}/endpoints`, { headersTimeout: 1_000, bodyTimeout: 1_000 });
    const body = (await res.body.json()) as { clusters?: { id: string; endpoints: unknown[] }[] };
    return body.clusters ?? [];
  } catch {
    return [];
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
