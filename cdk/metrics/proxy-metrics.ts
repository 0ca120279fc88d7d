// The proxy's CloudWatch metrics as `cloudwatch.Metric`s: names, dimensions, namespace and a sensible
// statistic for each. The names are copies of `proxy/telemetry/metrics/metric-catalog.ts` (cdk/ may not
// import proxy/); test/cdk/metrics/metrics.test.ts fails if the two drift apart.

import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/** The namespace the proxy publishes under unless `--metrics-namespace` / `TESSERA_METRICS_NAMESPACE` says otherwise. */
export const DEFAULT_PROXY_METRICS_NAMESPACE = 'Tessera';

/** The period dashboards and metrics use: the proxy flushes once a minute by default. */
export const DEFAULT_PROXY_METRICS_PERIOD = Duration.minutes(1);

/** Metric names, as App Mesh's metrics extension spelled them, plus Tessera's own. */
export const PROXY_METRIC = {
  // node set [Mesh, VirtualNode | VirtualGateway]: inbound and proxy-wide
  requestCount: 'RequestCount',
  processedBytes: 'ProcessedBytes',
  newConnectionCount: 'NewConnectionCount',
  activeConnectionCount: 'ActiveConnectionCount',
  snapshotAgeSeconds: 'SnapshotAgeSeconds',
  // target set [+ TargetVirtualService, TargetVirtualNode] and route set [+ TargetVirtualService, Route]
  requestCountPerTarget: 'RequestCountPerTarget',
  targetResponseTime: 'TargetResponseTime',
  httpCodeTarget2xxCount: 'HTTPCode_Target_2XX_Count',
  httpCodeTarget3xxCount: 'HTTPCode_Target_3XX_Count',
  httpCodeTarget4xxCount: 'HTTPCode_Target_4XX_Count',
  httpCodeTarget5xxCount: 'HTTPCode_Target_5XX_Count',
  targetProcessedBytes: 'TargetProcessedBytes',
  retryCount: 'RetryCount',
  retryBudgetExhaustedCount: 'RetryBudgetExhaustedCount',
  timeoutCount: 'TimeoutCount',
  pendingOverflowCount: 'PendingOverflowCount',
  // cluster set [+ TargetVirtualNode]
  outlierEjectionCount: 'OutlierEjectionCount',
} as const;

export type ProxyMetricName = (typeof PROXY_METRIC)[keyof typeof PROXY_METRIC];

/** Dimension names, as App Mesh's metrics extension spelled them. */
export const PROXY_DIMENSION = {
  mesh: 'Mesh',
  virtualNode: 'VirtualNode',
  virtualGateway: 'VirtualGateway',
  targetVirtualService: 'TargetVirtualService',
  targetVirtualNode: 'TargetVirtualNode',
  route: 'Route',
} as const;

/**
 * The statistic each metric is most often read with. Counters are summed per period; the latency is a
 * distribution (read its percentiles); the two gauges are the value at the end of each flush, so summing
 * them over a period would multiply them by the number of flushes.
 */
export const DEFAULT_PROXY_STATISTIC: Readonly<Record<ProxyMetricName, string>> = {
  RequestCount: cloudwatch.Stats.SUM,
  ProcessedBytes: cloudwatch.Stats.SUM,
  NewConnectionCount: cloudwatch.Stats.SUM,
  // Replicas share the metric (no task dimension): the average is the typical proxy's connection count.
  ActiveConnectionCount: cloudwatch.Stats.AVERAGE,
  // The stalest replica is the one to worry about.
  SnapshotAgeSeconds: cloudwatch.Stats.MAXIMUM,
  RequestCountPerTarget: cloudwatch.Stats.SUM,
  TargetResponseTime: cloudwatch.Stats.p(99),
  HTTPCode_Target_2XX_Count: cloudwatch.Stats.SUM,
  HTTPCode_Target_3XX_Count: cloudwatch.Stats.SUM,
  HTTPCode_Target_4XX_Count: cloudwatch.Stats.SUM,
  HTTPCode_Target_5XX_Count: cloudwatch.Stats.SUM,
  TargetProcessedBytes: cloudwatch.Stats.SUM,
  RetryCount: cloudwatch.Stats.SUM,
  RetryBudgetExhaustedCount: cloudwatch.Stats.SUM,
  TimeoutCount: cloudwatch.Stats.SUM,
  PendingOverflowCount: cloudwatch.Stats.SUM,
  OutlierEjectionCount: cloudwatch.Stats.SUM,
};

export interface ProxyMetricProps {
  /** One of `PROXY_METRIC`'s names (any string is accepted for metrics added later). */
  readonly metricName: ProxyMetricName | (string & {});
  /**
   * Dimension name → value. CloudWatch matches the whole set, so give exactly one of the proxy's sets:
   * see `ProxyDimensions`.
   */
  readonly dimensions: Readonly<Record<string, string>>;
  /** @default - `DEFAULT_PROXY_STATISTIC[metricName]`, else Sum */
  readonly statistic?: string;
  /** @default 1 minute (the proxy's default flush interval) */
  readonly period?: Duration;
  /** @default 'Tessera' (`DEFAULT_PROXY_METRICS_NAMESPACE`) */
  readonly namespace?: string;
  /** @default - CloudWatch's default label (the metric name and dimensions) */
  readonly label?: string;
}

/** A metric the Tessera proxy publishes (EMF or PutMetricData). */
export function proxyMetric(props: ProxyMetricProps): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: props.namespace ?? DEFAULT_PROXY_METRICS_NAMESPACE,
    metricName: props.metricName,
    dimensionsMap: { ...props.dimensions },
    statistic:
      props.statistic ?? DEFAULT_PROXY_STATISTIC[props.metricName as ProxyMetricName] ?? cloudwatch.Stats.SUM,
    period: props.period ?? DEFAULT_PROXY_METRICS_PERIOD,
    ...(props.label !== undefined ? { label: props.label } : {}),
  });
}

/** Who publishes: a virtual node's proxy or a virtual gateway's. */
export interface ProxyPublisher {
  readonly mesh: string;
  /** Give this or `virtualGateway`. */
  readonly virtualNode?: string;
  readonly virtualGateway?: string;
}

/**
 * The dimension maps of the proxy's four dimension sets (`proxy/telemetry/metrics/README.md`). Every set
 * starts with the publishing proxy: `Mesh` and `VirtualNode` (or `VirtualGateway`).
 */
export const ProxyDimensions = {
  /** Inbound and proxy-wide metrics: RequestCount, ProcessedBytes, connections, SnapshotAgeSeconds. */
  node(publisher: ProxyPublisher): Record<string, string> {
    return publisherDimensions(publisher);
  },
  /** App Mesh's outbound set: what this proxy saw calling `targetVirtualNode` through `targetVirtualService`. */
  target(
    publisher: ProxyPublisher,
    target: { readonly targetVirtualService: string; readonly targetVirtualNode: string },
  ): Record<string, string> {
    return {
      ...publisherDimensions(publisher),
      [PROXY_DIMENSION.targetVirtualService]: target.targetVirtualService,
      [PROXY_DIMENSION.targetVirtualNode]: target.targetVirtualNode,
    };
  },
  /** Per route (App Mesh had none): what this proxy saw through `route` of `targetVirtualService`. */
  route(
    publisher: ProxyPublisher,
    target: { readonly targetVirtualService: string; readonly route: string },
  ): Record<string, string> {
    return {
      ...publisherDimensions(publisher),
      [PROXY_DIMENSION.targetVirtualService]: target.targetVirtualService,
      [PROXY_DIMENSION.route]: target.route,
    };
  },
  /** Outlier ejections of `targetVirtualNode`'s endpoints, as this proxy decided them. */
  cluster(publisher: ProxyPublisher, targetVirtualNode: string): Record<string, string> {
    return { ...publisherDimensions(publisher), [PROXY_DIMENSION.targetVirtualNode]: targetVirtualNode };
  },
} as const;

function publisherDimensions(publisher: ProxyPublisher): Record<string, string> {
  if (publisher.virtualGateway !== undefined) {
    return {
      [PROXY_DIMENSION.mesh]: publisher.mesh,
      [PROXY_DIMENSION.virtualGateway]: publisher.virtualGateway,
    };
  }
  if (publisher.virtualNode === undefined) {
    throw new Error('ProxyDimensions: give virtualNode or virtualGateway');
  }
  return { [PROXY_DIMENSION.mesh]: publisher.mesh, [PROXY_DIMENSION.virtualNode]: publisher.virtualNode };
}
