// The percentage of a target's or route's responses that were 5xx, as a math expression one can graph
// or alarm on (`serverErrorRate(...).createAlarm(scope, id, { threshold: 5, evaluationPeriods: 3 })`).

import type { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { PROXY_METRIC, proxyMetric } from './proxy-metrics.js';

export interface ServerErrorRateProps {
  /**
   * An outbound dimension set: `ProxyDimensions.target(...)` or `ProxyDimensions.route(...)`. Both are
   * fully known, so the expression has no SEARCH and CloudWatch alarms accept it.
   */
  readonly dimensions: Readonly<Record<string, string>>;
  /** @default 1 minute */
  readonly period?: Duration;
  /** @default 'Tessera' */
  readonly namespace?: string;
  /** @default '5xx %' */
  readonly label?: string;
}

/**
 * `100 × HTTPCode_Target_5XX_Count / RequestCountPerTarget` per period. A period without requests has
 * no datapoint (the proxy publishes no zeros): alarm with `treatMissingData: NOT_BREACHING`.
 */
export function serverErrorRate(props: ServerErrorRateProps): cloudwatch.MathExpression {
  const common = {
    dimensions: props.dimensions,
    ...(props.period !== undefined ? { period: props.period } : {}),
    ...(props.namespace !== undefined ? { namespace: props.namespace } : {}),
  };
  const errors = proxyMetric({ ...common, metricName: PROXY_METRIC.httpCodeTarget5xxCount });
  const requests = proxyMetric({ ...common, metricName: PROXY_METRIC.requestCountPerTarget });
  return new cloudwatch.MathExpression({
    // A period with requests but no 5xx has no 5xx datapoint: count it as zero, not as missing.
    expression: '100 * FILL(errors, 0) / requests',
    usingMetrics: { errors, requests },
    label: props.label ?? '5xx %',
    period: errors.period,
  });
}
