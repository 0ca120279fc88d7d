// A drained window: what the proxy observed between two flushes, as immutable data the exporters read.

import type { Distribution } from './distribution.js';
import type { Direction, MetricName } from './metric-catalog.js';

/** Who is reporting: the mesh and the virtual node (or gateway) every metric is dimensioned by. */
export interface MetricsIdentity {
  readonly mesh: string;
  readonly proxy: { readonly kind: 'virtualNode' | 'virtualGateway'; readonly name: string };
}

/** One key's activity in the window. */
export interface WindowCell {
  readonly direction: Direction;
  /** The key's own dimensions (after Mesh and VirtualNode): e.g. TargetVirtualService, TargetVirtualNode, Route. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** Sums over the window (and gauges' values at its end), by metric name. */
  readonly values: Readonly<Partial<Record<MetricName, number>>>;
  /** Outbound latency (`TargetResponseTime`). */
  readonly latency?: Distribution;
}

export interface MetricsWindow {
  readonly identity: MetricsIdentity;
  /** Epoch ms. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** Only keys with activity in the window (or a gauge to report). */
  readonly cells: readonly WindowCell[];
}
