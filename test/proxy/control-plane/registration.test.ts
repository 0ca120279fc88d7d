import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EndpointSet } from '../../../control-plane/snapshot/index.js';
import { Registration, type RegistrationOptions } from '../../../proxy/control-plane/registration.js';
import { Stats } from '../../../proxy/telemetry/stats.js';
import { createColorMesh } from '../../support/color-mesh.js';
import { startTestControlPlane, type TestControlPlane } from '../../support/control-plane.js';
import { RecordingProxy } from './recording-proxy.js';

const MESH = 'registered';

describe('Registration against a control plane', () => {
  let cp: TestControlPlane;
  const registrations: Registration[] = [];
  let front: RecordingProxy | undefined;

  beforeAll(async () => {
    cp = await startTestControlPlane();
    await createColorMesh(cp, MESH);
  });
  afterAll(async () => {
    await cp?.stop();
  });
  afterEach(async () => {
    await Promise.all(registrations.splice(0).map((r) => r.stop()));
    await front?.down();
  });

  async function liveIds(node = 'blue'): Promise<string[]> {
    const res = await fetch(`${cp.url}/tessera/v1/meshes/${MESH}/endpoints?virtualNode=${node}`);
    const set = (await res.json()) as EndpointSet;
    return (set.endpoints[node] ?? []).map((e) => e.id);
  }

  function registration(id: string, overrides: Partial<RegistrationOptions> = {}) {
    const stats = new Stats();
    const created = new Registration({
      controlPlaneUrl: cp.url,
      mesh: MESH,
      virtualNode: 'blue',
      endpointId: id,
      address: '10.0.0.7',
      zone: 'us-east-1a',
      ports: [{ listenerPort: 8080, port: 15000 }],
      stats,
      log: () => {},
      ...overrides,
    });
    registrations.push(created);
    return { registration: created, stats };
  }

  it('registers its endpoint as the registry shows it', async () => {
    const { registration: r, stats } = registration('task-a');
    await r.start();
    expect(r.registered).toBe(true);
    const res = await fetch(`${cp.url}/tessera/v1/meshes/${MESH}/endpoints?virtualNode=blue`);
    const set = (await res.json()) as EndpointSet;
    expect(set.endpoints.blue).toContainEqual({
      id: 'task-a',
      address: '10.0.0.7',
      ports: [{ listenerPort: 8080, port: 15000 }],
      zone: 'us-east-1a',
      source: 'proxy',
    });
    expect(stats.gauge('registered').value).toBe(1);
    await r.deregister();
  });

  it('stays registered past its TTL by heartbeating, while one that stops heartbeating expires', async () => {
    const kept = registration('kept', { ttlSeconds: 5 });
    const dropped = registration('dropped', { ttlSeconds: 5 });
    await Promise.all([kept.registration.start(), dropped.registration.start()]);
    await dropped.registration.stop();
    expect(kept.registration.heartbeatIntervalMs).toBe(1666);
    expect(await liveIds()).toEqual(expect.arrayContaining(['dropped', 'kept']));
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    const live = await liveIds();
    expect(live).toContain('kept');
    expect(live).not.toContain('dropped');
    expect(kept.stats.counter('registration_heartbeats').value).toBeGreaterThanOrEqual(4);
    await kept.registration.deregister();
  }, 15_000);

  it('deregisters at once, and within its bound when the control plane is gone', async () => {
    const { registration: r } = registration('leaving');
    await r.start();
    expect(await liveIds()).toContain('leaving');
    expect(await r.deregister()).toBe(true);
    expect(r.registered).toBe(false);
    expect(await liveIds()).not.toContain('leaving');

    const { registration: orphan, stats } = registration('orphan', { controlPlaneUrl: 'http://127.0.0.1:9' });
    await orphan.start();
    const started = Date.now();
    expect(await orphan.deregister(500)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(stats.counter('registration_errors').value).toBe(2);
  });

  it('registers again after control-plane errors', async () => {
    front = new RecordingProxy(cp.url);
    // Learn a free port, then close it: the first registration finds nothing there.
    await front.up();
    await front.down();
    const { registration: r, stats } = registration('retrying', { controlPlaneUrl: front.url });
    await r.start();
    expect(r.registered).toBe(false);
    expect(stats.counter('registration_errors').value).toBe(1);
    await front.up();
    await vi.waitFor(() => expect(r.registered).toBe(true), { timeout: 4_000, interval: 20 });
    expect(await liveIds()).toContain('retrying');
    expect(front.to('/endpoints/retrying').map((e) => [e.method, e.status])).toEqual([['PUT', 200]]);
    await r.deregister();
  });

  it('heartbeats every ttl/3 and backs off from 1 s after errors, up to the heartbeat interval', async () => {
    front = new RecordingProxy(cp.url);
    await front.up();
    const delays: number[] = [];
    let fire: (() => void) | undefined;
    const timers = {
      now: () => Date.now(),
      setTimeout: (callback: () => void, ms: number) => {
        delays.push(ms);
        fire = callback;
        return delays.length;
      },
      clearTimeout: () => {},
    };
    const { registration: r } = registration('scheduled', {
      controlPlaneUrl: front.url,
      ttlSeconds: 30,
      timers,
    });
    const next = async () => {
      const count = delays.length;
      fire!();
      await vi.waitFor(() => expect(delays.length).toBe(count + 1), { timeout: 2_000, interval: 5 });
    };
    await r.start();
    await next(); // a heartbeat
    await front.down();
    for (let i = 0; i < 5; i++) await next(); // five failures
    await front.up();
    await next(); // registered again
    expect(delays).toEqual([10_000, 10_000, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(front.to('/endpoints/scheduled').map((e) => e.status)).toEqual([200, 200, 200]);
    await r.deregister();
  });

  it('registers new ports at once when the listeners change', async () => {
    const { registration: r } = registration('ports');
    await r.start();
    await r.setPorts([{ listenerPort: 8080, port: 15010 }]);
    const res = await fetch(`${cp.url}/tessera/v1/meshes/${MESH}/endpoints?virtualNode=blue`);
    const set = (await res.json()) as EndpointSet;
    expect(set.endpoints.blue?.find((e) => e.id === 'ports')?.ports).toEqual([
      { listenerPort: 8080, port: 15010 },
    ]);
    await r.deregister();
  });
});
