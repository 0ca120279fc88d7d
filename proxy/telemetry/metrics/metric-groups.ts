// A window rolled up to the dimension sets it is published under (metric-catalog.ts): one group per
// distinct set of dimension values, its counters summed and its latency buckets merged. Pure.

import { type Distribution, mergeDistributions } from './distribution.js';
import {
  DIMENSION,
  DIMENSION_SETS,
  LATENCY_METRIC,
  type MetricName,
  type MetricUnit,
  UNITS,
} from './metric-catalog.js';
import type { MetricsWindow } from './metrics-window.js';

export interface Dimension {
  readonly name: string;
  readonly value: string;
}

export type GroupMetric =
  | { readonly kind: 'value'; readonly name: MetricName; readonly unit: MetricUnit; readonly value: number }
  | {
      readonly kind: 'distribution';
      readonly name: MetricName;
      readonly unit: MetricUnit;
      readonly distribution: Distribution;
    };

export interface MetricGroup {
  /** In publishing order: Mesh, VirtualNode (or VirtualGateway), then the set's own. */
  readonly dimensions: readonly Dimension[];
  readonly metrics: readonly GroupMetric[];
}

export function metricGroups(window: MetricsWindow): MetricGroup[] {
  const { mesh, proxy } = window.identity;
  const base: Dimension[] = [
    { name: DIMENSION.mesh, value: mesh },
    {
      name: proxy.kind === 'virtualGateway' ? DIMENSION.virtualGateway : DIMENSION.virtualNode,
      value: proxy.name,
    },
  ];
  const groups = new Map<
    string,
    { dimensions: Dimension[]; sums: Map<MetricName, number>; latency: Distribution[] }
  >();
  for (const cell of window.cells) {
    for (const set of DIMENSION_SETS[cell.direction]) {
      const dimensions = [...base, ...set.map((name) => ({ name, value: cell.dimensions[name] ?? '' }))];
      const id = dimensions.map((d) => `${d.name}=${d.value}`).join('\u0000');
      let group = groups.get(id);
      if (group === undefined) {
        group = { dimensions, sums: new Map(), latency: [] };
        groups.set(id, group);
      }
      for (const [name, value] of Object.entries(cell.values) as [MetricName, number][]) {
        group.sums.set(name, (group.sums.get(name) ?? 0) + value);
      }
      if (cell.latency !== undefined) group.latency.push(cell.latency);
    }
  }
  return [...groups.values()].map(({ dimensions, sums, latency }) => {
    const metrics: GroupMetric[] = [...sums].map(([name, value]) => ({
      kind: 'value',
      name,
      unit: UNITS[name],
      value,
    }));
    if (latency.length > 0) {
      metrics.push({
        kind: 'distribution',
        name: LATENCY_METRIC,
        unit: UNITS[LATENCY_METRIC],
        distribution: mergeDistributions(latency),
      });
    }
    return { dimensions, metrics };
  });
}
