import { describe, expect, it } from 'vitest';
import { Stats } from '../../../proxy/telemetry/stats.js';

describe('Stats', () => {
  it('counts per labelled series, sharing a series between handles with the same name and labels', () => {
    const stats = new Stats();
    const a = stats.counter('requests', { route: 'r1', code: '2xx' });
    const b = stats.counter('requests', { code: '2xx', route: 'r1' });
    a.inc();
    b.inc(2);
    stats.counter('requests', { route: 'r2', code: '5xx' }).inc();
    expect(a.value).toBe(3);
    expect(stats.snapshot().counters).toEqual([
      { name: 'requests', labels: { route: 'r1', code: '2xx' }, value: 3 },
      { name: 'requests', labels: { route: 'r2', code: '5xx' }, value: 1 },
    ]);
  });

  it('keeps gauges apart from counters and refuses to reuse a name as the other kind', () => {
    const stats = new Stats();
    const age = stats.gauge('snapshot_age_seconds');
    age.set(12);
    age.add(-2);
    expect(stats.snapshot().gauges).toEqual([{ name: 'snapshot_age_seconds', labels: {}, value: 10 }]);
    expect(() => stats.counter('snapshot_age_seconds')).toThrow(/is a gauge/);
  });

  it('renders the Prometheus text format with escaped label values', () => {
    const stats = new Stats();
    stats.counter('requests', { route: 'a"b' }).inc(5);
    stats.gauge('ready').set(1);
    expect(stats.toPrometheus()).toBe(
      '# TYPE tessera_ready gauge\ntessera_ready 1\n# TYPE tessera_requests counter\ntessera_requests{route="a\\"b"} 5\n',
    );
  });
});
