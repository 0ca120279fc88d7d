// Compiles a virtual gateway's routes once per snapshot into a table that matches each request on a gateway
// listener, rewrites it, and resolves its target virtual service through the outbound route table.

import type { GatewayRoute, HostnameMatch, Protocol, Snapshot } from '../../control-plane/snapshot/index.js';
import { compilePathRewrite, type PathRewrite } from './gateway-rewrite.js';
import type { GatewayDecision, GatewayTable } from './gateway-types.js';
import { CompiledRequestMatch } from './request-match.js';
import { buildRouteTable } from './route-table.js';
import type { RequestFacts, RouteTable } from './types.js';

interface CompiledGatewayRoute {
  readonly route: GatewayRoute;
  readonly match: CompiledRequestMatch;
  readonly hostname: HostnameMatch | undefined;
  readonly rewritePath: PathRewrite;
  /** The `Host` to send; `undefined`: the client's. */
  readonly host: string | undefined;
  /** The virtual service (lower-case, as the route table looks it up) and port; `undefined`: answer 503. */
  readonly target: { readonly service: string; readonly port: number } | undefined;
  readonly noTarget: GatewayDecision;
}

interface CompiledListener {
  readonly routes: readonly CompiledGatewayRoute[];
  readonly noMatch: GatewayDecision;
}

/**
 * Compiles the gateway table of a snapshot. Pure, and done once per snapshot: matches (regexes included),
 * rewrites and the target services' route table are compiled here.
 *
 * A request on listener port P is offered the gateway routes whose `protocol` is P's protocol and whose
 * `match.port` is absent or P, in snapshot order (App Mesh order); the first whose conditions all hold
 * wins: hostname (exact or suffix, on the request's host without port, a trailing `.` ignored), path,
 * headers, query parameters, method. Its rewrites are applied, then the rewritten request is resolved by
 * `routes` (the snapshot's outbound route table) as if addressed to `target.virtualService:target.port`.
 */
export function buildGatewayTable(
  snapshot: Snapshot,
  routes: RouteTable = buildRouteTable(snapshot),
): GatewayTable {
  const compiled = new Map<GatewayRoute, CompiledGatewayRoute>();
  for (const route of snapshot.gatewayRoutes) compiled.set(route, compileGatewayRoute(route));
  const listeners = new Map<number, Protocol>();
  const byPort = new Map<number, CompiledListener>();
  for (const { port, protocol } of snapshot.listeners) {
    listeners.set(port, protocol);
    byPort.set(port, {
      routes: snapshot.gatewayRoutes
        .filter(
          (route) =>
            route.protocol === protocol && (route.match.port === undefined || route.match.port === port),
        )
        .map((route) => compiled.get(route)!),
      noMatch: Object.freeze({ kind: 'no-match', listenerPort: port }),
    });
  }

  return {
    listeners,
    resolve(listenerPort: number, facts: RequestFacts, random?: () => number): GatewayDecision {
      const listener = byPort.get(listenerPort);
      if (listener === undefined) return { kind: 'no-listener', listenerPort };
      const host = facts.host.endsWith('.') ? facts.host.slice(0, -1) : facts.host;
      for (const compiledRoute of listener.routes) {
        if (!hostnameMatches(compiledRoute.hostname, host)) continue;
        if (!compiledRoute.match.matches(facts)) continue;
        const target = compiledRoute.target;
        if (target === undefined) return compiledRoute.noTarget;
        const path = compiledRoute.rewritePath(facts.path);
        return {
          kind: 'matched',
          gatewayRoute: compiledRoute.route,
          path,
          host: compiledRoute.host,
          target: routes.resolve(
            {
              method: facts.method,
              path,
              query: facts.query,
              host: target.service,
              port: target.port,
              scheme: facts.scheme,
              headers: facts.headers,
            },
            random,
          ),
        };
      }
      return listener.noMatch;
    },
  };
}

function compileGatewayRoute(route: GatewayRoute): CompiledGatewayRoute {
  const match = new CompiledRequestMatch(route.match);
  const hostname = route.match.hostname;
  const port = route.target.port;
  return {
    route,
    match,
    hostname:
      hostname === undefined ? undefined : { kind: hostname.kind, value: hostname.value.toLowerCase() },
    rewritePath: compilePathRewrite(route),
    host: route.rewrite.hostname,
    // A match that failed closed widened; what it matches is answered 503, never routed.
    target:
      port === undefined || match.failClosed
        ? undefined
        : { service: route.target.virtualService.toLowerCase(), port },
    noTarget: Object.freeze({ kind: 'no-target', gatewayRoute: route }),
  };
}

function hostnameMatches(match: HostnameMatch | undefined, host: string): boolean {
  if (match === undefined) return true;
  return match.kind === 'exact' ? host === match.value : host.endsWith(match.value);
}
