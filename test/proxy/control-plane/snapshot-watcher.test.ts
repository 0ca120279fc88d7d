import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseSnapshot, type Snapshot } from '../../../control-plane/snapshot/index.js';
import {
  type SnapshotSource,
  SnapshotWatcher,
  type SnapshotWatcherOptions,
} from '../../../proxy/control-plane/snapshot-watcher.js';
import { systemTimers, type Timers } from '../../../proxy/control-plane/timers.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import { createColorMesh, setWeights, weightsOf } from '../../support/color-mesh.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { RecordingProxy } from './recording-proxy.js';

const MESH = 'watched';

/** A clock the test moves by hand, with real timers. */
function manualClock(start = Date.now()): Timers & { advance(seconds: number): void } {
  let now = start;
  return {
    ...systemTimers,
    now: () => now,
    advance(seconds) {
      now += seconds * 1000;
    },
  };
}

describe('SnapshotWatcher against a control plane', () => {
  let cp: TestControlPlane;
  let front: RecordingProxy;
  let stateDir: string;
  const watchers: SnapshotWatcher[] = [];

  beforeAll(async () => {
    cp = await startTestControlPlane();
    await createColorMesh(cp, MESH);
  });
  afterAll(async () => {
    await cp?.stop();
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((watcher) => watcher.stop()));
    await front?.down();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  async function setUp(): Promise<void> {
    front = new RecordingProxy(cp.url);
    await front.up();
    stateDir = await mkdtemp(join(tmpdir(), 'tessera-state-'));
  }

  function watcher(overrides: Partial<SnapshotWatcherOptions> = {}) {
    const applied: Array<{ snapshot: Snapshot; source: SnapshotSource }> = [];
    const stats = new Stats();
    const created = new SnapshotWatcher({
      controlPlaneUrl: front.url,
      mesh: MESH,
      proxy: { kind: 'virtualNode', name: 'front' },
      pollIntervalMs: 60_000,
      stats,
      onSnapshot: (snapshot, source) => {
        applied.push({ snapshot, source });
      },
      log: () => {},
      ...overrides,
    });
    watchers.push(created);
    return { watcher: created, applied, stats };
  }

  it('fetches the first snapshot, then gets 304s while nothing changes', async () => {
    await setUp();
    const { watcher: w, applied, stats } = watcher();
    await w.start();
    expect(applied).toHaveLength(1);
    expect(applied[0]!.source).toBe('control-plane');
    expect(weightsOf(w.current)).toEqual({ 'blue:8080': 3, 'green:8080': 1 });
    await w.pollNow();
    await w.pollNow();
    const version = w.current!.version;
    expect(front.to('/snapshot')).toEqual([
      { method: 'GET', path: `/tessera/v1/meshes/${MESH}/virtualNodes/front/snapshot`, status: 200 },
      expect.objectContaining({ ifNoneMatch: `"${version}"`, status: 304 }),
      expect.objectContaining({ ifNoneMatch: `"${version}"`, status: 304 }),
    ]);
    expect(applied).toHaveLength(1);
    expect(stats.counter('snapshot_updates').value).toBe(1);
    expect(stats.counter('snapshot_fetch_errors').value).toBe(0);
    expect(w.status()).toMatchObject({ version, source: 'control-plane' });
  });

  it('sees a route change on the next poll', async () => {
    await setUp();
    const { watcher: w, applied } = watcher({ pollIntervalMs: 100 });
    await w.start();
    await setWeights(cp, MESH, { blue: 1, green: 1 });
    const before = front.to('/snapshot').length;
    await vi.waitFor(() => expect(weightsOf(w.current)).toEqual({ 'blue:8080': 1, 'green:8080': 1 }), {
      timeout: 2_000,
      interval: 10,
    });
    // Seen within one poll (±10% jitter), not after several.
    expect(front.to('/snapshot').length - before).toBeLessThanOrEqual(2);
    expect(applied.map((a) => weightsOf(a.snapshot))).toEqual([
      { 'blue:8080': 3, 'green:8080': 1 },
      { 'blue:8080': 1, 'green:8080': 1 },
    ]);
    await setWeights(cp, MESH, { blue: 3, green: 1 });
  });

  it('keeps its snapshot when the control plane stops, counts the errors, and reports a growing age', async () => {
    await setUp();
    const clock = manualClock();
    const { watcher: w, stats } = watcher({ timers: clock });
    await w.start();
    const version = w.current!.version;
    expect(w.ageSeconds()).toBe(0);
    await front.down();
    clock.advance(30);
    await w.pollNow();
    clock.advance(30);
    await w.pollNow();
    expect(w.current!.version).toBe(version);
    expect(stats.counter('snapshot_fetch_errors').value).toBe(2);
    expect(w.ageSeconds()).toBe(60);
    expect(stats.gauge('snapshot_age_seconds').value).toBe(60);
    await front.up();
    await w.pollNow();
    expect(w.ageSeconds()).toBe(0);
    expect(stats.gauge('snapshot_age_seconds').value).toBe(0);
  });

  it('keeps the last good snapshot on disk and starts from it while the control plane is down', async () => {
    await setUp();
    const first = watcher({ stateDir });
    await first.watcher.start();
    const version = first.watcher.current!.version;
    await first.watcher.stop();
    expect(await readdir(stateDir)).toEqual(['snapshot.json']);
    const onDisk = parseSnapshot(await readFile(join(stateDir, 'snapshot.json'), 'utf8'));
    expect(onDisk.ok && onDisk.snapshot.version).toBe(version);

    await front.down();
    const restarted = watcher({ stateDir });
    await restarted.watcher.start();
    expect(restarted.applied.map((a) => [a.snapshot.version, a.source])).toEqual([[version, 'disk']]);
    expect(restarted.watcher.status()).toMatchObject({ version, source: 'disk' });
    expect(restarted.stats.counter('snapshot_fetch_errors').value).toBe(1);

    // The control plane comes back and confirms it: no second apply, the source becomes the control plane.
    await front.up();
    await restarted.watcher.pollNow();
    expect(front.to('/snapshot').at(-1)).toMatchObject({ ifNoneMatch: `"${version}"`, status: 304 });
    expect(restarted.applied).toHaveLength(1);
    expect(restarted.watcher.source).toBe('control-plane');
  });

  it('starts with no snapshot when the control plane is down and nothing is on disk, then catches up', async () => {
    await setUp();
    await front.down();
    const { watcher: w, applied } = watcher({ stateDir, pollIntervalMs: 50 });
    await w.start();
    expect(w.current).toBeUndefined();
    expect(w.ageSeconds()).toBeUndefined();
    await front.up();
    await vi.waitFor(() => expect(applied).toHaveLength(1), { timeout: 2_000, interval: 10 });
    expect(applied[0]!.source).toBe('control-plane');
  });

  it('does not start from disk when the control plane says the node does not exist', async () => {
    await setUp();
    const first = watcher({ stateDir });
    await first.watcher.start();
    await first.watcher.stop();
    const ghost = watcher({ stateDir, proxy: { kind: 'virtualNode', name: 'ghost' } });
    await ghost.watcher.start();
    expect(front.to('/ghost/snapshot')).toEqual([expect.objectContaining({ status: 404 })]);
    expect(ghost.watcher.current).toBeUndefined();
    expect(ghost.stats.counter('snapshot_fetch_errors').value).toBe(1);
    // The disk copy was not even read (it would have been refused as another node's).
    expect(ghost.stats.snapshot().counters.filter((c) => c.name === 'snapshot_rejected')).toEqual([]);
  });
});
