// `npm run bench:snapshot`: a mesh of 1,000 virtual nodes, 300 routers and 2,000 routes in DynamoDB
// Local; how long compiling one node's snapshot and all of them takes, how big snapshots are, and what
// an unchanged poll costs (DynamoDB requests and latency), warm and cold.

import { expect, it } from 'vitest';
import { compileSnapshot } from '../../control-plane/compiler/index.js';
import { SnapshotService } from '../../control-plane/distribution/snapshot-service.js';
import { KINDS, type Kind, type ResourceKey } from '../../control-plane/model/kinds.js';
import { MeshService } from '../../control-plane/service/mesh-service.js';
import { DynamoDbSnapshotCache } from '../../control-plane/store/dynamodb-snapshot-cache.js';
import { DynamoDbStore } from '../../control-plane/store/dynamodb-store.js';
import { createTestTable, recordCommands } from '../support/dynamodb.js';

const NODES = 1_000;
const ROUTERS = 300;
const ROUTES = 2_000;
const BACKENDS_PER_NODE = 4;
const MESH = 'big';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
const key = (kind: Kind, name: string, parentName?: string): ResourceKey => ({
  kind,
  meshName: MESH,
  name,
  ...(parentName !== undefined ? { parentName } : {}),
});

/** Node i calls the services of routers i, i+1, … (mod ROUTERS); route j belongs to router j mod ROUTERS. */
async function buildMesh(service: MeshService): Promise<void> {
  await service.create(key('mesh', MESH), { spec: { egressFilter: { type: 'DROP_ALL' } } });
  for (let i = 0; i < NODES; i++) {
    await service.create(key('virtualNode', `node-${i}`), {
      spec: {
        listeners: [
          {
            portMapping: { port: 8080, protocol: 'http' },
            healthCheck: {
              protocol: 'http',
              path: '/health',
              healthyThreshold: 2,
              unhealthyThreshold: 3,
              intervalMillis: 5000,
              timeoutMillis: 2000,
            },
            outlierDetection: {
              maxServerErrors: 5,
              interval: { unit: 's', value: 10 },
              baseEjectionDuration: { unit: 's', value: 30 },
              maxEjectionPercent: 50,
            },
          },
        ],
        serviceDiscovery: { dns: { hostname: `node-${i}.${MESH}.local` } },
        backends: Array.from({ length: BACKENDS_PER_NODE }, (_, b) => ({
          virtualService: { virtualServiceName: `svc-${(i + b) % ROUTERS}.${MESH}.local` },
        })),
      },
    });
  }
  for (let r = 0; r < ROUTERS; r++) {
    await service.create(key('virtualRouter', `router-${r}`), {
      spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
    });
  }
  for (let j = 0; j < ROUTES; j++) {
    const r = j % ROUTERS;
    await service.create(key('route', `route-${j}`, `router-${r}`), {
      spec: {
        priority: j % 1000,
        httpRoute: {
          match: {
            prefix: `/api/v${j % 7}`,
            headers: [{ name: 'x-canary', match: { exact: j % 2 === 0 ? 'true' : 'false' } }],
          },
          action: {
            weightedTargets: [
              { virtualNode: `node-${j % NODES}`, weight: 90 },
              { virtualNode: `node-${(j * 7 + 1) % NODES}`, weight: 10 },
            ],
          },
          retryPolicy: {
            maxRetries: 2,
            perRetryTimeout: { unit: 'ms', value: 500 },
            httpRetryEvents: ['server-error', 'gateway-error'],
          },
          timeout: { perRequest: { unit: 's', value: 5 } },
        },
      },
    });
  }
  for (let r = 0; r < ROUTERS; r++) {
    await service.create(key('virtualService', `svc-${r}.${MESH}.local`), {
      spec: { provider: { virtualRouter: { virtualRouterName: `router-${r}` } } },
    });
  }
}

it('measures snapshot compilation and polling on a large mesh', async () => {
  const table = await createTestTable();
  const store = new DynamoDbStore({ client: table.client, tableName: table.tableName });
  const buildStarted = performance.now();
  await buildMesh(new MeshService(store, { region: 'us-east-1', accountId: '000000000000' }));
  const buildSeconds = (performance.now() - buildStarted) / 1000;

  const loadStarted = performance.now();
  const contents = (await store.loadMesh(MESH))!;
  const loadMs = performance.now() - loadStarted;
  const counts = Object.fromEntries(
    KINDS.map((k) => [k, contents.resources.filter((r) => r.key.kind === k).length]),
  );
  expect(counts).toMatchObject({ virtualNode: NODES, virtualRouter: ROUTERS, route: ROUTES });

  // Compile: one node (median of 50, after warm-up), then every node once.
  const compileOne = (name: string) =>
    compileSnapshot({
      mesh: contents.mesh,
      resources: contents.resources,
      proxy: { kind: 'virtualNode', name },
    });
  for (let i = 0; i < 10; i++) compileOne(`node-${i}`);
  const one: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t = performance.now();
    const result = compileOne(`node-${(i * 37) % NODES}`);
    one.push(performance.now() - t);
    expect(result.ok).toBe(true);
  }
  const sizes: number[] = [];
  const allStarted = performance.now();
  for (let i = 0; i < NODES; i++) {
    const result = compileOne(`node-${i}`);
    if (result.ok) sizes.push(Buffer.byteLength(result.json));
  }
  const allMs = performance.now() - allStarted;

  // Polls through the snapshot service, counting DynamoDB requests.
  const calls = recordCommands(table.client);
  const warm = new SnapshotService({
    store,
    cache: new DynamoDbSnapshotCache({ client: table.client, tableName: table.tableName }),
  });
  const proxy = { kind: 'virtualNode' as const, name: 'node-42' };
  calls.length = 0;
  let t = performance.now();
  const first = await warm.read(MESH, proxy);
  const firstMs = performance.now() - t;
  const firstRequests = calls.length;
  const known = (v: string) => v === first.version;

  const warmMs: number[] = [];
  let warmRequests = 0;
  for (let i = 0; i < 100; i++) {
    calls.length = 0;
    t = performance.now();
    const read = await warm.read(MESH, proxy, known);
    warmMs.push(performance.now() - t);
    warmRequests = Math.max(warmRequests, calls.length);
    expect(read.notModified).toBe(true);
  }
  const coldMs: number[] = [];
  let coldRequests = 0;
  for (let i = 0; i < 20; i++) {
    const cold = new SnapshotService({
      store,
      cache: new DynamoDbSnapshotCache({ client: table.client, tableName: table.tableName }),
    });
    calls.length = 0;
    t = performance.now();
    const read = await cold.read(MESH, proxy, known);
    coldMs.push(performance.now() - t);
    coldRequests = Math.max(coldRequests, calls.length);
    expect(read.notModified).toBe(true);
  }

  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    [
      '',
      `Mesh: ${NODES} virtual nodes (${BACKENDS_PER_NODE} backends each), ${ROUTERS} routers, ${ROUTES} routes, ${ROUTERS} virtual services`,
      `  built through MeshService into DynamoDB Local in ${buildSeconds.toFixed(1)} s; loadMesh (consistent read of all ${contents.resources.length + 1} records): ${loadMs.toFixed(0)} ms`,
      '',
      '| measure | value | target |',
      '|---|---|---|',
      `| compile one node's snapshot (median of 50 / p90) | ${median(one).toFixed(2)} ms / ${p90(one).toFixed(2)} ms | ≤ 50 ms |`,
      `| compile all ${NODES} nodes' snapshots | ${(allMs / 1000).toFixed(2)} s (${(allMs / NODES).toFixed(2)} ms each) | |`,
      `| snapshot size (median / max) | ${kb(median(sizes))} / ${kb(Math.max(...sizes))} | |`,
      `| first poll (load + compile + cache write) | ${firstMs.toFixed(0)} ms, ${firstRequests} DynamoDB requests | |`,
      `| unchanged poll, warm instance (median of 100) | ${median(warmMs).toFixed(2)} ms, ${warmRequests} DynamoDB read | ≤ 2 reads |`,
      `| unchanged poll, cold instance (median of 20) | ${median(coldMs).toFixed(2)} ms, ${coldRequests} DynamoDB reads | ≤ 2 reads |`,
      '',
    ].join('\n'),
  );
  expect(warmRequests).toBeLessThanOrEqual(2);
  expect(coldRequests).toBeLessThanOrEqual(2);
  await table.drop();
}, 600_000);
