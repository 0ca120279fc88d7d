// Defaults and limits of the metrics exporters, in one place (CloudWatch's own limits are named as such).

/** CloudWatch namespace the proxy's metrics are published under. */
export const DEFAULT_METRICS_NAMESPACE = 'Tessera';
/** How often a window is drained and exported (CloudWatch's standard resolution is one minute). */
export const DEFAULT_METRICS_INTERVAL_MS = 60_000;
/** Windows kept while the exporter fails; the oldest is dropped (and counted) beyond this. */
export const DEFAULT_METRICS_QUEUE_LIMIT = 10;

/** Latencies are recorded in microseconds, from 1 µs up to one hour (longer ones are clamped). */
export const LATENCY_HIGHEST_MICROS = 3_600_000_000;
/** Two significant digits: every recorded latency is within 1% of the true one. */
export const LATENCY_SIGNIFICANT_DIGITS = 2;

/** EMF specification: at most 100 metrics per `Metrics` array, 100 values per metric, 30 dimensions a set. */
export const EMF_MAX_METRICS = 100;
export const EMF_MAX_VALUES = 100;
export const EMF_MAX_DIMENSIONS = 30;

/** PutMetricData: at most 1,000 `MetricData` per request and 150 `Values` per datum; 1 MB per payload. */
export const CLOUDWATCH_MAX_DATUMS = 1_000;
export const CLOUDWATCH_MAX_VALUES = 150;
/** Payload budget per request, under CloudWatch's 1 MB with room for the envelope. */
export const CLOUDWATCH_MAX_PAYLOAD_BYTES = 900_000;
/** One-minute resolution: no high-resolution charges. */
export const CLOUDWATCH_STORAGE_RESOLUTION = 60;
/** The SDK gzips request bodies at or above this size (its default, made explicit). */
export const CLOUDWATCH_MIN_COMPRESSION_BYTES = 10_240;
