import { describe, expect, it } from 'vitest';
import { type Round, summarize } from './report.js';

const round = (rps: number): Round => ({ rps, p50: 1, p99: 2, p999: 3, failures: 0, cpuUs: 10 });

describe('summarize', () => {
  it('compares with nginx round by round, so drift that moves both cancels', () => {
    // The machine slows down over the run: both systems' rounds fall together, at a steady 0.6 ratio.
    const nginx = [30_000, 20_000, 10_000];
    const tessera = [18_000, 12_000, 6_000];
    const skewed = [18_000, 6_000, 6_000]; // its second round met a disturbance nginx's did not
    const cells = new Map([
      ['nginx', new Map([[50, nginx.map(round)]])],
      ['tessera', new Map([[50, tessera.map(round)]])],
      ['skewed', new Map([[50, skewed.map(round)]])],
    ]);
    const summaries = summarize(cells, new Map());
    const of = (system: string) => summaries.find((s) => s.system === system)!;
    expect(of('tessera').vsNginx).toBeCloseTo(0.6, 10);
    // The median of the ratios 0.6, 0.3, 0.6, where a ratio of medians would say 6,000 / 20,000 = 0.3.
    expect(of('skewed').vsNginx).toBeCloseTo(0.6, 10);
    expect(of('skewed').rps).toBe(6_000);
    expect(of('tessera').rpsByRound).toEqual(tessera);
  });

  it('falls back to a ratio of medians when the round counts differ', () => {
    const cells = new Map([
      ['nginx', new Map([[50, [10_000, 20_000, 30_000].map(round)]])],
      ['tessera', new Map([[50, [12_000].map(round)]])],
    ]);
    const tessera = summarize(cells, new Map()).find((s) => s.system === 'tessera')!;
    expect(tessera.vsNginx).toBeCloseTo(0.6, 10);
  });
});
