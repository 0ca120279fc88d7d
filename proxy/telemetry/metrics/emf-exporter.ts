// Windows as CloudWatch Embedded Metric Format lines on stdout (the awslogs driver or Fluent Bit ships
// them; CloudWatch Logs extracts the metrics). `serializeEmf` is pure; `EmfExporter` only writes.
//
// aws-embedded-metrics builds the documents: its `MetricsContext` holds one group (namespace, one
// dimension set, metrics with repeated values) and its `LogSerializer` turns it into spec'd JSON, splitting
// at 100 metrics and 100 values. Its `MetricsLogger` is not used: `flush()` resolves an environment from
// the global `Configuration` (probing ECS/EC2 metadata unless `AWS_EMF_ENVIRONMENT` is set), adds
// ServiceName/ServiceType/LogGroup dimensions unless told not to, and its console sink writes through the
// global `console.log`, not a stream we can pass in. A window here is many dimension sets flushed at once,
// so the context and serializer are used directly: no environment, no sink, no I/O until `export`.
//
// Latency: EMF has no counts (`Values`/`Counts` is PutMetricData's), so `TargetResponseTime` is at most
// 100 values standing for the window's histogram (distribution.ts `representativeValues`): exact when a
// group saw ≤ 100 requests, else one value per percentile step — CloudWatch's pNN over them follows the
// histogram's; its SampleCount is the number of values, so count requests with `RequestCountPerTarget`.

import type { Writable } from 'node:stream';
import { MetricsContext } from 'aws-embedded-metrics/lib/logger/MetricsContext.js';
import { LogSerializer } from 'aws-embedded-metrics/lib/serializers/LogSerializer.js';
import { DEFAULT_METRICS_NAMESPACE, EMF_MAX_VALUES } from './constants.js';
import { representativeValues } from './distribution.js';
import { metricGroups } from './metric-groups.js';
import type { MetricsExporter } from './metrics-exporter.js';
import type { MetricsWindow } from './metrics-window.js';

export interface EmfOptions {
  /** @default 'Tessera' */
  readonly namespace?: string;
}

const serializer = new LogSerializer();

/** One JSON document (one line, no newline) per dimension-value group of the window, or more if it is large. */
export function serializeEmf(window: MetricsWindow, options: EmfOptions = {}): string[] {
  const namespace = options.namespace ?? DEFAULT_METRICS_NAMESPACE;
  const lines: string[] = [];
  for (const group of metricGroups(window)) {
    const context = MetricsContext.empty();
    context.setNamespace(namespace);
    context.setTimestamp(window.endedAt);
    context.setDimensions([Object.fromEntries(group.dimensions.map((d) => [d.name, d.value]))], false);
    for (const metric of group.metrics) {
      if (metric.kind === 'value') {
        context.putMetric(metric.name, metric.value, metric.unit);
      } else {
        for (const value of representativeValues(metric.distribution, EMF_MAX_VALUES)) {
          context.putMetric(metric.name, value, metric.unit);
        }
      }
    }
    lines.push(...serializer.serialize(context));
  }
  return lines;
}

export class EmfExporter implements MetricsExporter {
  readonly #out: Writable;
  readonly #options: EmfOptions;

  /** @param out where lines go. @default process.stdout */
  constructor(options: EmfOptions & { readonly out?: Writable } = {}) {
    this.#out = options.out ?? process.stdout;
    this.#options = options;
  }

  async export(window: MetricsWindow): Promise<void> {
    const lines = serializeEmf(window, this.#options);
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    await new Promise<void>((resolve, reject) => {
      this.#out.write(text, (err) => (err ? reject(err) : resolve()));
    });
  }
}
