// Compiles a snapshot's virtual services once into a table that resolves each outbound request to a route and a target.

import type { Protocol, RequestRoute, Snapshot, VirtualService } from '../../control-plane/snapshot/index.js';
import { CompiledRequestMatch } from './request-match.js';
import type { RequestFacts, RouteDecision, RouteTable } from './types.js';
import { WeightedPicker } from './weighted-picker.js';

/** The port an authority without one means, per scheme. */
export const DEFAULT_PORTS = { http: 80, https: 443 } as const;

interface CompiledRoute {
  readonly match: CompiledRequestMatch;
  /** Decisions made once per target (and one for the unavailable share), so a pick allocates nothing. */
  readonly picker: WeightedPicker<RouteDecision>;
  /** When nothing can be picked (no targets, or a match that failed closed). */
  readonly unavailable: RouteDecision;
}

interface CompiledService {
  /** Set when every request to the service is answered 503 (no provider, no ports, or no routes). */
  readonly noProvider: RouteDecision | undefined;
  readonly noRoute: RouteDecision;
  /** The routes a request addressed to each service port is matched against, in order. */
  readonly byPort: ReadonlyMap<number, readonly CompiledRoute[]>;
  /** The routes for an authority without a port, per scheme (see `defaultPort`). */
  readonly withoutPort: { readonly http: readonly CompiledRoute[]; readonly https: readonly CompiledRoute[] };
}

/**
 * Compiles the outbound route table of a snapshot. Pure, and done once per snapshot: regexes are compiled
 * and weighted picks precomputed here; `resolve` does no parsing, no regex compilation, and allocates
 * nothing for a request that matches a virtual service route.
 *
 * Lookup: the virtual service whose name (lower-cased) is the request's host (a trailing `.` ignored).
 * - With a port, the port must be one of the service's ports, else the host is not that service.
 * - Without a port, the request goes to the scheme's default port (80/443) when the service has it,
 *   else to its lowest port that speaks http, http2 or grpc, else its lowest port.
 * The routes offered for port P are those whose protocol is P's protocol and whose `match.port` is
 * absent or P, in snapshot order; the first whose match holds wins. A tcp port offers no HTTP routes.
 */
export function buildRouteTable(snapshot: Snapshot): RouteTable {
  const services = new Map<string, CompiledService>();
  for (const service of snapshot.virtualServices) {
    services.set(service.name.toLowerCase(), compileService(service));
  }
  const egress = snapshot.egressFilter;
  const allowAll = egress.type === 'ALLOW_ALL';
  const suffixes = egress.allowedHostSuffixes.map((suffix) => suffix.toLowerCase());

  const outside = (facts: RequestFacts): RouteDecision => {
    const host = facts.host;
    if (host !== '' && (allowAll || suffixes.some((suffix) => host.endsWith(suffix)))) {
      return { kind: 'egress', host, port: facts.port ?? DEFAULT_PORTS[facts.scheme] };
    }
    return { kind: 'denied', host };
  };

  return {
    resolve(facts: RequestFacts, random: () => number = Math.random): RouteDecision {
      const service = services.get(facts.host) ?? lookupWithoutTrailingDot(services, facts.host);
      if (service === undefined) return outside(facts);
      if (service.noProvider !== undefined) return service.noProvider;
      const routes =
        facts.port === undefined ? service.withoutPort[facts.scheme] : service.byPort.get(facts.port);
      if (routes === undefined) return outside(facts);
      for (const route of routes) {
        if (route.match.matches(facts)) return route.picker.pick(random) ?? route.unavailable;
      }
      return service.noRoute;
    },
  };
}

function lookupWithoutTrailingDot(
  services: ReadonlyMap<string, CompiledService>,
  host: string,
): CompiledService | undefined {
  return host.endsWith('.') ? services.get(host.slice(0, -1)) : undefined;
}

function compileService(service: VirtualService): CompiledService {
  const virtualService = service.name;
  const noRoute: RouteDecision = Object.freeze({ kind: 'no-route', virtualService });
  const requestRoutes = service.routes.filter((route): route is RequestRoute => route.protocol !== 'tcp');
  const unresolved =
    service.provider.kind === 'none' || service.ports.length === 0 || service.routes.length === 0;
  if (unresolved) {
    const noProvider: RouteDecision = Object.freeze({ kind: 'no-provider', virtualService });
    return { noProvider, noRoute, byPort: new Map(), withoutPort: { http: [], https: [] } };
  }

  const compiled = new Map<RequestRoute, CompiledRoute>();
  for (const route of requestRoutes) compiled.set(route, compileRoute(virtualService, route));
  const byPort = new Map<number, readonly CompiledRoute[]>();
  for (const { port, protocol } of service.ports) {
    byPort.set(port, routesFor(requestRoutes, compiled, port, protocol));
  }
  const ports = service.ports;
  const fallback = ports.find((candidate) => candidate.protocol !== 'tcp')?.port ?? ports[0]!.port;
  const withoutPort = (scheme: 'http' | 'https'): readonly CompiledRoute[] =>
    byPort.get(DEFAULT_PORTS[scheme]) ?? byPort.get(fallback)!;
  return {
    noProvider: undefined,
    noRoute,
    byPort,
    withoutPort: { http: withoutPort('http'), https: withoutPort('https') },
  };
}

function routesFor(
  routes: readonly RequestRoute[],
  compiled: ReadonlyMap<RequestRoute, CompiledRoute>,
  port: number,
  protocol: Protocol,
): CompiledRoute[] {
  return routes
    .filter(
      (route) => route.protocol === protocol && (route.match.port === undefined || route.match.port === port),
    )
    .map((route) => compiled.get(route)!);
}

function compileRoute(virtualService: string, route: RequestRoute): CompiledRoute {
  const match = new CompiledRequestMatch(route.match);
  const decision = (clusterId: string | undefined): RouteDecision =>
    Object.freeze({ kind: 'route', virtualService, route, clusterId });
  const unavailable = decision(undefined);
  const entries = match.failClosed
    ? []
    : [
        ...route.targets.map((target) => ({ item: decision(target.cluster), weight: target.weight })),
        { item: unavailable, weight: route.unavailableWeight },
      ];
  return { match, picker: new WeightedPicker(entries), unavailable };
}
