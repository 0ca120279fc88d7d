// The proxy's CloudWatch metrics for mesh constructs: which dimension set each method reads, with the
// construct's names filled in (cdk/metrics/proxy-metrics.ts has the names, namespace and statistics).

import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ProxyDimensions, type ProxyPublisher, proxyMetric } from '../../metrics/proxy-metrics.js';

/** A class of upstream status codes, as in `HTTPCode_Target_5XX_Count`. */
export type HttpCodeClass = '2XX' | '3XX' | '4XX' | '5XX';

/** The metric name of a status class. */
export function httpCodeMetricName(code: HttpCodeClass): string {
  return `HTTPCode_Target_${code}_Count`;
}

/** A metric of the proxy-wide set [Mesh, VirtualNode | VirtualGateway]. */
export function publisherMetric(
  publisher: ProxyPublisher,
  metricName: string,
  props: cloudwatch.MetricOptions | undefined,
): cloudwatch.Metric {
  return proxyMetric({ metricName, dimensions: ProxyDimensions.node(publisher) }).with(props ?? {});
}

/** A metric of App Mesh's outbound set [Mesh, VirtualNode, TargetVirtualService, TargetVirtualNode]. */
export function targetMetric(
  publisher: ProxyPublisher,
  target: { readonly targetVirtualService: string; readonly targetVirtualNode: string },
  metricName: string,
  props: cloudwatch.MetricOptions | undefined,
): cloudwatch.Metric {
  return proxyMetric({ metricName, dimensions: ProxyDimensions.target(publisher, target) }).with(props ?? {});
}

/** A metric of Tessera's per-route set [Mesh, VirtualNode | VirtualGateway, TargetVirtualService, Route]. */
export function routeMetric(
  publisher: ProxyPublisher,
  target: { readonly targetVirtualService: string; readonly route: string },
  metricName: string,
  props: cloudwatch.MetricOptions | undefined,
): cloudwatch.Metric {
  return proxyMetric({ metricName, dimensions: ProxyDimensions.route(publisher, target) }).with(props ?? {});
}

/** `MetricOptions` without the members route metric methods add. */
export function metricOptions<T extends cloudwatch.MetricOptions>(
  options: T | undefined,
  own: readonly string[],
): cloudwatch.MetricOptions {
  if (options === undefined) return {};
  const rest = { ...options } as Record<string, unknown>;
  for (const key of own) delete rest[key];
  return rest as cloudwatch.MetricOptions;
}
