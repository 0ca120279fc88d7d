// Gateway route spec: how a virtual gateway matches a request, which virtual service gets it, and what is rewritten.

import { z } from 'zod';
import { GATEWAY_REWRITE_DEFAULTS, MAX_HTTP_PATH_LENGTH } from './constants.js';
import {
  headerMatches,
  hostnameMatch,
  httpMethod,
  metadataMatches,
  pathMatch,
  pathPrefix,
  queryParameterMatches,
} from './match.js';
import { priority } from './route.js';
import { atMostOne, exactlyOne, isRecord, nonEmpty, port, resourceName, text, withRule } from './shared.js';

const target = z.strictObject({
  virtualService: z.strictObject({ virtualServiceName: resourceName }),
  port: port.optional(),
});

/** @default ENABLED — the host is rewritten to the target virtual service's name. */
const hostnameRewrite = z.strictObject({
  defaultTargetHostname: z.enum(GATEWAY_REWRITE_DEFAULTS).optional(),
});

const httpRewrite = z.strictObject({
  /** @default the matched prefix is rewritten to `/`. */
  prefix: atMostOne(
    z.strictObject({
      defaultPrefix: z.enum(GATEWAY_REWRITE_DEFAULTS).optional(),
      value: text(1, MAX_HTTP_PATH_LENGTH).startsWith('/', { error: 'must start with /' }).optional(),
    }),
    ['defaultPrefix', 'value'],
  ).optional(),
  path: z.strictObject({ exact: text(1, MAX_HTTP_PATH_LENGTH).optional() }).optional(),
  hostname: hostnameRewrite.optional(),
});

const httpMatch = atMostOne(
  z.strictObject({
    prefix: pathPrefix.optional(),
    path: pathMatch.optional(),
    queryParameters: queryParameterMatches.optional(),
    method: httpMethod.optional(),
    hostname: hostnameMatch.optional(),
    headers: headerMatches.optional(),
    port: port.optional(),
  }),
  ['prefix', 'path'],
);

/** A prefix rewrite applies to a prefix match, a path rewrite to a path match. */
export const httpGatewayRoute = withRule(
  z.strictObject({
    match: httpMatch,
    action: z.strictObject({ target, rewrite: httpRewrite.optional() }),
  }),
  (route, report) => {
    const match = isRecord(route.match) ? route.match : {};
    const rewrite = isRecord(route.action) && isRecord(route.action.rewrite) ? route.action.rewrite : {};
    if (rewrite.prefix !== undefined && match.path !== undefined) {
      report(['action', 'rewrite', 'prefix'], 'requires a prefix match, not match.path');
    }
    if (rewrite.path !== undefined && match.path === undefined) {
      report(['action', 'rewrite', 'path'], 'requires match.path');
    }
  },
);

export const grpcGatewayRoute = z.strictObject({
  match: z.strictObject({
    serviceName: nonEmpty.optional(),
    hostname: hostnameMatch.optional(),
    metadata: metadataMatches.optional(),
    port: port.optional(),
  }),
  action: z.strictObject({
    target,
    rewrite: z.strictObject({ hostname: hostnameRewrite.optional() }).optional(),
  }),
});

export const GATEWAY_ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute'] as const;

export const gatewayRouteSpec = exactlyOne(
  z.strictObject({
    priority: priority.optional(),
    httpRoute: httpGatewayRoute.optional(),
    http2Route: httpGatewayRoute.optional(),
    grpcRoute: grpcGatewayRoute.optional(),
  }),
  GATEWAY_ROUTE_TYPES,
);
export type GatewayRouteSpec = z.infer<typeof gatewayRouteSpec>;
