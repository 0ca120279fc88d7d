// A window as PutMetricData inputs within CloudWatch's limits: ≤ 1,000 datums and about 1 MB per request,
// ≤ 150 values per datum. Latency goes as `Values`/`Counts` straight from the histogram's buckets, so
// CloudWatch computes exact-to-the-bucket percentiles and SampleCount equals the requests; more than 150
// buckets become several datums of the same metric, which CloudWatch aggregates. Pure.

import type { MetricDatum, PutMetricDataInput } from '@aws-sdk/client-cloudwatch';
import {
  CLOUDWATCH_MAX_DATUMS,
  CLOUDWATCH_MAX_PAYLOAD_BYTES,
  CLOUDWATCH_MAX_VALUES,
  CLOUDWATCH_STORAGE_RESOLUTION,
  DEFAULT_METRICS_NAMESPACE,
} from './constants.js';
import { metricGroups } from './metric-groups.js';
import type { MetricsWindow } from './metrics-window.js';

export function metricData(window: MetricsWindow): MetricDatum[] {
  const timestamp = new Date(window.endedAt);
  const data: MetricDatum[] = [];
  for (const group of metricGroups(window)) {
    const Dimensions = group.dimensions.map((d) => ({ Name: d.name, Value: d.value }));
    for (const metric of group.metrics) {
      const common = {
        MetricName: metric.name,
        Dimensions,
        Timestamp: timestamp,
        Unit: metric.unit,
        StorageResolution: CLOUDWATCH_STORAGE_RESOLUTION,
      };
      if (metric.kind === 'value') {
        data.push({ ...common, Value: metric.value });
        continue;
      }
      const { values, counts } = metric.distribution;
      for (let i = 0; i < values.length; i += CLOUDWATCH_MAX_VALUES) {
        data.push({
          ...common,
          Values: values.slice(i, i + CLOUDWATCH_MAX_VALUES),
          Counts: counts.slice(i, i + CLOUDWATCH_MAX_VALUES),
        });
      }
    }
  }
  return data;
}

/** Splits `data` into requests of at most `maxDatums` datums and about `maxBytes` of JSON each. */
export function putMetricDataInputs(
  data: readonly MetricDatum[],
  options: { readonly namespace?: string; readonly maxDatums?: number; readonly maxBytes?: number } = {},
): PutMetricDataInput[] {
  const Namespace = options.namespace ?? DEFAULT_METRICS_NAMESPACE;
  const maxDatums = options.maxDatums ?? CLOUDWATCH_MAX_DATUMS;
  const maxBytes = options.maxBytes ?? CLOUDWATCH_MAX_PAYLOAD_BYTES;
  const inputs: PutMetricDataInput[] = [];
  let batch: MetricDatum[] = [];
  let bytes = 0;
  for (const datum of data) {
    const size = JSON.stringify(datum).length + 1;
    if (batch.length > 0 && (batch.length >= maxDatums || bytes + size > maxBytes)) {
      inputs.push({ Namespace, MetricData: batch });
      batch = [];
      bytes = 0;
    }
    batch.push(datum);
    bytes += size;
  }
  if (batch.length > 0) inputs.push({ Namespace, MetricData: batch });
  return inputs;
}
