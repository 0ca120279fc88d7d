// Picks one of several items in proportion to integer weights, by binary search over cumulative weights.

/**
 * Items with their weights, fixed at construction. Items of weight 0 (or less) are never picked.
 * A pick costs one call to `random` and O(log n) comparisons; with one item it costs nothing.
 */
export class WeightedPicker<T> {
  readonly #items: readonly T[];
  /** `#cumulative[i]` is the sum of the weights of items 0..i. */
  readonly #cumulative: readonly number[];
  readonly #total: number;

  constructor(entries: readonly { readonly item: T; readonly weight: number }[]) {
    const items: T[] = [];
    const cumulative: number[] = [];
    let total = 0;
    for (const { item, weight } of entries) {
      if (!(weight > 0)) continue;
      total += weight;
      items.push(item);
      cumulative.push(total);
    }
    this.#items = items;
    this.#cumulative = cumulative;
    this.#total = total;
  }

  /** The sum of the weights; 0 when there is nothing to pick. */
  get total(): number {
    return this.#total;
  }

  /** One item, in proportion to its weight; `undefined` only when every weight is 0. */
  pick(random: () => number): T | undefined {
    const items = this.#items;
    if (items.length <= 1) return items[0];
    const cumulative = this.#cumulative;
    const r = random() * this.#total;
    // The first item whose cumulative weight exceeds r.
    let low = 0;
    let high = items.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid]! > r) high = mid;
      else low = mid + 1;
    }
    return items[low];
  }
}
