import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PROXY_METRICS_NAMESPACE,
  DEFAULT_PROXY_STATISTIC,
  MeshDashboard,
  PROXY_DIMENSION,
  PROXY_METRIC,
  ProxyDimensions,
  proxyMetric,
  serverErrorRate,
} from '../../../cdk/metrics/index.js';
import { DEFAULT_METRICS_NAMESPACE as PROXY_CONFIG_NAMESPACE } from '../../../proxy/config/constants.js';
import { DEFAULT_METRICS_NAMESPACE } from '../../../proxy/telemetry/metrics/constants.js';
import {
  CLUSTER_COUNTERS,
  DIMENSION,
  DIMENSION_SETS,
  GAUGES,
  INBOUND_COUNTERS,
  LATENCY_METRIC,
  OUTBOUND_COUNTERS,
  UNITS,
} from '../../../proxy/telemetry/metrics/metric-catalog.js';

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

function newStack(): Stack {
  const outdir = mkdtempSync(join(tmpdir(), 'tessera-metrics-test-'));
  outdirs.push(outdir);
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

interface Widget {
  readonly type: string;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: unknown[][];
  };
}

/** The dashboard's widgets, from the synthesized template. */
function widgets(stack: Stack): Widget[] {
  const dashboards = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = stack.resolve(dashboards[0]!.Properties.DashboardBody);
  const text = typeof body === 'string' ? body : (body['Fn::Join'][1] as unknown[]).join('');
  return JSON.parse(text).widgets;
}

function graph(all: Widget[], title: string): unknown[][] {
  const found = all.find((w) => w.properties.title === title);
  if (found === undefined) {
    throw new Error(`no widget ${title}; have ${all.map((w) => w.properties.title).join(' | ')}`);
  }
  return found.properties.metrics!;
}

describe('proxy metric constants', () => {
  it("are the proxy's metric names, dimension names and namespace", () => {
    const proxyNames = [
      ...INBOUND_COUNTERS,
      ...GAUGES,
      ...OUTBOUND_COUNTERS,
      LATENCY_METRIC,
      ...CLUSTER_COUNTERS,
    ];
    expect(Object.values(PROXY_METRIC).sort()).toEqual([...proxyNames].sort());
    expect(Object.keys(UNITS).sort()).toEqual(Object.values(PROXY_METRIC).sort());
    expect(Object.keys(DEFAULT_PROXY_STATISTIC).sort()).toEqual(Object.values(PROXY_METRIC).sort());
    expect(PROXY_DIMENSION).toEqual(DIMENSION);
    expect(DEFAULT_PROXY_METRICS_NAMESPACE).toBe(DEFAULT_METRICS_NAMESPACE);
    expect(DEFAULT_PROXY_METRICS_NAMESPACE).toBe(PROXY_CONFIG_NAMESPACE);
  });

  it('read counters as sums, gauges not as sums, and latency as a percentile', () => {
    for (const name of [...INBOUND_COUNTERS, ...OUTBOUND_COUNTERS, ...CLUSTER_COUNTERS]) {
      expect(DEFAULT_PROXY_STATISTIC[name], name).toBe('Sum');
    }
    expect(DEFAULT_PROXY_STATISTIC.ActiveConnectionCount).toBe('Average');
    expect(DEFAULT_PROXY_STATISTIC.SnapshotAgeSeconds).toBe('Maximum');
    expect(DEFAULT_PROXY_STATISTIC.TargetResponseTime).toBe('p99');
  });

  it("build the proxy's four dimension sets", () => {
    const node = { mesh: 'colors', virtualNode: 'front' };
    const base = ['Mesh', 'VirtualNode'];
    expect(Object.keys(ProxyDimensions.node(node))).toEqual([...base, ...DIMENSION_SETS.inbound[0]!]);
    const target = ProxyDimensions.target(node, {
      targetVirtualService: 'colors.local',
      targetVirtualNode: 'blue',
    });
    expect(Object.keys(target)).toEqual([...base, ...DIMENSION_SETS.outbound[0]!]);
    const route = ProxyDimensions.route(node, { targetVirtualService: 'colors.local', route: 'paint' });
    expect(route).toEqual({
      Mesh: 'colors',
      VirtualNode: 'front',
      TargetVirtualService: 'colors.local',
      Route: 'paint',
    });
    expect(Object.keys(route)).toEqual([...base, ...DIMENSION_SETS.outbound[1]!]);
    expect(Object.keys(ProxyDimensions.cluster(node, 'blue'))).toEqual([
      ...base,
      ...DIMENSION_SETS.cluster[0]!,
    ]);
    expect(ProxyDimensions.node({ mesh: 'colors', virtualGateway: 'edge' })).toEqual({
      Mesh: 'colors',
      VirtualGateway: 'edge',
    });
  });
});

describe('proxyMetric', () => {
  it("defaults to the proxy's namespace, a one-minute period and the metric's statistic", () => {
    const latency = proxyMetric({ metricName: PROXY_METRIC.targetResponseTime, dimensions: { Mesh: 'm' } });
    expect([latency.namespace, latency.metricName, latency.statistic, latency.period.toSeconds()]).toEqual([
      'Tessera',
      'TargetResponseTime',
      'p99',
      60,
    ]);
    expect(latency.dimensions).toEqual({ Mesh: 'm' });
    const custom = proxyMetric({
      metricName: 'RequestCount',
      dimensions: {},
      statistic: 'Average',
      period: Duration.minutes(5),
      namespace: 'Colors',
      label: 'requests',
    });
    expect([custom.namespace, custom.statistic, custom.period.toSeconds(), custom.label]).toEqual([
      'Colors',
      'Average',
      300,
      'requests',
    ]);
  });
});

describe('MeshDashboard', () => {
  it('charts each route with its exact metrics and each node through SEARCH over its callers', () => {
    const stack = newStack();
    new MeshDashboard(stack, 'Dashboard', {
      meshName: 'colors',
      dashboardName: 'colors-mesh',
      virtualNodes: ['blue', { virtualNodeName: 'green', mesh: { meshName: 'paints' } }],
      routes: [
        { virtualNode: 'front', virtualService: { virtualServiceName: 'colors.local' }, route: 'paint' },
      ],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'colors-mesh',
    });
    const all = widgets(stack);
    expect(all.filter((w) => w.type === 'text').map((w) => w.properties.markdown?.split('\n')[0])).toEqual([
      '### Virtual node blue (mesh colors)',
      '### Virtual node green (mesh paints)',
    ]);

    // A route: plain metrics with the route set's dimensions (CDK renders them sorted by name).
    const routeDims = [
      'Mesh',
      'colors',
      'Route',
      'paint',
      'TargetVirtualService',
      'colors.local',
      'VirtualNode',
      'front',
    ];
    const title = 'front → colors.local route paint';
    expect(graph(all, `${title}: requests per 1 minute`)).toEqual([
      ['Tessera', 'RequestCountPerTarget', ...routeDims, { label: 'requests', period: 60, stat: 'Sum' }],
    ]);
    expect(graph(all, `${title}: responses per 1 minute`)).toEqual(
      ['2XX', '4XX', '5XX'].map((code) => [
        'Tessera',
        `HTTPCode_Target_${code}_Count`,
        ...routeDims,
        { label: code.toLowerCase(), period: 60, stat: 'Sum' },
      ]),
    );
    expect(graph(all, `${title}: latency (ms)`)).toEqual([
      ['Tessera', 'TargetResponseTime', ...routeDims, { label: 'p50', period: 60, stat: 'p50' }],
      ['Tessera', 'TargetResponseTime', ...routeDims, { label: 'p99', period: 60, stat: 'p99' }],
    ]);
    expect(graph(all, `${title}: retries per 1 minute`).map((m) => m[1])).toEqual([
      'RetryCount',
      'RetryBudgetExhaustedCount',
      'TimeoutCount',
    ]);

    // A node: its own inbound count, and what its callers saw, summed over callers and services.
    const target = '{Tessera,Mesh,VirtualNode,TargetVirtualService,TargetVirtualNode}';
    const search = (metric: string, stat = 'Sum', combine = 'SUM', schema = target) =>
      `${combine}(SEARCH('${schema} MetricName="${metric}" Mesh="colors" TargetVirtualNode="blue"', '${stat}', 60))`;
    const expressions = (metrics: unknown[][]) =>
      metrics.map(
        (m) => (m[0] as { expression?: string; label: string }).expression ?? m.slice(0, 6).join(' '),
      );
    expect(expressions(graph(all, 'blue: requests per 1 minute'))).toEqual([
      'Tessera RequestCount Mesh colors VirtualNode blue',
      search('RequestCountPerTarget'),
    ]);
    expect(expressions(graph(all, 'blue: responses per 1 minute'))).toEqual([
      search('HTTPCode_Target_2XX_Count'),
      search('HTTPCode_Target_4XX_Count'),
      search('HTTPCode_Target_5XX_Count'),
    ]);
    expect(expressions(graph(all, 'blue: latency (ms, worst caller)'))).toEqual([
      search('TargetResponseTime', 'p50', 'MAX'),
      search('TargetResponseTime', 'p99', 'MAX'),
    ]);
    expect(expressions(graph(all, 'blue: retries and ejections per 1 minute'))).toEqual([
      search('RetryCount'),
      search('TimeoutCount'),
      search('OutlierEjectionCount', 'Sum', 'SUM', '{Tessera,Mesh,VirtualNode,TargetVirtualNode}'),
    ]);
    // A node given as an object keeps its own mesh.
    expect(expressions(graph(all, 'green: responses per 1 minute'))[2]).toContain(
      'Mesh="paints" TargetVirtualNode="green"',
    );
  }, 60_000);

  it('quotes a namespace with other characters and follows the period', () => {
    const stack = newStack();
    new MeshDashboard(stack, 'Dashboard', {
      meshName: 'colors',
      virtualNodes: ['blue'],
      namespace: 'Team/Mesh',
      period: Duration.minutes(5),
    });
    const metrics = graph(widgets(stack), 'blue: responses per 5 minutes');
    expect((metrics[0]![0] as { expression: string }).expression).toBe(
      `SUM(SEARCH('{"Team/Mesh",Mesh,VirtualNode,TargetVirtualService,TargetVirtualNode} MetricName="HTTPCode_Target_2XX_Count" Mesh="colors" TargetVirtualNode="blue"', 'Sum', 300))`,
    );
  });
});

describe('serverErrorRate', () => {
  it('divides 5xx by requests for one route, alarmable without SEARCH', () => {
    const stack = newStack();
    const rate = serverErrorRate({
      dimensions: ProxyDimensions.route(
        { mesh: 'colors', virtualNode: 'front' },
        { targetVirtualService: 'colors.local', route: 'paint' },
      ),
    });
    rate.createAlarm(stack, 'Alarm', {
      threshold: 5,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const alarm = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))[0]!;
    const queries = alarm.Properties.Metrics as Array<{
      Id: string;
      MetricStat?: { Metric: { MetricName: string; Dimensions: unknown[] } };
    }>;
    expect(queries[0]).toMatchObject({ Expression: '100 * FILL(errors, 0) / requests', Label: '5xx %' });
    const byId = Object.fromEntries(queries.slice(1).map((q) => [q.Id, q.MetricStat]));
    expect(byId.errors).toMatchObject({
      Metric: { MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'Tessera' },
      Period: 60,
      Stat: 'Sum',
    });
    expect(byId.requests?.Metric.MetricName).toBe('RequestCountPerTarget');
    expect(byId.requests?.Metric.Dimensions).toEqual([
      { Name: 'Mesh', Value: 'colors' },
      { Name: 'Route', Value: 'paint' },
      { Name: 'TargetVirtualService', Value: 'colors.local' },
      { Name: 'VirtualNode', Value: 'front' },
    ]);
  });
});
