import { afterEach, describe, expect, it } from 'vitest';
import { type AdminServer, startAdminServer } from '../../../proxy/admin/admin-server.js';
import { configView } from '../../../proxy/admin/config-view.js';
import type { ProxyConfig } from '../../../proxy/config/proxy-config.js';
import { Stats } from '../../../proxy/telemetry/stats.js';

const CONFIG: ProxyConfig = {
  controlPlaneUrl: 'https://user:secret@cp.example.com/prod',
  mesh: 'colors',
  proxy: { kind: 'virtualNode', name: 'front' },
  ingressPorts: { kind: 'single', port: 15000 },
  egressPort: 15001,
  adminPort: 0,
  adminHost: '127.0.0.1',
  ingressHost: '127.0.0.1',
  appPorts: { kind: 'single', port: 3000 },
  advertiseAddress: '10.0.0.4',
  zone: 'us-east-1a',
  instanceId: 'task-1',
  platform: 'ecs',
  pollIntervalMs: 5000,
  drainSeconds: 20,
  metrics: { mode: 'emf', intervalMs: 60_000, namespace: 'Tessera' },
  tracing: { mode: 'off', samplingRate: 0.05 },
};

describe('startAdminServer', () => {
  let admin: AdminServer | undefined;
  afterEach(async () => {
    await admin?.close();
    admin = undefined;
  });

  async function start(ready: { value: boolean }, stats = new Stats()) {
    admin = await startAdminServer({
      port: 0,
      stats,
      isReady: () => ready.value,
      config: () =>
        configView(CONFIG, {
          version: 'v1',
          meshUid: 'uid-1',
          source: 'disk',
          ageSeconds: 12.7,
          appliedAt: Date.UTC(2026, 0, 1),
        }),
      endpoints: () => ({ clusters: { 'blue:8080': [{ address: '10.0.0.1', ejected: false }] } }),
    });
    return admin;
  }

  it('listens on loopback by default', async () => {
    const { url } = await start({ value: false });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers /ready 503 until ready, then 200', async () => {
    const ready = { value: false };
    const { url } = await start(ready);
    const before = await fetch(`${url}/ready`);
    expect([before.status, await before.text()]).toEqual([503, 'not ready\n']);
    ready.value = true;
    const after = await fetch(`${url}/ready`);
    expect([after.status, await after.text()]).toEqual([200, 'ready\n']);
  });

  it('serves /stats as JSON and as Prometheus text', async () => {
    const stats = new Stats();
    stats.counter('snapshot_rejected', { reason: 'invalid' }).inc(2);
    stats.gauge('snapshot_age_seconds').set(7);
    const { url } = await start({ value: true }, stats);
    const json = await fetch(`${url}/stats`);
    expect(json.headers.get('content-type')).toBe('application/json');
    expect(await json.json()).toEqual({
      counters: [{ name: 'snapshot_rejected', labels: { reason: 'invalid' }, value: 2 }],
      gauges: [{ name: 'snapshot_age_seconds', labels: {}, value: 7 }],
    });
    const text = await fetch(`${url}/stats?format=prometheus`);
    expect(text.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await text.text()).toBe(
      [
        '# TYPE tessera_snapshot_age_seconds gauge',
        'tessera_snapshot_age_seconds 7',
        '# TYPE tessera_snapshot_rejected counter',
        'tessera_snapshot_rejected{reason="invalid"} 2',
        '',
      ].join('\n'),
    );
    expect((await fetch(`${url}/stats?format=xml`)).status).toBe(400);
  });

  it('serves /config without secrets, and /endpoints', async () => {
    const { url } = await start({ value: true });
    const config = await (await fetch(`${url}/config`)).json();
    expect(config).toMatchObject({
      mesh: 'colors',
      proxy: { kind: 'virtualNode', name: 'front' },
      instanceId: 'task-1',
      controlPlane: 'https://cp.example.com/prod',
      snapshot: { version: 'v1', source: 'disk', ageSeconds: 12, appliedAt: '2026-01-01T00:00:00.000Z' },
    });
    expect(JSON.stringify(config)).not.toContain('secret');
    expect(await (await fetch(`${url}/endpoints`)).json()).toEqual({
      clusters: { 'blue:8080': [{ address: '10.0.0.1', ejected: false }] },
    });
  });

  it('answers 404 for any other path and 405 for another method', async () => {
    const { url } = await start({ value: true });
    expect((await fetch(`${url}/`)).status).toBe(404);
    expect((await fetch(`${url}/quitquitquit`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${url}/ready/`)).status).toBe(404);
    const post = await fetch(`${url}/ready`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});
