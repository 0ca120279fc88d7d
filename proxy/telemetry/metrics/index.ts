// Proxy metrics: the recorder the data path feeds, and the EMF / PutMetricData exporters behind a flusher.

export {
  CloudWatchExporter,
  type CloudWatchExporterOptions,
  MetricsExportError,
} from './cloudwatch-exporter.js';
export {
  DEFAULT_METRICS_INTERVAL_MS,
  DEFAULT_METRICS_NAMESPACE,
  DEFAULT_METRICS_QUEUE_LIMIT,
} from './constants.js';
export { createMetrics, type Metrics, type MetricsConfig, type MetricsMode } from './create-metrics.js';
export type { Distribution } from './distribution.js';
export { EmfExporter, type EmfOptions, serializeEmf } from './emf-exporter.js';
export type { MetricsExporter } from './metrics-exporter.js';
export { MetricsFlusher, type MetricsFlusherOptions } from './metrics-flusher.js';
export type { MetricsIdentity, MetricsWindow, WindowCell } from './metrics-window.js';
export {
  type MetricKey,
  MetricsRecorder,
  type RecorderOptions,
  type RequestSample,
} from './request-metrics.js';
