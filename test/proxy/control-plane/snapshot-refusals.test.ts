import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentHash, type Snapshot } from '../../../control-plane/snapshot/index.js';
import {
  SnapshotWatcher,
  type SnapshotWatcherOptions,
} from '../../../proxy/control-plane/snapshot-watcher.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import { routeMesh } from '../../support/snapshot-mesh.js';

/** `snapshot` with some members changed and its version recomputed, so it is valid. */
function variant(snapshot: Snapshot, change: Partial<Omit<Snapshot, 'version'>>): Snapshot {
  const { version: _, ...content } = { ...snapshot, ...change };
  return { ...content, version: contentHash(content) } as Snapshot;
}

const BASE = routeMesh({
  split: {
    httpRoute: { match: { prefix: '/' }, action: { weightedTargets: [{ virtualNode: 'blue', weight: 1 }] } },
  },
}).nodeSnapshot('front');

/** A stand-in control plane serving, for each request, the next of `bodies` (the last one repeats). */
class ScriptedServer {
  readonly requests: IncomingHttpHeaders[] = [];
  #server: Server | undefined;
  constructor(public bodies: string[]) {}

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      this.requests.push(req.headers);
      const body = this.bodies.length > 1 ? this.bodies.shift()! : this.bodies[0]!;
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((done) => this.#server!.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((done) => {
      this.#server?.close(() => done());
      this.#server?.closeAllConnections();
    });
  }
}

describe('SnapshotWatcher refusals', () => {
  let server: ScriptedServer;
  let watcher: SnapshotWatcher | undefined;
  let stateDir: string | undefined;
  afterEach(async () => {
    await watcher?.stop();
    await server?.stop();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  async function watch(bodies: unknown[], options: Partial<SnapshotWatcherOptions> = {}) {
    server = new ScriptedServer(bodies.map((b) => (typeof b === 'string' ? b : JSON.stringify(b))));
    const url = await server.start();
    const applied: Snapshot[] = [];
    const stats = new Stats();
    watcher = new SnapshotWatcher({
      controlPlaneUrl: url,
      mesh: 'demo',
      proxy: { kind: 'virtualNode', name: 'front' },
      pollIntervalMs: 60_000,
      stats,
      onSnapshot: (snapshot) => {
        applied.push(snapshot);
      },
      log: () => {},
      ...options,
    });
    await watcher.start();
    const rejected = (reason: string) => stats.counter('snapshot_rejected', { reason }).value;
    return { watcher, applied, stats, rejected };
  }

  it('refuses an invalid snapshot, counts it, and keeps the one it has', async () => {
    const tampered = { ...variant(BASE, {}), meshUid: 'changed-without-rehashing' };
    const {
      watcher: w,
      applied,
      rejected,
    } = await watch([BASE, tampered, '{"schemaVersion": 2}', 'not json']);
    for (let i = 0; i < 3; i++) await w.pollNow();
    expect(applied.map((s) => s.version)).toEqual([BASE.version]);
    expect(w.current?.version).toBe(BASE.version);
    expect(rejected('invalid')).toBe(3);
  });

  it("refuses another proxy's snapshot", async () => {
    const other = variant(BASE, { proxy: { kind: 'virtualNode', name: 'blue' } });
    const { watcher: w, rejected } = await watch([BASE, other]);
    await w.pollNow();
    expect(w.current?.version).toBe(BASE.version);
    expect(rejected('identity')).toBe(1);
  });

  it('refuses a snapshot of a mesh uid it has seen replaced, but takes a change undone within one uid', async () => {
    const recreated = variant(BASE, { meshUid: 'uid-recreated' });
    const changed = variant(recreated, { egressFilter: { type: 'ALLOW_ALL', allowedHostSuffixes: [] } });
    const { watcher: w, applied, rejected } = await watch([BASE, recreated, BASE, changed, recreated]);
    for (let i = 0; i < 4; i++) await w.pollNow();
    // BASE (old uid) after the recreated mesh is older; going back from `changed` to `recreated` is not.
    expect(applied.map((s) => s.version)).toEqual([
      BASE.version,
      recreated.version,
      changed.version,
      recreated.version,
    ]);
    expect(rejected('stale-mesh')).toBe(1);
  });

  it('does not download a refused snapshot again: it names it in If-None-Match', async () => {
    const bad = variant(BASE, { meshName: 'elsewhere' });
    const { watcher: w } = await watch([BASE, bad]);
    await w.pollNow();
    await w.pollNow();
    expect(server.requests.map((h) => h['if-none-match'])).toEqual([
      undefined,
      `"${BASE.version}"`,
      `"${BASE.version}", "${bad.version}"`,
    ]);
  });

  it('refuses a snapshot the proxy cannot apply, and does not write it to disk', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'tessera-state-'));
    const next = variant(BASE, { egressFilter: { type: 'ALLOW_ALL', allowedHostSuffixes: [] } });
    let calls = 0;
    const { watcher: w, rejected } = await watch([BASE, next], {
      stateDir,
      onSnapshot: () => {
        calls += 1;
        if (calls === 2) throw new Error('port in use');
      },
    });
    await w.pollNow();
    expect(w.current?.version).toBe(BASE.version);
    expect(rejected('apply')).toBe(1);
    expect(JSON.parse(await readFile(join(stateDir, 'snapshot.json'), 'utf8')).version).toBe(BASE.version);
  });

  it('starts from disk when the control plane serves an invalid snapshot at start', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'tessera-state-'));
    const first = await watch([BASE], { stateDir });
    await first.watcher.stop();
    await server.stop();
    const { watcher: w, rejected } = await watch(['{}'], { stateDir });
    expect(rejected('invalid')).toBe(1);
    expect(w.status()).toMatchObject({ version: BASE.version, source: 'disk' });
  });
});
