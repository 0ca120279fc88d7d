// Value types of outbound routing: the facts of a request the table matches on, and the decision it returns.

import type { RequestRoute } from '../../control-plane/snapshot/index.js';

/** What routing needs to know about one request, taken from its head (see `proxy/http/request-head.ts`). */
export interface RequestFacts {
  /** Upper-case method, e.g. `GET`. */
  readonly method: string;
  /** The normalized path, without the query. */
  readonly path: string;
  /** The raw query string without `?`; `''` when there is none. */
  readonly query: string;
  /** The authority's host, lower-case, without port (IPv6 without brackets). */
  readonly host: string;
  /** The authority's port when it names one. */
  readonly port: number | undefined;
  /** From the absolute-form request line, else `http`. */
  readonly scheme: 'http' | 'https';
  /** `DownstreamRequest.rawHeaders`: `[name, value, name, value, …]`, names in the case received. */
  readonly headers: readonly string[];
}

/**
 * Where a request goes.
 * - `route`: a route matched; `clusterId` is the weighted pick, or `undefined` when the pick landed on a
 *   share the snapshot could not resolve (answer 503).
 * - `no-route`: the service exists but none of its routes matched (answer 404, saying so).
 * - `no-provider`: the service has no provider, does not exist, or has no routes (answer 503).
 * - `egress`: not a virtual service, and the mesh lets it out: forward to `host:port`.
 * - `denied`: not a virtual service, and the mesh's egress filter drops it (answer 404).
 */
export type RouteDecision =
  | {
      readonly kind: 'route';
      readonly virtualService: string;
      readonly route: RequestRoute;
      readonly clusterId: string | undefined;
    }
  | { readonly kind: 'no-route'; readonly virtualService: string }
  | { readonly kind: 'no-provider'; readonly virtualService: string }
  | { readonly kind: 'egress'; readonly host: string; readonly port: number }
  | { readonly kind: 'denied'; readonly host: string };

/** A snapshot's outbound routes, compiled once; `resolve` is the per-request step. */
export interface RouteTable {
  /**
   * The decision for one request. `random` returns a number in [0, 1) and picks among weighted targets.
   * @default Math.random
   */
  resolve(facts: RequestFacts, random?: () => number): RouteDecision;
}
