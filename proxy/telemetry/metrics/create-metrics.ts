// The one entry the proxy calls: a recorder for the data path and a flusher to the chosen exporter.

import type { Writable } from 'node:stream';
import type { Stats } from '../stats.js';
import { CloudWatchExporter, type CloudWatchExporterOptions } from './cloudwatch-exporter.js';
import { DEFAULT_METRICS_INTERVAL_MS, DEFAULT_METRICS_NAMESPACE } from './constants.js';
import { EmfExporter } from './emf-exporter.js';
import type { MetricsExporter } from './metrics-exporter.js';
import { MetricsFlusher, type MetricsFlusherOptions } from './metrics-flusher.js';
import type { MetricsIdentity } from './metrics-window.js';
import { MetricsRecorder } from './request-metrics.js';

export type MetricsMode = 'emf' | 'cloudwatch' | 'off';

export interface MetricsConfig extends MetricsIdentity {
  /** `emf`: lines on stdout; `cloudwatch`: PutMetricData; `off`: `record` returns at once, nothing is exported. */
  readonly mode: MetricsMode;
  /** @default 60 000 */
  readonly intervalMs?: number;
  /** @default 'Tessera' */
  readonly namespace?: string;
  /** PutMetricData client settings (mode `cloudwatch`). */
  readonly cloudwatch?: Omit<CloudWatchExporterOptions, 'namespace'>;
  /** EMF destination (mode `emf`). @default process.stdout */
  readonly out?: Writable;
  /** Tests: fake clock, queue bound, log. */
  readonly flusher?: Pick<MetricsFlusherOptions, 'clock' | 'queueLimit' | 'log'>;
}

export interface Metrics {
  /** Call `record` (and the connection hooks) on it from the data path; cheap also when `mode` is off. */
  readonly recorder: MetricsRecorder;
  /** Drains and exports now (resolves when the export attempt is over; never rejects). */
  flush(): Promise<void>;
  /** Stops the interval, exports a last window, closes the client. */
  shutdown(): Promise<void>;
}

export function createMetrics(config: MetricsConfig, stats: Stats): Metrics {
  const recorder = new MetricsRecorder({
    mesh: config.mesh,
    proxy: config.proxy,
    enabled: config.mode !== 'off',
  });
  if (config.mode === 'off') {
    return { recorder, flush: async () => {}, shutdown: async () => {} };
  }
  const namespace = config.namespace ?? DEFAULT_METRICS_NAMESPACE;
  const exporter: MetricsExporter =
    config.mode === 'emf'
      ? new EmfExporter({ namespace, ...(config.out !== undefined ? { out: config.out } : {}) })
      : new CloudWatchExporter({ ...config.cloudwatch, namespace });
  const flusher = new MetricsFlusher({
    source: recorder,
    exporter,
    stats,
    intervalMs: config.intervalMs ?? DEFAULT_METRICS_INTERVAL_MS,
    ...config.flusher,
  });
  flusher.start();
  return {
    recorder,
    flush: () => flusher.flush(),
    shutdown: () => flusher.shutdown(),
  };
}
