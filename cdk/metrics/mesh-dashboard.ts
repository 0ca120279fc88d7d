// A CloudWatch dashboard of a mesh's proxy metrics: one row per virtual node (as its callers' proxies saw
// it) and one row per route (as the calling node's proxy saw it).

import { type Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  DEFAULT_PROXY_METRICS_NAMESPACE,
  DEFAULT_PROXY_METRICS_PERIOD,
  PROXY_DIMENSION,
  PROXY_METRIC,
  ProxyDimensions,
  type ProxyMetricName,
  proxyMetric,
} from './proxy-metrics.js';

/** A virtual node by name, or any object shaped like `IVirtualNode` (its own mesh wins over `meshName`). */
export type DashboardVirtualNode =
  | string
  | { readonly virtualNodeName: string; readonly mesh?: { readonly meshName: string } };

/** A route as one caller sees it: the calling node, the virtual service it called, the route taken. */
export interface DashboardRoute {
  /** The node whose proxy sent the requests (the `VirtualNode` dimension). */
  readonly virtualNode: DashboardVirtualNode;
  /** The virtual service called (the `TargetVirtualService` dimension). */
  readonly virtualService: string | { readonly virtualServiceName: string };
  /** The route of the service's router (the `Route` dimension). */
  readonly route: string | { readonly routeName: string };
}

export interface MeshDashboardProps {
  /** The mesh the nodes and routes belong to (a node object's own mesh takes precedence). */
  readonly meshName: string;
  /**
   * Nodes to chart as servers: their own proxy's inbound request count, and what every caller's proxy
   * saw calling them (responses, latency, retries, ejections).
   * @default - no node rows
   */
  readonly virtualNodes?: readonly DashboardVirtualNode[];
  /** @default - no route rows */
  readonly routes?: readonly DashboardRoute[];
  /** The proxies' `TESSERA_METRICS_NAMESPACE`. @default 'Tessera' */
  readonly namespace?: string;
  /** @default - a name CloudFormation generates */
  readonly dashboardName?: string;
  /** The aggregation period of every graph. @default 1 minute (the proxy's flush interval) */
  readonly period?: Duration;
}

/** Widgets per row, each a quarter of the dashboard's 24 columns. */
const WIDGET_WIDTH = 6;
const WIDGET_HEIGHT = 6;

/**
 * Request rate, 2xx/4xx/5xx, p50/p99 latency, retries and outlier ejections per virtual node and route.
 *
 * A node's outbound metrics are published by its callers' proxies with dimensions the dashboard cannot
 * know (which services and callers), so node rows sum over them with CloudWatch `SEARCH` expressions; a
 * route's dimensions are all known, so route rows use plain metrics (and can be alarmed on).
 */
export class MeshDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly #namespace: string;
  readonly #period: Duration;

  constructor(scope: Construct, id: string, props: MeshDashboardProps) {
    super(scope, id);
    this.#namespace = props.namespace ?? DEFAULT_PROXY_METRICS_NAMESPACE;
    this.#period = props.period ?? DEFAULT_PROXY_METRICS_PERIOD;
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      ...(props.dashboardName !== undefined ? { dashboardName: props.dashboardName } : {}),
      // The proxy flushes once a minute; a coarser automatic period would hide short bursts of errors.
      periodOverride: cloudwatch.PeriodOverride.INHERIT,
    });
    for (const node of props.virtualNodes ?? []) {
      this.#addNodeRow(meshOf(node, props.meshName), nodeName(node));
    }
    for (const route of props.routes ?? []) {
      this.#addRouteRow(meshOf(route.virtualNode, props.meshName), route);
    }
  }

  #addNodeRow(mesh: string, node: string): void {
    const per = `per ${this.#period.toHumanString()}`;
    const toNode = (metricName: ProxyMetricName, label: string, statistic = 'Sum', combine = 'SUM') =>
      this.#search(
        metricName,
        statistic,
        combine,
        label,
        [PROXY_DIMENSION.targetVirtualService, PROXY_DIMENSION.targetVirtualNode],
        { [PROXY_DIMENSION.mesh]: mesh, [PROXY_DIMENSION.targetVirtualNode]: node },
      );
    const ejections = this.#search(
      PROXY_METRIC.outlierEjectionCount,
      'Sum',
      'SUM',
      'outlier ejections',
      [PROXY_DIMENSION.targetVirtualNode],
      { [PROXY_DIMENSION.mesh]: mesh, [PROXY_DIMENSION.targetVirtualNode]: node },
    );
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `### Virtual node ${node} (mesh ${mesh})\nResponses, latency, retries and ejections as the proxies calling it saw them.`,
        width: 4 * WIDGET_WIDTH,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      this.#graph(`${node}: requests ${per}`, [
        this.#metric(
          PROXY_METRIC.requestCount,
          ProxyDimensions.node({ mesh, virtualNode: node }),
          'received',
        ),
        toNode(PROXY_METRIC.requestCountPerTarget, 'sent by callers'),
      ]),
      this.#graph(`${node}: responses ${per}`, [
        toNode(PROXY_METRIC.httpCodeTarget2xxCount, '2xx'),
        toNode(PROXY_METRIC.httpCodeTarget4xxCount, '4xx'),
        toNode(PROXY_METRIC.httpCodeTarget5xxCount, '5xx'),
      ]),
      // Percentiles of different callers cannot be added up: show the worst caller's.
      this.#graph(`${node}: latency (ms, worst caller)`, [
        toNode(PROXY_METRIC.targetResponseTime, 'p50', 'p50', 'MAX'),
        toNode(PROXY_METRIC.targetResponseTime, 'p99', 'p99', 'MAX'),
      ]),
      this.#graph(`${node}: retries and ejections ${per}`, [
        toNode(PROXY_METRIC.retryCount, 'retries'),
        toNode(PROXY_METRIC.timeoutCount, 'timeouts'),
        ejections,
      ]),
    );
  }

  #addRouteRow(mesh: string, route: DashboardRoute): void {
    const node = nodeName(route.virtualNode);
    const service =
      typeof route.virtualService === 'string'
        ? route.virtualService
        : route.virtualService.virtualServiceName;
    const routeName = typeof route.route === 'string' ? route.route : route.route.routeName;
    const dimensions = ProxyDimensions.route(
      { mesh, virtualNode: node },
      { targetVirtualService: service, route: routeName },
    );
    const m = (metricName: ProxyMetricName, label: string, statistic?: string) =>
      this.#metric(metricName, dimensions, label, statistic);
    const per = `per ${this.#period.toHumanString()}`;
    const title = `${node} → ${service} route ${routeName}`;
    this.dashboard.addWidgets(
      this.#graph(`${title}: requests ${per}`, [m(PROXY_METRIC.requestCountPerTarget, 'requests')]),
      this.#graph(`${title}: responses ${per}`, [
        m(PROXY_METRIC.httpCodeTarget2xxCount, '2xx'),
        m(PROXY_METRIC.httpCodeTarget4xxCount, '4xx'),
        m(PROXY_METRIC.httpCodeTarget5xxCount, '5xx'),
      ]),
      this.#graph(`${title}: latency (ms)`, [
        m(PROXY_METRIC.targetResponseTime, 'p50', cloudwatch.Stats.p(50)),
        m(PROXY_METRIC.targetResponseTime, 'p99', cloudwatch.Stats.p(99)),
      ]),
      // Ejections are per target node, not per route: they are on the target nodes' rows.
      this.#graph(`${title}: retries ${per}`, [
        m(PROXY_METRIC.retryCount, 'retries'),
        m(PROXY_METRIC.retryBudgetExhaustedCount, 'retry budget exhausted'),
        m(PROXY_METRIC.timeoutCount, 'timeouts'),
      ]),
    );
  }

  #metric(
    metricName: ProxyMetricName,
    dimensions: Record<string, string>,
    label: string,
    statistic?: string,
  ): cloudwatch.Metric {
    return proxyMetric({
      metricName,
      dimensions,
      namespace: this.#namespace,
      period: this.#period,
      label,
      ...(statistic !== undefined ? { statistic } : {}),
    });
  }

  /** `combine(SEARCH(...))` over the metrics with exactly Mesh, VirtualNode and `schema`, matching `terms`. */
  #search(
    metricName: ProxyMetricName,
    statistic: string,
    combine: string,
    label: string,
    schema: readonly string[],
    terms: Record<string, string>,
  ): cloudwatch.MathExpression {
    const dimensionNames = [PROXY_DIMENSION.mesh, PROXY_DIMENSION.virtualNode, ...schema];
    const filters = [`MetricName=${quote(metricName)}`]
      .concat(Object.entries(terms).map(([name, value]) => `${name}=${quote(value)}`))
      .join(' ');
    const schemaText = [quoteName(this.#namespace), ...dimensionNames].join(',');
    return new cloudwatch.MathExpression({
      expression: `${combine}(SEARCH('{${schemaText}} ${filters}', '${statistic}', ${this.#period.toSeconds()}))`,
      usingMetrics: {},
      label,
      period: this.#period,
    });
  }

  #graph(title: string, left: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({ title, left, width: WIDGET_WIDTH, height: WIDGET_HEIGHT });
  }
}

function nodeName(node: DashboardVirtualNode): string {
  return typeof node === 'string' ? node : node.virtualNodeName;
}

function meshOf(node: DashboardVirtualNode, meshName: string): string {
  return typeof node === 'string' ? meshName : (node.mesh?.meshName ?? meshName);
}

/** A search term's value in double quotes: an exact match, not a token match. */
function quote(value: string): string {
  return Token.isUnresolved(value) ? `"${value}"` : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** A namespace needs quotes only when it has characters other than letters and digits. */
function quoteName(name: string): string {
  return /^[A-Za-z0-9]+$/.test(name) ? name : `"${name}"`;
}
