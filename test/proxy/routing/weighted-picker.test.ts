import { describe, expect, it } from 'vitest';
import { WeightedPicker } from '../../../proxy/routing/weighted-picker.js';
import { seededRandom } from './seeded-random.js';

function counts<T extends string>(
  picker: WeightedPicker<T>,
  picks: number,
  seed = 1,
): Record<string, number> {
  const random = seededRandom(seed);
  const seen: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const item = picker.pick(random) ?? 'none';
    seen[item] = (seen[item] ?? 0) + 1;
  }
  return seen;
}

describe('WeightedPicker', () => {
  it('picks in proportion to the weights', () => {
    const picker = new WeightedPicker([
      { item: 'a', weight: 1 },
      { item: 'b', weight: 2 },
      { item: 'c', weight: 7 },
    ]);
    const seen = counts(picker, 50_000);
    expect(Math.abs(seen.a! / 50_000 - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(seen.b! / 50_000 - 0.2)).toBeLessThan(0.01);
    expect(Math.abs(seen.c! / 50_000 - 0.7)).toBeLessThan(0.01);
  });

  it('never picks an item of weight 0', () => {
    const picker = new WeightedPicker([
      { item: 'zero', weight: 0 },
      { item: 'a', weight: 1 },
      { item: 'zero-too', weight: 0 },
      { item: 'b', weight: 1 },
    ]);
    const seen = counts(picker, 10_000);
    expect(Object.keys(seen).sort()).toEqual(['a', 'b']);
    expect(picker.total).toBe(2);
  });

  it('maps the edges of [0, 1) to the first and last items', () => {
    const picker = new WeightedPicker([
      { item: 'first', weight: 1 },
      { item: 'middle', weight: 1 },
      { item: 'last', weight: 1 },
    ]);
    expect(picker.pick(() => 0)).toBe('first');
    expect(picker.pick(() => 0.3333)).toBe('first');
    expect(picker.pick(() => 0.34)).toBe('middle');
    expect(picker.pick(() => 0.999999)).toBe('last');
  });

  it('does not call random for a single item, and gives undefined for none', () => {
    let calls = 0;
    const random = () => {
      calls++;
      return 0.5;
    };
    expect(new WeightedPicker([{ item: 'only', weight: 5 }]).pick(random)).toBe('only');
    expect(new WeightedPicker([{ item: 'x', weight: 0 }]).pick(random)).toBeUndefined();
    expect(calls).toBe(0);
  });
});
