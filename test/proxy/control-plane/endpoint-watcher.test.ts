import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointSet } from '../../../control-plane/snapshot/index.js';
import { EndpointWatcher, nodesOf } from '../../../proxy/control-plane/endpoint-watcher.js';
import { SnapshotWatcher } from '../../../proxy/control-plane/snapshot-watcher.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import { createColorMesh } from '../../support/color-mesh.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { RecordingProxy } from './recording-proxy.js';

const MESH = 'endpoints';

async function register(cp: TestControlPlane, node: string, id: string, address: string): Promise<void> {
  const res = await fetch(`${cp.url}/tessera/v1/meshes/${MESH}/virtualNodes/${node}/endpoints/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ address, ports: [{ listenerPort: 8080, port: 15000 }], ttlSeconds: 300 }),
  });
  expect(res.status).toBe(200);
}

describe('EndpointWatcher against a control plane', () => {
  let cp: TestControlPlane;
  let front: RecordingProxy;
  let watcher: EndpointWatcher | undefined;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    await createColorMesh(cp, MESH);
    await register(cp, 'blue', 'blue-1', '10.0.0.1');
  });
  afterAll(async () => {
    await cp?.stop();
  });
  afterEach(async () => {
    await watcher?.stop();
    await front?.down();
  });

  async function start() {
    front = new RecordingProxy(cp.url);
    await front.up();
    const sets: EndpointSet[] = [];
    const stats = new Stats();
    watcher = new EndpointWatcher({
      controlPlaneUrl: front.url,
      mesh: MESH,
      pollIntervalMs: 60_000,
      stats,
      onEndpoints: (set) => sets.push(set),
      log: () => {},
    });
    watcher.start();
    return { watcher, sets, stats };
  }

  it("reads the endpoints of the nodes the snapshot's clusters name, then 304s while they do not change", async () => {
    const { watcher: w, sets, stats } = await start();
    const snapshots = new SnapshotWatcher({
      controlPlaneUrl: cp.url,
      mesh: MESH,
      proxy: { kind: 'virtualNode', name: 'front' },
      pollIntervalMs: 60_000,
      stats,
      onSnapshot: () => {},
      log: () => {},
    });
    await snapshots.start();
    await snapshots.stop();
    expect(nodesOf(snapshots.current!)).toEqual(['blue', 'green']);
    await w.setNodes(nodesOf(snapshots.current!));
    expect(sets).toHaveLength(1);
    expect(sets[0]!.endpoints.green).toEqual([]);
    expect(sets[0]!.endpoints.blue).toEqual([
      { id: 'blue-1', address: '10.0.0.1', ports: [{ listenerPort: 8080, port: 15000 }], source: 'proxy' },
    ]);
    await w.pollNow();
    await w.pollNow();
    expect(front.to('/endpoints').map((e) => [e.path, e.status])).toEqual([
      [`/tessera/v1/meshes/${MESH}/endpoints?virtualNode=blue&virtualNode=green`, 200],
      [`/tessera/v1/meshes/${MESH}/endpoints?virtualNode=blue&virtualNode=green`, 304],
      [`/tessera/v1/meshes/${MESH}/endpoints?virtualNode=blue&virtualNode=green`, 304],
    ]);
    expect(sets).toHaveLength(1);

    await register(cp, 'green', 'green-1', '10.0.0.2');
    await w.pollNow();
    expect(sets).toHaveLength(2);
    expect(sets[1]!.endpoints.green?.map((e) => e.address)).toEqual(['10.0.0.2']);
    expect(stats.counter('endpoints_updates').value).toBe(2);
  });

  it('keeps the last endpoints when the control plane is unreachable, and counts the errors', async () => {
    const { watcher: w, sets, stats } = await start();
    await w.setNodes(['blue']);
    expect(sets).toHaveLength(1);
    await front.down();
    await w.pollNow();
    await w.pollNow();
    expect(stats.counter('endpoints_fetch_errors').value).toBe(2);
    expect(sets).toHaveLength(1);
    expect(w.current?.endpoints.blue?.map((e) => e.id)).toEqual(['blue-1']);
  });

  it('polls at once when the node set changes, and delivers an empty set for no nodes', async () => {
    const { watcher: w, sets } = await start();
    await w.setNodes(['blue']);
    await w.setNodes(['blue']);
    await w.setNodes(['green', 'blue']);
    expect(front.to('/endpoints').map((e) => e.path.split('?')[1])).toEqual([
      'virtualNode=blue',
      'virtualNode=blue&virtualNode=green',
    ]);
    await w.setNodes([]);
    expect(sets.map((set) => Object.keys(set.endpoints))).toEqual([['blue'], ['blue', 'green'], []]);
  });
});
