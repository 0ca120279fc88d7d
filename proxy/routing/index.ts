// Outbound routing: a snapshot's route table, compiled once, resolving each request to a route and a target.

export { RouteMemo } from './route-memo.js';
export { buildRouteTable, DEFAULT_PORTS } from './route-table.js';
export type { RequestFacts, RouteDecision, RouteTable } from './types.js';
export { WeightedPicker } from './weighted-picker.js';
