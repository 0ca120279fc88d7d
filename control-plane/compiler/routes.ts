// A virtual router's routes compiled in App Mesh order, each with its match, targets, retry policy and timeout.

import type { RouteSpec } from '../model/route.js';
import type { VirtualRouterSpec } from '../model/virtual-router.js';
import { compareStrings } from '../snapshot/hash.js';
import type { Protocol, Route } from '../snapshot/routes.js';
import type { Context } from './context.js';
import { grpcMatch, httpMatch } from './matches.js';
import type { Resolved } from './mesh-index.js';
import { at, type Site } from './notes.js';
import { retryPolicy } from './retry-policy.js';
import { resolveTargets } from './targets.js';
import { routeTimeout } from './timeouts.js';

const ROUTE_PROTOCOL = {
  httpRoute: 'http',
  http2Route: 'http2',
  grpcRoute: 'grpc',
  tcpRoute: 'tcp',
} as const;

/**
 * App Mesh order: routes with a priority first, ascending (0 first); then those without, by name.
 * (App Mesh kept creation order for those; names make the order the same for equal meshes.)
 */
export function compareRoutes(
  a: { priority?: number | undefined; name: string },
  b: { priority?: number | undefined; name: string },
): number {
  const pa = a.priority ?? Number.POSITIVE_INFINITY;
  const pb = b.priority ?? Number.POSITIVE_INFINITY;
  return pa !== pb ? pa - pb : compareStrings(a.name, b.name);
}

/** The router's routes in App Mesh order. Routes that can never apply (no listener for them) are noted. */
export function compileRoutes(router: Resolved<'virtualRouter'>, context: Context): Route[] {
  const routes = context.index.children('route', router.record.key.name).map((resolved) => {
    const route = compileRoute(resolved, context);
    checkReachable(route, router.spec, { resource: resolved.label, path: 'spec' }, context);
    return route;
  });
  return routes.sort(compareRoutes);
}

/** One route. A match that cannot be carried whole, or targets that do not resolve, answer 503. */
export function compileRoute(route: Resolved<'route'>, context: Context): Route {
  const { spec } = route;
  const type = routeType(spec);
  const protocol = ROUTE_PROTOCOL[type];
  const site: Site = { resource: route.label, path: `spec.${type}` };
  const common = {
    name: route.record.key.name,
    ...(spec.priority !== undefined ? { priority: spec.priority } : {}),
  };

  if (type === 'tcpRoute') {
    const body = spec.tcpRoute!;
    const resolved = resolveTargets(
      body.action.weightedTargets,
      at(site, '.action.weightedTargets'),
      context,
    );
    return {
      protocol: 'tcp',
      ...common,
      match: body.match?.port !== undefined ? { port: body.match.port } : {},
      targets: resolved.targets,
      unavailableWeight: resolved.unavailableWeight,
      timeout: routeTimeout('tcp', body.timeout, resolved.clusters),
    };
  }

  const body = type === 'grpcRoute' ? spec.grpcRoute! : (spec.httpRoute ?? spec.http2Route)!;
  const matchSite = at(site, '.match');
  const { match, failClosed } =
    type === 'grpcRoute'
      ? grpcMatch(spec.grpcRoute!.match, matchSite, context.notes)
      : httpMatch((spec.httpRoute ?? spec.http2Route)!.match, matchSite, context.notes);
  const resolved = resolveTargets(body.action.weightedTargets, at(site, '.action.weightedTargets'), context);
  const timeout = routeTimeout(protocol, body.timeout, resolved.clusters);
  const totalWeight = resolved.targets.reduce(
    (sum, target) => sum + target.weight,
    resolved.unavailableWeight,
  );
  return {
    protocol: protocol as Exclude<Protocol, 'tcp'>,
    ...common,
    match,
    targets: failClosed ? [] : resolved.targets,
    unavailableWeight: failClosed ? totalWeight : resolved.unavailableWeight,
    retryPolicy: retryPolicy(body.retryPolicy, timeout),
    timeout,
  };
}

function routeType(spec: RouteSpec): keyof typeof ROUTE_PROTOCOL {
  if (spec.httpRoute !== undefined) return 'httpRoute';
  if (spec.http2Route !== undefined) return 'http2Route';
  if (spec.grpcRoute !== undefined) return 'grpcRoute';
  return 'tcpRoute';
}

/** Notes a route no request can reach: no router listener speaks its protocol on a port it matches. */
function checkReachable(route: Route, router: VirtualRouterSpec, site: Site, context: Context): void {
  const listeners = router.listeners ?? [];
  const port = route.match.port;
  const candidates = listeners.filter((listener) => port === undefined || listener.portMapping.port === port);
  if (candidates.some((listener) => listener.portMapping.protocol === route.protocol)) return;
  const offered =
    listeners.map((l) => `${l.portMapping.protocol} on ${l.portMapping.port}`).join(', ') || 'no listeners';
  const wanted = port === undefined ? route.protocol : `${route.protocol} on ${port}`;
  context.notes.problem(site, `never matches: the router offers ${offered}, not ${wanted}`);
}
