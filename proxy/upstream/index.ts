// The upstream layer: clusters and their pools, balancing, retries, timeouts, ejection, and forwarding.

export type { Balancer, BalancerKind } from './balancer.js';
export { DEFAULT_BALANCER, LeastRequest, RoundRobin } from './balancer.js';
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { ClusterDescription, ClusterSettings, EndpointDescription } from './cluster-state.js';
export { ClusterState } from './cluster-state.js';
export type { EndpointAddress } from './endpoint.js';
export type { AttemptObserver, ForwardOutcome, UpstreamCall } from './forwarder.js';
export { forward } from './forwarder.js';
export { LOCAL_REPLIES, type LocalReply, sendLocalReply } from './local-reply.js';
export { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';
export { isIdempotent, shouldRetry } from './retry-rules.js';
export { countStatus, type RouteStats, routeStats } from './route-stats.js';
export type { EndpointsDescription, UpstreamsOptions } from './upstreams.js';
export { Upstreams } from './upstreams.js';
