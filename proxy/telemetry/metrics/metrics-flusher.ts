// Drains the recorder every interval (and on shutdown) and hands windows to the exporter, off the data
// path: windows wait in a bounded queue while the exporter fails; beyond the bound the oldest is dropped.
// Drops and errors are counted in Stats (`metrics_export_dropped`, `metrics_export_errors`) for /stats.

import { type Clock, systemClock } from '../../upstream/clock.js';
import type { Counter, Gauge, Stats } from '../stats.js';
import { DEFAULT_METRICS_INTERVAL_MS, DEFAULT_METRICS_QUEUE_LIMIT } from './constants.js';
import type { MetricsExporter } from './metrics-exporter.js';
import type { MetricsWindow } from './metrics-window.js';

/** Where windows come from: `MetricsRecorder`. */
export interface WindowSource {
  drain(): MetricsWindow;
}

export interface MetricsFlusherOptions {
  readonly source: WindowSource;
  readonly exporter: MetricsExporter;
  readonly stats: Stats;
  /** @default 60 000 */
  readonly intervalMs?: number;
  /** Windows kept while the exporter fails. @default 10 */
  readonly queueLimit?: number;
  /** @default systemClock (unref'd timers, globals looked up per call so fake timers apply) */
  readonly clock?: Clock;
  /** @default - silent */
  readonly log?: (message: string) => void;
}

export class MetricsFlusher {
  readonly #source: WindowSource;
  readonly #exporter: MetricsExporter;
  readonly #intervalMs: number;
  readonly #queueLimit: number;
  readonly #clock: Clock;
  readonly #log: (message: string) => void;
  readonly #queue: MetricsWindow[] = [];
  readonly #exported: Counter;
  readonly #dropped: Counter;
  readonly #errors: Counter;
  readonly #queued: Gauge;
  #timer: unknown;
  #draining: Promise<void> | undefined;
  #stopped = false;

  constructor(options: MetricsFlusherOptions) {
    this.#source = options.source;
    this.#exporter = options.exporter;
    this.#intervalMs = options.intervalMs ?? DEFAULT_METRICS_INTERVAL_MS;
    this.#queueLimit = options.queueLimit ?? DEFAULT_METRICS_QUEUE_LIMIT;
    this.#clock = options.clock ?? systemClock;
    this.#log = options.log ?? (() => {});
    this.#exported = options.stats.counter('metrics_export_windows');
    this.#dropped = options.stats.counter('metrics_export_dropped');
    this.#errors = options.stats.counter('metrics_export_errors');
    this.#queued = options.stats.gauge('metrics_export_queued');
  }

  /** Windows waiting to be exported (failed ones included). */
  get queued(): number {
    return this.#queue.length;
  }

  start(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = this.#clock.setInterval(() => void this.flush(), this.#intervalMs);
  }

  /** Drains a window now and exports what is queued; never rejects. */
  flush(): Promise<void> {
    this.#enqueue(this.#source.drain());
    return this.#exportQueued();
  }

  /** Stops the timer, drains a last window, tries once to export everything queued; the rest is dropped. */
  async shutdown(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    await this.flush();
    if (this.#queue.length > 0) {
      this.#dropped.inc(this.#queue.length);
      this.#queue.length = 0;
      this.#queued.set(0);
    }
    this.#exporter.close?.();
  }

  #enqueue(window: MetricsWindow): void {
    if (window.cells.length === 0) return;
    this.#queue.push(window);
    while (this.#queue.length > this.#queueLimit) {
      this.#queue.shift();
      this.#dropped.inc();
    }
    this.#queued.set(this.#queue.length);
  }

  /** One export pass at a time; a pass stops at the first failure and leaves the window queued. */
  #exportQueued(): Promise<void> {
    this.#draining ??= (async () => {
      try {
        while (this.#queue.length > 0) {
          const window = this.#queue[0]!;
          try {
            await this.#exporter.export(window);
          } catch (error) {
            this.#errors.inc();
            this.#log(
              `metrics export failed (${this.#queue.length} window(s) queued): ${(error as Error).message}`,
            );
            return;
          }
          if (this.#queue[0] === window) this.#queue.shift();
          this.#exported.inc();
          this.#queued.set(this.#queue.length);
        }
      } finally {
        this.#draining = undefined;
      }
    })();
    return this.#draining;
  }
}
