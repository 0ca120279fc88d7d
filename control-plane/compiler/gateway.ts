// A virtual gateway's routes: matches, rewrites with App Mesh's defaults, and the virtual services they target.

import type { GatewayRouteSpec } from '../model/gateway-route.js';
import type { GatewayRoute, Rewrite } from '../snapshot/gateway-routes.js';
import { compareStrings } from '../snapshot/hash.js';
import type { VirtualService } from '../snapshot/routes.js';
import type { Context } from './context.js';
import { type GatewayMatch, grpcGatewayMatch, httpGatewayMatch, type MatchResult } from './matches.js';
import type { Resolved } from './mesh-index.js';
import { at, type Site } from './notes.js';
import { compareRoutes } from './routes.js';
import { clientPolicy } from './tls.js';
import { compileVirtualService } from './virtual-services.js';

type HttpGatewayRouteSpec = NonNullable<GatewayRouteSpec['httpRoute']>;

interface Draft {
  readonly route: Omit<GatewayRoute, 'target'>;
  readonly service: string;
  readonly port: number | undefined;
  readonly failClosed: boolean;
  /** Where the route names its target. */
  readonly site: Site;
}

/**
 * The gateway's routes in App Mesh order, and every virtual service they target (by name), each with
 * the gateway's backend-default client policy.
 */
export function compileGatewayRoutes(
  gateway: Resolved<'virtualGateway'>,
  context: Context,
): { gatewayRoutes: GatewayRoute[]; virtualServices: VirtualService[] } {
  const drafts = context.index
    .children('gatewayRoute', gateway.record.key.name)
    .map((route) => draft(route, context))
    .sort((a, b) => compareRoutes(a.route, b.route));

  const policy = clientPolicy(
    gateway.spec.backendDefaults?.clientPolicy,
    { resource: gateway.label, path: 'spec.backendDefaults.clientPolicy' },
    context.notes,
  );
  const services = new Map<string, VirtualService>();
  for (const { service, site } of drafts) {
    if (!services.has(service)) services.set(service, compileVirtualService(service, policy, site, context));
  }

  const gatewayRoutes = drafts.map(({ route, service, port, failClosed, site }) => {
    const resolved = failClosed ? undefined : targetPort(services.get(service)!, port, site, context);
    return {
      ...route,
      target: { virtualService: service, ...(resolved !== undefined ? { port: resolved } : {}) },
    };
  });
  const virtualServices = [...services.values()].sort((a, b) => compareStrings(a.name, b.name));
  return { gatewayRoutes, virtualServices };
}

function draft(resolved: Resolved<'gatewayRoute'>, context: Context): Draft {
  const { spec } = resolved;
  const type = spec.httpRoute ? 'httpRoute' : spec.http2Route ? 'http2Route' : 'grpcRoute';
  const site: Site = { resource: resolved.label, path: `spec.${type}` };
  const protocol = type === 'httpRoute' ? 'http' : type === 'http2Route' ? 'http2' : 'grpc';
  const body = (spec.httpRoute ?? spec.http2Route ?? spec.grpcRoute)!;
  const service = body.action.target.virtualService.virtualServiceName;
  const { match, failClosed }: MatchResult<GatewayMatch> =
    type === 'grpcRoute'
      ? grpcGatewayMatch(spec.grpcRoute!.match, at(site, '.match'), context.notes)
      : httpGatewayMatch((spec.httpRoute ?? spec.http2Route)!.match, at(site, '.match'), context.notes);
  const hostnameDefault = body.action.rewrite?.hostname?.defaultTargetHostname ?? 'ENABLED';
  const rewrite: Rewrite = {
    ...(type === 'grpcRoute' ? {} : pathRewrite(spec.httpRoute ?? spec.http2Route!, match)),
    ...(hostnameDefault === 'ENABLED' ? { hostname: service } : {}),
  };
  return {
    route: {
      name: resolved.record.key.name,
      protocol,
      ...(spec.priority !== undefined ? { priority: spec.priority } : {}),
      match,
      rewrite,
    },
    service,
    port: body.action.target.port,
    failClosed,
    site: at(site, '.action.target.virtualService.virtualServiceName'),
  };
}

/**
 * App Mesh's path rewrite: a prefix match rewrites the matched prefix to `/` unless `defaultPrefix` is
 * DISABLED or a `value` is given; a path match rewrites only with `rewrite.path.exact`.
 */
function pathRewrite(spec: HttpGatewayRouteSpec, match: GatewayMatch): Pick<Rewrite, 'path'> {
  const rewrite = spec.action.rewrite;
  if (match.path.kind === 'prefix' && spec.match.path === undefined) {
    if (rewrite?.prefix?.value !== undefined)
      return { path: { kind: 'prefix', value: rewrite.prefix.value } };
    if (rewrite?.prefix?.defaultPrefix === 'DISABLED') return {};
    return { path: { kind: 'prefix', value: '/' } };
  }
  return rewrite?.path?.exact !== undefined ? { path: { kind: 'exact', value: rewrite.path.exact } } : {};
}

/**
 * The service port a gateway route enters: the route's when the service has it, else the service's
 * only port. Otherwise none (the proxy answers 503), with a problem noted.
 */
function targetPort(
  service: VirtualService,
  port: number | undefined,
  site: Site,
  context: Context,
): number | undefined {
  if (service.provider.kind === 'none') return port;
  const ports = service.ports.map((p) => p.port);
  const targetSite = {
    resource: site.resource,
    path: site.path.replace(/\.virtualService\.virtualServiceName$/, '.port'),
  };
  if (port !== undefined) {
    if (ports.includes(port)) return port;
    context.notes.problem(
      targetSite,
      `virtual service "${service.name}" has no port ${port} (ports: ${ports.join(', ') || 'none'}); requests are answered 503`,
    );
    return undefined;
  }
  if (ports.length === 1) return ports[0];
  context.notes.problem(
    targetSite,
    ports.length === 0
      ? `virtual service "${service.name}" has no ports; requests are answered 503`
      : `virtual service "${service.name}" has ports ${ports.join(', ')}: the target must name one; requests are answered 503`,
  );
  return undefined;
}
