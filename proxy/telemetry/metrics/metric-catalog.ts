// The metrics the proxy publishes: names App Mesh users chart, Tessera's extras, their units, and the
// dimension sets each is published under.
//
// Dimension sets (every set starts with `Mesh` and `VirtualNode`, or `VirtualGateway` for a gateway):
//   node     [Mesh, VirtualNode]                                             inbound and proxy-wide metrics
//   target   [Mesh, VirtualNode, TargetVirtualService, TargetVirtualNode]    App Mesh's outbound set
//   route    [Mesh, VirtualNode, TargetVirtualService, Route]                 per-route (App Mesh had none)
//   cluster  [Mesh, VirtualNode, TargetVirtualNode]                          outlier ejections
//
// CloudWatch bills one custom metric per distinct name + dimension values that receives data in a month.
// For one virtual node (all its replicas share the same metrics: no task, endpoint or status dimension):
//   5 node metrics
//   + 11 outbound metrics × (distinct (virtual service, target node) pairs + distinct (virtual service, route))
//   + 1 × distinct target nodes
// e.g. a node calling 3 services with 2 routes each and 1 target per route: 5 + 11 × (3 + 6) + 3 = 107.
// Idle routes publish nothing in a window (no zero datapoints), so the bill follows the traffic's shape.

export type Direction = 'inbound' | 'outbound' | 'cluster';

/** Counter (or gauge) metrics, summed per window. */
export const INBOUND_COUNTERS = ['RequestCount', 'ProcessedBytes', 'NewConnectionCount'] as const;
export const OUTBOUND_COUNTERS = [
  'RequestCountPerTarget',
  'HTTPCode_Target_2XX_Count',
  'HTTPCode_Target_3XX_Count',
  'HTTPCode_Target_4XX_Count',
  'HTTPCode_Target_5XX_Count',
  'TargetProcessedBytes',
  'RetryCount',
  'RetryBudgetExhaustedCount',
  'TimeoutCount',
  'PendingOverflowCount',
] as const;
export const CLUSTER_COUNTERS = ['OutlierEjectionCount'] as const;
/** Gauges: the value at the end of the window. */
export const GAUGES = ['ActiveConnectionCount', 'SnapshotAgeSeconds'] as const;
/** The one distribution: outbound latency, as a histogram. */
export const LATENCY_METRIC = 'TargetResponseTime';

export type InboundCounter = (typeof INBOUND_COUNTERS)[number];
export type OutboundCounter = (typeof OUTBOUND_COUNTERS)[number];
export type ClusterCounter = (typeof CLUSTER_COUNTERS)[number];
export type GaugeName = (typeof GAUGES)[number];
export type MetricName =
  | InboundCounter
  | OutboundCounter
  | ClusterCounter
  | GaugeName
  | typeof LATENCY_METRIC;

/** CloudWatch's `StandardUnit` names. */
export type MetricUnit = 'Count' | 'Bytes' | 'Milliseconds' | 'Seconds';

export const UNITS: Readonly<Record<MetricName, MetricUnit>> = {
  RequestCount: 'Count',
  ProcessedBytes: 'Bytes',
  NewConnectionCount: 'Count',
  ActiveConnectionCount: 'Count',
  SnapshotAgeSeconds: 'Seconds',
  RequestCountPerTarget: 'Count',
  HTTPCode_Target_2XX_Count: 'Count',
  HTTPCode_Target_3XX_Count: 'Count',
  HTTPCode_Target_4XX_Count: 'Count',
  HTTPCode_Target_5XX_Count: 'Count',
  TargetProcessedBytes: 'Bytes',
  RetryCount: 'Count',
  RetryBudgetExhaustedCount: 'Count',
  TimeoutCount: 'Count',
  PendingOverflowCount: 'Count',
  OutlierEjectionCount: 'Count',
  TargetResponseTime: 'Milliseconds',
};

/** Dimension names, as App Mesh's metrics extension spelled them. */
export const DIMENSION = {
  mesh: 'Mesh',
  virtualNode: 'VirtualNode',
  virtualGateway: 'VirtualGateway',
  targetVirtualService: 'TargetVirtualService',
  targetVirtualNode: 'TargetVirtualNode',
  route: 'Route',
} as const;

/** The dimension names (after Mesh and VirtualNode/VirtualGateway) of each set a direction publishes. */
export const DIMENSION_SETS: Readonly<Record<Direction, readonly (readonly string[])[]>> = {
  inbound: [[]],
  outbound: [
    [DIMENSION.targetVirtualService, DIMENSION.targetVirtualNode],
    [DIMENSION.targetVirtualService, DIMENSION.route],
  ],
  cluster: [[DIMENSION.targetVirtualNode]],
};
