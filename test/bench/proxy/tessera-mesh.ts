// Tessera under test: the meshes the bench routes through, declared with the official App Mesh client,
// and the proxies started as users run them (`tessera proxy`, one process each).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AppMeshClient,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  type HttpRoute,
  type Listener,
} from '@aws-sdk/client-app-mesh';
import { request } from 'undici';
import { type CpuPlan, pinned } from './machine.js';
import { type Started, startProcess } from './processes.js';

const CLI = join(import.meta.dirname, '../../../dist/cli/tessera.js');

/**
 * The Node/V8 flags of the proxy image's ENTRYPOINT (`proxy/Dockerfile`): the bench runs the proxy as it
 * ships, heap settings included.
 */
export const IMAGE_NODE_FLAGS: readonly string[] = (() => {
  const dockerfile = readFileSync(join(import.meta.dirname, '../../../proxy/Dockerfile'), 'utf8');
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile);
  if (entrypoint === null) throw new Error('proxy/Dockerfile has no exec-form ENTRYPOINT');
  const argv = JSON.parse(entrypoint[1]!) as string[];
  return argv.slice(1, argv.indexOf('dist/cli/tessera.js'));
})();
export const SERVICE = 'app.local';

const PORT = 8080;

/** A listener with every resilience feature App Mesh has: pool limits, outlier detection, timeouts. */
const FULL_LISTENER: Listener = {
  portMapping: { port: PORT, protocol: 'http' },
  connectionPool: { http: { maxConnections: 1024, maxPendingRequests: 4096 } },
  outlierDetection: {
    maxServerErrors: 5,
    interval: { unit: 's', value: 10 },
    baseEjectionDuration: { unit: 's', value: 30 },
    maxEjectionPercent: 50,
  },
  timeout: { http: { perRequest: { unit: 's', value: 15 }, idle: { unit: 's', value: 300 } } },
};

/**
 * The realistic route table: header, method and query matches ahead of the catch-all, which splits
 * traffic by weight and retries server errors. The bench's `GET /` is checked against every route
 * before the catch-all takes it.
 */
function fullRoutes(targets: readonly string[]): Record<string, HttpRoute & { priority: number }> {
  const one = (node: string) => ({ weightedTargets: [{ virtualNode: node, weight: 1 }] });
  const last = targets.at(-1)!;
  return {
    'v2-header': {
      priority: 1,
      match: { prefix: '/', headers: [{ name: 'x-api-version', match: { exact: 'v2' } }] },
      action: one(last),
    },
    'admin-post': { priority: 2, match: { prefix: '/admin', method: 'POST' }, action: one(targets[0]!) },
    search: {
      priority: 3,
      match: { path: { exact: '/search' }, queryParameters: [{ name: 'q', match: { exact: 'all' } }] },
      action: one(targets[0]!),
    },
    default: {
      priority: 10,
      match: { prefix: '/' },
      action: {
        weightedTargets: targets.map((node, i) => ({ virtualNode: node, weight: i === 0 ? 90 : 10 })),
      },
      retryPolicy: {
        maxRetries: 2,
        perRetryTimeout: { unit: 'ms', value: 1000 },
        httpRetryEvents: ['server-error', 'gateway-error'],
        tcpRetryEvents: ['connection-error'],
      },
      timeout: { perRequest: { unit: 's', value: 15 } },
    },
  };
}

export type MeshShape = 'full' | 'plain';

/**
 * Creates mesh `meshName`: a `client` node calling `app.local`, served by a router in front of the
 * `targets` nodes. `full` has every feature on; `plain` is one route to one node, nothing else.
 */
export async function createBenchMesh(
  appmesh: AppMeshClient,
  meshName: string,
  shape: MeshShape,
  targets: readonly string[],
): Promise<void> {
  const send = appmesh.send.bind(appmesh);
  await send(new CreateMeshCommand({ meshName }));
  for (const node of targets) {
    await send(
      new CreateVirtualNodeCommand({
        meshName,
        virtualNodeName: node,
        spec: {
          listeners: [shape === 'full' ? FULL_LISTENER : { portMapping: { port: PORT, protocol: 'http' } }],
          serviceDiscovery: { awsCloudMap: { namespaceName: 'bench.local', serviceName: node } },
        },
      }),
    );
  }
  await send(
    new CreateVirtualNodeCommand({
      meshName,
      virtualNodeName: 'client',
      spec: { backends: [{ virtualService: { virtualServiceName: SERVICE } }] },
    }),
  );
  await send(
    new CreateVirtualRouterCommand({
      meshName,
      virtualRouterName: 'router',
      spec: { listeners: [{ portMapping: { port: PORT, protocol: 'http' } }] },
    }),
  );
  const routes: Record<string, HttpRoute & { priority?: number }> =
    shape === 'full'
      ? fullRoutes(targets)
      : {
          all: {
            match: { prefix: '/' },
            action: { weightedTargets: [{ virtualNode: targets[0]!, weight: 1 }] },
          },
        };
  for (const [routeName, { priority, ...httpRoute }] of Object.entries(routes)) {
    await send(
      new CreateRouteCommand({
        meshName,
        virtualRouterName: 'router',
        routeName,
        spec: { priority, httpRoute },
      }),
    );
  }
  await send(
    new CreateVirtualServiceCommand({
      meshName,
      virtualServiceName: SERVICE,
      spec: { provider: { virtualRouter: { virtualRouterName: 'router' } } },
    }),
  );
}

/**
 * Registers `port` on 127.0.0.1 as an endpoint of `node`, as a proxy would for itself, so an outbound
 * proxy can be measured against the backend alone. Returns a function that renews it (TTL 300 s).
 */
export async function registerEndpoint(
  controlPlane: string,
  meshName: string,
  node: string,
  port: number,
): Promise<() => Promise<void>> {
  const renew = async () => {
    const res = await request(
      `${controlPlane}/tessera/v1/meshes/${meshName}/virtualNodes/${node}/endpoints/backend`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          address: '127.0.0.1',
          ports: [{ listenerPort: PORT, port }],
          ttlSeconds: 300,
        }),
      },
    );
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new Error(`register ${node}: ${res.statusCode} ${text}`);
  };
  await renew();
  return renew;
}

export interface ProxyOptions {
  readonly controlPlane: string;
  readonly meshName: string;
  readonly node: string;
  /** Extra flags: telemetry, or an inbound listener for the server side. */
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
  /** The CLI to run, for comparing another build (a copy of `dist/`). @default this tree's dist/ */
  readonly cli?: string;
  /** Node/V8 flags for this proxy. @default IMAGE_NODE_FLAGS */
  readonly nodeArgs?: readonly string[];
  /** Write a V8 CPU profile (`--cpu-prof`) into this folder when the proxy exits. */
  readonly profileDir?: string;
}

/** `tessera proxy` for `node`, pinned to the system's CPU; resolves with its egress port. */
export async function startTesseraProxy(
  plan: CpuPlan,
  options: ProxyOptions,
): Promise<Started & { port: number }> {
  const command = pinned(plan, plan.systemCpu, [
    process.execPath,
    // BENCH_NODE_ARGS: V8/Node flags to try on the proxies (e.g. `--max-semi-space-size=4`).
    ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ...(options.nodeArgs ?? IMAGE_NODE_FLAGS),
    ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
    options.cli ?? CLI,
    'proxy',
    '--control-plane',
    options.controlPlane,
    '--mesh',
    options.meshName,
    '--virtual-node',
    options.node,
    '--egress-port',
    '0',
    '--admin-port',
    '0',
    '--poll-interval',
    '5',
    '--drain-seconds',
    '1',
    ...(options.args ?? []),
  ]);
  const started = await startProcess(command, /egress on 127\.0\.0\.1:(\d+)/, options.env);
  return { ...started, port: Number(started.match[1]) };
}

/** Waits until `url` routes `app.local` to the backend (endpoints arrive by polling). */
export async function routing(url: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  for (let ok = 0; ok < 3; ) {
    const res = await request(url, { headers: { host: SERVICE } });
    const text = await res.body.text();
    if (res.statusCode === 200 && text === 'ok') ok++;
    else last = `${res.statusCode} ${text}`;
    if (Date.now() > until) throw new Error(`${url} does not route ${SERVICE}: ${last}`);
    if (ok < 3) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
