// What the flusher hands a drained window to: EMF lines, PutMetricData calls, or nothing.

import type { MetricsWindow } from './metrics-window.js';

export interface MetricsExporter {
  /** Sends one window; rejects when it could not (the flusher keeps the window and counts the error). */
  export(window: MetricsWindow): Promise<void>;
  /** Releases connections. @default - nothing to release */
  close?(): void;
}
