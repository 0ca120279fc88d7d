import { describe, expect, it } from 'vitest';
import { renderTable, type ViewRow } from '../../../cli/dev/live-view.js';
import { MeshStats } from '../../../cli/dev/mesh-stats.js';

describe('renderTable', () => {
  it('aligns services and routes under one header, with - where a number is not known', () => {
    const rows: ViewRow[] = [
      {
        kind: 'service',
        name: 'front',
        requestsPerSecond: 20,
        successRate: 1,
        p50Ms: 2.345,
        p99Ms: 31.6,
        ejections: 0,
      },
      { kind: 'service', name: 'green', requestsPerSecond: 5.04, successRate: 0.69996, ejections: 3 },
      { kind: 'service', name: 'red', requestsPerSecond: 0, ejections: 0 },
      {
        kind: 'route',
        name: 'front → colors.local/paint',
        requestsPerSecond: 20.1,
        successRate: 0.9996,
        retriesPerSecond: 1.25,
      },
      { kind: 'service', name: 'idle' },
    ];
    expect(renderTable(rows)).toBe(
      [
        'SERVICE / ROUTE             REQ/S  SUCCESS     P50    P99  RETRIES/S  EJECTIONS',
        'front                        20.0   100.0%  2.3 ms  32 ms          -          0',
        'green                         5.0    69.9%       -      -          -          3',
        'red                           0.0        -       -      -          -          0',
        'front → colors.local/paint   20.1    99.9%       -      -        1.3          -',
        'idle                            -        -       -      -          -          -',
        '',
      ].join('\n'),
    );
  });

  it('prints just the header for no rows', () => {
    expect(renderTable([])).toBe('SERVICE / ROUTE  REQ/S  SUCCESS  P50  P99  RETRIES/S  EJECTIONS\n');
  });
});

describe('MeshStats', () => {
  const counter = (name: string, labels: Record<string, string>, value: number) => ({ name, labels, value });
  const inbound = { direction: 'inbound', listener: '8080' };
  const route = { direction: 'outbound', virtual_service: 'colors.local', route: 'paint' };

  it('turns two samples of counters into rates, success and retries per service and route', () => {
    const stats = new MeshStats(
      [
        { name: 'front', adminUrl: 'http://front' },
        { name: 'green', adminUrl: 'http://green' },
      ],
      { latencyOf: (s) => (s === 'front' ? { count: 10, p50Ms: 3, p99Ms: 9 } : undefined) },
    );
    stats.add('http://front', { at: 0, counters: [counter('upstream_rq_total', route, 0)] });
    stats.add('http://front', {
      at: 10_000,
      counters: [
        counter('upstream_rq_total', inbound, 100),
        counter('upstream_rq_status', { ...inbound, class: '2xx' }, 100),
        counter('upstream_rq_total', route, 100),
        counter('upstream_rq_retry', route, 12),
        counter('upstream_rq_status', { ...route, class: '2xx' }, 99),
        counter('upstream_rq_status', { ...route, class: '5xx' }, 1),
        counter('cluster_outlier_ejections', { cluster: 'green:8080' }, 2),
      ],
    });
    stats.add('http://green', { at: 0, counters: [] });
    stats.add('http://green', {
      at: 10_000,
      counters: [
        counter('upstream_rq_total', inbound, 40),
        counter('upstream_rq_status', { ...inbound, class: '2xx' }, 28),
        counter('upstream_rq_status', { ...inbound, class: '5xx' }, 12),
      ],
    });
    expect(stats.rows()).toEqual([
      {
        kind: 'service',
        name: 'front',
        requestsPerSecond: 10,
        successRate: 1,
        p50Ms: 3,
        p99Ms: 9,
        ejections: 0,
      },
      { kind: 'service', name: 'green', requestsPerSecond: 4, successRate: 0.7, ejections: 2 },
      {
        kind: 'route',
        name: 'front → colors.local/paint',
        requestsPerSecond: 10,
        successRate: 0.99,
        retriesPerSecond: 1.2,
      },
    ]);
  });

  it('keeps only the window: older samples stop counting', () => {
    const stats = new MeshStats([{ name: 'a', adminUrl: 'http://a' }], { windowMs: 10_000 });
    for (const [at, value] of [
      [0, 0],
      [10_000, 1000],
      [20_000, 1010],
    ] as const) {
      stats.add('http://a', { at, counters: [counter('upstream_rq_total', inbound, value)] });
    }
    expect(stats.rows()[0]!.requestsPerSecond).toBe(1);
  });
});
