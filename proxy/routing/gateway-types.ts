// Value types of gateway routing: what a virtual gateway decides for one request on one of its listeners.

import type { GatewayRoute, Protocol } from '../../control-plane/snapshot/index.js';
import type { RequestFacts, RouteDecision } from './types.js';

/**
 * Where a request arriving on a gateway listener goes.
 * - `matched`: gateway route `gatewayRoute` matched; `path` is the rewritten path (without the query),
 *   `host` the `Host` to send (`undefined`: the client's, unchanged), and `target` what the target
 *   virtual service's own routes resolve the rewritten request to (`route`, `no-route`, `no-provider`;
 *   `egress`/`denied` only for a hand-made snapshot whose target port is not one of the service's).
 * - `no-target`: a gateway route matched but its target cannot be reached: no target port (the compiler
 *   could not resolve one), or a match condition that failed closed (answer 503).
 * - `no-match`: no gateway route of the listener matched (answer 404, saying so).
 * - `no-listener`: the gateway has no listener on this port (answer 503).
 */
export type GatewayDecision =
  | {
      readonly kind: 'matched';
      readonly gatewayRoute: GatewayRoute;
      readonly path: string;
      readonly host: string | undefined;
      readonly target: RouteDecision;
    }
  | { readonly kind: 'no-target'; readonly gatewayRoute: GatewayRoute }
  | { readonly kind: 'no-match'; readonly listenerPort: number }
  | { readonly kind: 'no-listener'; readonly listenerPort: number };

/** A snapshot's gateway routes, compiled once; `resolve` is the per-request step. */
export interface GatewayTable {
  /** The protocol of each gateway listener, by listener port. */
  readonly listeners: ReadonlyMap<number, Protocol>;
  /**
   * The decision for one request that arrived on gateway listener `listenerPort`. `facts` describe the
   * request as received (`host` is its authority's, lower-case, without port). `random` returns a number
   * in [0, 1) and picks among the target route's weighted targets.
   * @default Math.random
   */
  resolve(listenerPort: number, facts: RequestFacts, random?: () => number): GatewayDecision;
}
