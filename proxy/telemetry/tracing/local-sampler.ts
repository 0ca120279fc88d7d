// X-Ray's local sampling rule: a reservoir of requests each second, then a fixed rate of the rest.

export interface LocalSamplerOptions {
  /** @default 1 */
  readonly reservoirPerSecond: number;
  /** Fraction 0–1 sampled once the second's reservoir is used. @default 0.05 */
  readonly rate: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default Math.random */
  readonly random?: () => number;
}

export class LocalSampler {
  readonly #reservoir: number;
  readonly #rate: number;
  readonly #now: () => number;
  readonly #random: () => number;
  #second = -1;
  #taken = 0;

  constructor(options: LocalSamplerOptions) {
    this.#reservoir = options.reservoirPerSecond;
    this.#rate = options.rate;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  /** Decides one new trace. */
  sample(): boolean {
    const second = Math.floor(this.#now() / 1000);
    if (second !== this.#second) {
      this.#second = second;
      this.#taken = 0;
    }
    if (this.#taken < this.#reservoir) {
      this.#taken++;
      return true;
    }
    return this.#rate > 0 && this.#random() < this.#rate;
  }
}
