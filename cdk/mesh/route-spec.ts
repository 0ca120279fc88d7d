// What a route matches and where it sends traffic: HTTP, HTTP/2, gRPC and TCP routes with weighted
// targets, retries and timeouts.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Duration } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { HeaderMatch } from './header-match.js';
import type { HttpRouteMethod } from './http-route-method.js';
import { HttpRoutePathMatch } from './http-route-path-match.js';
import {
  MeshValidationError,
  referenceName,
  renderDuration,
  validateMatchListLength,
} from './private/utils.js';
import type { QueryParameterMatch } from './query-parameter-match.js';
import type { GrpcTimeout, HttpTimeout, TcpTimeout } from './shared-interfaces.js';
import type { IVirtualNode } from './virtual-node.js';

/** A target's weight when none is given, as in aws-appmesh. */
export const DEFAULT_TARGET_WEIGHT = 1;

/** Where a route sends a share of its traffic. */
export interface WeightedTarget {
  /** The virtual node that receives it. */
  readonly virtualNode: IVirtualNode;
  /**
   * Relative weight (0–100).
   *
   * @default 1
   */
  readonly weight?: number;
  /**
   * The node listener port to send to.
   *
   * @default - the node's only listener
   */
  readonly port?: number;
}

/** What an HTTP or HTTP/2 route matches; every condition given must hold. */
export interface HttpRouteMatch {
  /**
   * The path.
   *
   * @default - every path (prefix `/`)
   */
  readonly path?: HttpRoutePathMatch;
  /**
   * Headers (1–10).
   *
   * @default - any headers
   */
  readonly headers?: HeaderMatch[];
  /**
   * The method.
   *
   * @default - any method
   */
  readonly method?: HttpRouteMethod;
  /**
   * The scheme (`:scheme` of HTTP/2).
   *
   * @default - any scheme
   */
  readonly protocol?: HttpRouteProtocol;
  /**
   * Query parameters (1–10).
   *
   * @default - any query
   */
  readonly queryParameters?: QueryParameterMatch[];
  /**
   * The router listener port the request arrived on.
   *
   * @default - any port
   */
  readonly port?: number;
}

/** Request schemes a route can match. */
export enum HttpRouteProtocol {
  HTTP = 'http',
  HTTPS = 'https',
}

/** What a gRPC route matches; at least one condition. */
export interface GrpcRouteMatch {
  /**
   * The fully qualified service name (`package.Service`).
   *
   * @default - any service
   */
  readonly serviceName?: string;
  /**
   * Metadata entries (1–10).
   *
   * @default - any metadata
   */
  readonly metadata?: HeaderMatch[];
  /**
   * The method name; needs `serviceName`.
   *
   * @default - any method
   */
  readonly methodName?: string;
  /**
   * The router listener port the call arrived on.
   *
   * @default - any port
   */
  readonly port?: number;
}

/** Options every route has. */
export interface RouteSpecOptionsBase {
  /**
   * Match order among the router's routes: 0 first (0–1000).
   *
   * @default - after every route with a priority
   */
  readonly priority?: number;
}

/** An HTTP or HTTP/2 route. */
export interface HttpRouteSpecOptions extends RouteSpecOptionsBase {
  /**
   * What the route matches.
   *
   * @default - every request (prefix `/`)
   */
  readonly match?: HttpRouteMatch;
  /** Where matching traffic goes (1–10 targets). */
  readonly weightedTargets: WeightedTarget[];
  /**
   * Request and idle timeouts.
   *
   * @default - the target listener's (15 s per request)
   */
  readonly timeout?: HttpTimeout;
  /**
   * Retries.
   *
   * @default - App Mesh's default: 2 retries on 503, connection failure and refused stream
   */
  readonly retryPolicy?: HttpRetryPolicy;
}

/** When and how often an HTTP route retries. */
export interface HttpRetryPolicy {
  /**
   * HTTP events retried.
   *
   * @default - none (give at least one event of some kind)
   */
  readonly httpRetryEvents?: HttpRetryEvent[];
  /** Retries after the first attempt (`maxRetries`). */
  readonly retryAttempts: number;
  /** Time limit of each attempt (`perRetryTimeout`). */
  readonly retryTimeout: Duration;
  /**
   * TCP events retried.
   *
   * @default - none
   */
  readonly tcpRetryEvents?: TcpRetryEvent[];
}

/** HTTP events a route can retry. */
export enum HttpRetryEvent {
  /** 500–508, 510, 511 and a reset connection. */
  SERVER_ERROR = 'server-error',
  /** 502, 503, 504 and a reset connection. */
  GATEWAY_ERROR = 'gateway-error',
  /** 409. */
  CLIENT_ERROR = 'client-error',
  /** A stream the upstream refused. */
  STREAM_ERROR = 'stream-error',
}

/** TCP events a route can retry. */
export enum TcpRetryEvent {
  /** The connection failed. */
  CONNECTION_ERROR = 'connection-error',
}

/** A TCP route. */
export interface TcpRouteSpecOptions extends RouteSpecOptionsBase {
  /** Where connections go (1–10 targets). */
  readonly weightedTargets: WeightedTarget[];
  /**
   * Idle timeout.
   *
   * @default - the target listener's (300 s)
   */
  readonly timeout?: TcpTimeout;
  /**
   * The router listener port the connection arrived on.
   *
   * @default - any port
   */
  readonly port?: number;
}

/** A gRPC route. */
export interface GrpcRouteSpecOptions extends RouteSpecOptionsBase {
  /** What the route matches. */
  readonly match: GrpcRouteMatch;
  /**
   * Request and idle timeouts.
   *
   * @default - the target listener's (15 s per request)
   */
  readonly timeout?: GrpcTimeout;
  /** Where matching calls go (1–10 targets). */
  readonly weightedTargets: WeightedTarget[];
  /**
   * Retries.
   *
   * @default - App Mesh's default: 2 retries on `unavailable`, connection failure and refused stream
   */
  readonly retryPolicy?: GrpcRetryPolicy;
}

/** When and how often a gRPC route retries. */
export interface GrpcRetryPolicy extends HttpRetryPolicy {
  /**
   * gRPC statuses retried.
   *
   * @default - none
   */
  readonly grpcRetryEvents?: GrpcRetryEvent[];
}

/** gRPC statuses a route can retry. */
export enum GrpcRetryEvent {
  CANCELLED = 'cancelled',
  DEADLINE_EXCEEDED = 'deadline-exceeded',
  INTERNAL_ERROR = 'internal',
  RESOURCE_EXHAUSTED = 'resource-exhausted',
  UNAVAILABLE = 'unavailable',
}

/** A route spec in App Mesh's shape (one route member set). */
export interface RouteSpecConfig {
  /** @default - not an HTTP route */
  readonly httpRouteSpec?: appmesh.HttpRoute;
  /** @default - not an HTTP/2 route */
  readonly http2RouteSpec?: appmesh.HttpRoute;
  /** @default - not a gRPC route */
  readonly grpcRouteSpec?: appmesh.GrpcRoute;
  /** @default - not a TCP route */
  readonly tcpRouteSpec?: appmesh.TcpRoute;
  /** @default - no priority */
  readonly priority?: number;
}

/** The protocol-specific part of a route. */
export abstract class RouteSpec {
  /** An HTTP/1.1 route. */
  public static http(options: HttpRouteSpecOptions): RouteSpec {
    return new HttpRouteSpec(options, 'http');
  }

  /** An HTTP/2 route. */
  public static http2(options: HttpRouteSpecOptions): RouteSpec {
    return new HttpRouteSpec(options, 'http2');
  }

  /** A TCP route. */
  public static tcp(options: TcpRouteSpecOptions): RouteSpec {
    return new TcpRouteSpec(options);
  }

  /** A gRPC route. */
  public static grpc(options: GrpcRouteSpecOptions): RouteSpec {
    return new GrpcRouteSpec(options);
  }

  /** The App Mesh shape; `scope` (the route) is ordered after the nodes it targets. */
  public abstract bind(scope: Construct): RouteSpecConfig;
}

class HttpRouteSpec extends RouteSpec {
  constructor(
    private readonly options: HttpRouteSpecOptions,
    private readonly protocol: 'http' | 'http2',
  ) {
    super();
    if (options.retryPolicy) requireRetryEvents(options.retryPolicy, ['httpRetryEvents', 'tcpRetryEvents']);
  }

  public bind(scope: Construct): RouteSpecConfig {
    const { match, retryPolicy } = this.options;
    validateMatchListLength(scope, 'headers', match?.headers);
    validateMatchListLength(scope, 'query parameters', match?.queryParameters);
    const path = (match?.path ?? HttpRoutePathMatch.startsWith('/')).bind(scope);
    const route: appmesh.HttpRoute = {
      match: {
        prefix: path.prefixPathMatch,
        path: path.wholePathMatch,
        headers: match?.headers?.map((header) => header.bind(scope).headerMatch),
        method: match?.method,
        scheme: match?.protocol,
        queryParameters: match?.queryParameters?.map((query) => query.bind(scope).queryParameterMatch),
        port: match?.port,
      },
      action: { weightedTargets: renderWeightedTargets(scope, this.options.weightedTargets) },
      retryPolicy: retryPolicy ? renderRetryPolicy(retryPolicy) : undefined,
      timeout: renderTimeout(this.options.timeout),
    };
    return {
      priority: this.options.priority,
      ...(this.protocol === 'http' ? { httpRouteSpec: route } : { http2RouteSpec: route }),
    };
  }
}

class TcpRouteSpec extends RouteSpec {
  constructor(private readonly options: TcpRouteSpecOptions) {
    super();
  }

  public bind(scope: Construct): RouteSpecConfig {
    return {
      priority: this.options.priority,
      tcpRouteSpec: {
        match: this.options.port !== undefined ? { port: this.options.port } : undefined,
        action: { weightedTargets: renderWeightedTargets(scope, this.options.weightedTargets) },
        timeout: this.options.timeout ? { idle: renderDuration(this.options.timeout.idle) } : undefined,
      },
    };
  }
}

class GrpcRouteSpec extends RouteSpec {
  constructor(private readonly options: GrpcRouteSpecOptions) {
    super();
    if (options.retryPolicy) {
      requireRetryEvents(options.retryPolicy, ['grpcRetryEvents', 'httpRetryEvents', 'tcpRetryEvents']);
    }
  }

  public bind(scope: Construct): RouteSpecConfig {
    const { match, retryPolicy } = this.options;
    if (
      match.serviceName === undefined &&
      match.methodName === undefined &&
      match.metadata === undefined &&
      match.port === undefined
    ) {
      throw new MeshValidationError('a gRPC route must match on at least one of its match properties', scope);
    }
    if (match.methodName !== undefined && match.serviceName === undefined) {
      throw new MeshValidationError(
        'a gRPC route that matches a method name must also match a service name',
        scope,
      );
    }
    validateMatchListLength(scope, 'metadata', match.metadata);
    return {
      priority: this.options.priority,
      grpcRouteSpec: {
        match: {
          serviceName: match.serviceName,
          methodName: match.methodName,
          metadata: match.metadata?.map((entry) => entry.bind(scope).headerMatch),
          port: match.port,
        },
        action: { weightedTargets: renderWeightedTargets(scope, this.options.weightedTargets) },
        retryPolicy: retryPolicy
          ? { ...renderRetryPolicy(retryPolicy), grpcRetryEvents: nonEmpty(retryPolicy.grpcRetryEvents) }
          : undefined,
        timeout: renderTimeout(this.options.timeout),
      },
    };
  }
}

function renderWeightedTargets(
  scope: Construct,
  targets: readonly WeightedTarget[],
): appmesh.WeightedTarget[] {
  return targets.map((target) => ({
    // The route is created after each target node and deleted before it: the control plane refuses a
    // route whose target does not exist, and a node still targeted by a route.
    virtualNode: referenceName(target.virtualNode, target.virtualNode.virtualNodeName, scope),
    weight: target.weight ?? DEFAULT_TARGET_WEIGHT,
    port: target.port,
  }));
}

function renderTimeout(timeout: HttpTimeout | undefined): appmesh.HttpTimeout | undefined {
  if (timeout === undefined) return undefined;
  return { idle: renderDuration(timeout.idle), perRequest: renderDuration(timeout.perRequest) };
}

function renderRetryPolicy(policy: HttpRetryPolicy): appmesh.HttpRetryPolicy {
  return {
    maxRetries: policy.retryAttempts,
    perRetryTimeout: renderDuration(policy.retryTimeout),
    httpRetryEvents: nonEmpty(policy.httpRetryEvents),
    tcpRetryEvents: nonEmpty(policy.tcpRetryEvents),
  };
}

function requireRetryEvents(policy: GrpcRetryPolicy, fields: readonly (keyof GrpcRetryPolicy)[]): void {
  const count = fields.reduce(
    (sum, field) => sum + ((policy[field] as unknown[] | undefined)?.length ?? 0),
    0,
  );
  if (count === 0) {
    throw new MeshValidationError(`a retry policy must name at least one event in ${fields.join(', ')}`);
  }
}

function nonEmpty<T>(items: readonly T[] | undefined): T[] | undefined {
  return items && items.length > 0 ? [...items] : undefined;
}
