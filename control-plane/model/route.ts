// Route spec: how a virtual router matches a request and splits it over weighted virtual nodes, with retries and timeouts.

import { z } from 'zod';
import {
  GRPC_RETRY_EVENTS,
  HTTP_RETRY_EVENTS,
  HTTP_SCHEMES,
  MAX_GRPC_RETRY_EVENTS,
  MAX_HTTP_RETRY_EVENTS,
  MAX_METHOD_NAME_LENGTH,
  MAX_PRIORITY,
  MAX_TCP_RETRY_EVENTS,
  MAX_WEIGHT,
  MAX_WEIGHTED_TARGETS,
  MIN_PRIORITY,
  MIN_WEIGHT,
  TCP_RETRY_EVENTS,
} from './constants.js';
import { requestTimeout, tcpTimeout } from './listener.js';
import {
  headerMatches,
  httpMethod,
  metadataMatches,
  pathMatch,
  pathPrefix,
  queryParameterMatches,
} from './match.js';
import {
  atMostOne,
  duration,
  exactlyOne,
  intAtLeast,
  intBetween,
  isRecord,
  nonEmpty,
  port,
  resourceName,
  setMembers,
  text,
  withRule,
} from './shared.js';

export const priority = intBetween(MIN_PRIORITY, MAX_PRIORITY);

const weightedTarget = z.strictObject({
  virtualNode: resourceName,
  weight: intBetween(MIN_WEIGHT, MAX_WEIGHT),
  port: port.optional(),
});

/** 1–10 weighted targets; traffic splits by relative weight, so at least one weight must be above 0. */
const action = withRule(
  z.strictObject({ weightedTargets: z.array(weightedTarget).min(1).max(MAX_WEIGHTED_TARGETS) }),
  (value, report) => {
    const targets = value.weightedTargets;
    if (!Array.isArray(targets) || targets.length === 0) return;
    const weights = targets.map((target) => (isRecord(target) ? target.weight : undefined));
    if (weights.every((weight) => weight === 0))
      report(['weightedTargets'], 'must give at least one target a weight above 0');
  },
);

const retryEvents = {
  httpRetryEvents: z.array(z.enum(HTTP_RETRY_EVENTS)).min(1).max(MAX_HTTP_RETRY_EVENTS).optional(),
  tcpRetryEvents: z.array(z.enum(TCP_RETRY_EVENTS)).min(1).max(MAX_TCP_RETRY_EVENTS).optional(),
};

/** A retry policy names at least one kind of retry event. */
function retryPolicy<S extends z.ZodType>(schema: S, eventFields: readonly string[]): S {
  return withRule(schema, (value, report) => {
    if (setMembers(value, eventFields).length === 0)
      report([], `must set at least one of ${eventFields.join(', ')}`);
  });
}

const httpRetryPolicy = retryPolicy(
  z.strictObject({ maxRetries: intAtLeast(0), perRetryTimeout: duration, ...retryEvents }),
  ['httpRetryEvents', 'tcpRetryEvents'],
);

const grpcRetryPolicy = retryPolicy(
  z.strictObject({
    maxRetries: intAtLeast(0),
    perRetryTimeout: duration,
    ...retryEvents,
    grpcRetryEvents: z.array(z.enum(GRPC_RETRY_EVENTS)).min(1).max(MAX_GRPC_RETRY_EVENTS).optional(),
  }),
  ['grpcRetryEvents', 'httpRetryEvents', 'tcpRetryEvents'],
);

/** `httpRoute` and `http2Route`. A match with neither `prefix` nor `path` matches prefix `/`. */
export const httpRoute = z.strictObject({
  match: atMostOne(
    z.strictObject({
      prefix: pathPrefix.optional(),
      path: pathMatch.optional(),
      queryParameters: queryParameterMatches.optional(),
      method: httpMethod.optional(),
      scheme: z.enum(HTTP_SCHEMES).optional(),
      headers: headerMatches.optional(),
      port: port.optional(),
    }),
    ['prefix', 'path'],
  ),
  action,
  retryPolicy: httpRetryPolicy.optional(),
  timeout: requestTimeout.optional(),
});

const grpcRouteMatch = withRule(
  z.strictObject({
    serviceName: nonEmpty.optional(),
    methodName: text(1, MAX_METHOD_NAME_LENGTH).optional(),
    metadata: metadataMatches.optional(),
    port: port.optional(),
  }),
  (match, report) => {
    if (match.methodName !== undefined && match.serviceName === undefined) {
      report(['serviceName'], 'is required when methodName is set');
    }
  },
);

export const grpcRoute = z.strictObject({
  match: grpcRouteMatch,
  action,
  retryPolicy: grpcRetryPolicy.optional(),
  timeout: requestTimeout.optional(),
});

export const tcpRoute = z.strictObject({
  match: z.strictObject({ port: port.optional() }).optional(),
  action,
  timeout: tcpTimeout.optional(),
});

export const ROUTE_TYPES = ['httpRoute', 'http2Route', 'grpcRoute', 'tcpRoute'] as const;

export const routeSpec = exactlyOne(
  z.strictObject({
    /** @default - after every route with a priority, in creation order. */
    priority: priority.optional(),
    httpRoute: httpRoute.optional(),
    http2Route: httpRoute.optional(),
    grpcRoute: grpcRoute.optional(),
    tcpRoute: tcpRoute.optional(),
  }),
  ROUTE_TYPES,
);
export type RouteSpec = z.infer<typeof routeSpec>;
