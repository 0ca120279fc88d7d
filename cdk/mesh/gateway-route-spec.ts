// What a gateway route matches, the virtual service it sends traffic to, and what it rewrites on the way.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import type { Construct } from 'constructs';
import type { HeaderMatch } from './header-match.js';
import type { HttpRouteMethod } from './http-route-method.js';
import { HttpGatewayRoutePathMatch } from './http-route-path-match.js';
import { MeshValidationError, referenceName, validateMatchListLength } from './private/utils.js';
import type { QueryParameterMatch } from './query-parameter-match.js';
import type { IVirtualService } from './virtual-service.js';

/** A host name match in App Mesh's shape. */
export interface GatewayRouteHostnameMatchConfig {
  /** `match.hostname`. */
  readonly hostnameMatch: appmesh.GatewayRouteHostnameMatch;
}

/** How a gateway route matches the request's host name. */
export abstract class GatewayRouteHostnameMatch {
  /** The host name equals `name`. */
  public static exactly(name: string): GatewayRouteHostnameMatch {
    return GatewayRouteHostnameMatch.of({ exact: name });
  }

  /** The host name ends with `suffix`. */
  public static endsWith(suffix: string): GatewayRouteHostnameMatch {
    return GatewayRouteHostnameMatch.of({ suffix });
  }

  private static of(hostnameMatch: appmesh.GatewayRouteHostnameMatch): GatewayRouteHostnameMatch {
    return new (class extends GatewayRouteHostnameMatch {
      public bind(_scope: Construct): GatewayRouteHostnameMatchConfig {
        return { hostnameMatch };
      }
    })();
  }

  /** The App Mesh shape. */
  public abstract bind(scope: Construct): GatewayRouteHostnameMatchConfig;
}

/** What an HTTP or HTTP/2 gateway route matches; every condition given must hold. */
export interface HttpGatewayRouteMatch {
  /**
   * The path, and how it is rewritten.
   *
   * @default - every path; the matched prefix `/` is rewritten to `/`
   */
  readonly path?: HttpGatewayRoutePathMatch;
  /**
   * Headers (1–10).
   *
   * @default - any headers
   */
  readonly headers?: HeaderMatch[];
  /**
   * The host name.
   *
   * @default - any host
   */
  readonly hostname?: GatewayRouteHostnameMatch;
  /**
   * The method.
   *
   * @default - any method
   */
  readonly method?: HttpRouteMethod;
  /**
   * Query parameters (1–10).
   *
   * @default - any query
   */
  readonly queryParameters?: QueryParameterMatch[];
  /**
   * Whether the host is rewritten to the target virtual service's name (`false` keeps it).
   *
   * @default true
   */
  readonly rewriteRequestHostname?: boolean;
  /**
   * The gateway listener port the request arrived on.
   *
   * @default - any port
   */
  readonly port?: number;
}

/** What a gRPC gateway route matches; at least one of service name, host name or metadata. */
export interface GrpcGatewayRouteMatch {
  /**
   * The fully qualified service name.
   *
   * @default - any service
   */
  readonly serviceName?: string;
  /**
   * The host name.
   *
   * @default - any host
   */
  readonly hostname?: GatewayRouteHostnameMatch;
  /**
   * Metadata entries (1–10).
   *
   * @default - any metadata
   */
  readonly metadata?: HeaderMatch[];
  /**
   * Whether the host is rewritten to the target virtual service's name.
   *
   * @default true
   */
  readonly rewriteRequestHostname?: boolean;
  /**
   * The gateway listener port the call arrived on.
   *
   * @default - any port
   */
  readonly port?: number;
}

/** Options every gateway route has. */
export interface CommonGatewayRouteSpecOptions {
  /**
   * Match order among the gateway's routes: 0 first (0–1000).
   *
   * @default - after every gateway route with a priority
   */
  readonly priority?: number;
}

/** An HTTP or HTTP/2 gateway route. */
export interface HttpGatewayRouteSpecOptions extends CommonGatewayRouteSpecOptions {
  /**
   * What the gateway route matches.
   *
   * @default - every request; the path is rewritten to `/`
   */
  readonly match?: HttpGatewayRouteMatch;
  /** The virtual service that receives matching requests. */
  readonly routeTarget: IVirtualService;
  /**
   * The target service port.
   *
   * @default - the service's only port
   */
  readonly routeTargetPort?: number;
}

/** A gRPC gateway route. */
export interface GrpcGatewayRouteSpecOptions extends CommonGatewayRouteSpecOptions {
  /** What the gateway route matches. */
  readonly match: GrpcGatewayRouteMatch;
  /** The virtual service that receives matching calls. */
  readonly routeTarget: IVirtualService;
  /**
   * The target service port.
   *
   * @default - the service's only port
   */
  readonly routeTargetPort?: number;
}

/** A gateway route spec in App Mesh's shape (one route member set). */
export interface GatewayRouteSpecConfig {
  /** @default - not an HTTP gateway route */
  readonly httpSpecConfig?: appmesh.HttpGatewayRoute;
  /** @default - not an HTTP/2 gateway route */
  readonly http2SpecConfig?: appmesh.HttpGatewayRoute;
  /** @default - not a gRPC gateway route */
  readonly grpcSpecConfig?: appmesh.GrpcGatewayRoute;
  /** @default - no priority */
  readonly priority?: number;
  /**
   * The virtual service targeted (the gateway route's metrics carry its name).
   *
   * @default - none
   */
  readonly routeTarget?: IVirtualService;
}

/** The protocol-specific part of a gateway route. */
export abstract class GatewayRouteSpec {
  /** An HTTP/1.1 gateway route. */
  public static http(options: HttpGatewayRouteSpecOptions): GatewayRouteSpec {
    return new HttpGatewayRouteSpec(options, 'http');
  }

  /** An HTTP/2 gateway route. */
  public static http2(options: HttpGatewayRouteSpecOptions): GatewayRouteSpec {
    return new HttpGatewayRouteSpec(options, 'http2');
  }

  /** A gRPC gateway route. */
  public static grpc(options: GrpcGatewayRouteSpecOptions): GatewayRouteSpec {
    return new GrpcGatewayRouteSpec(options);
  }

  /** The App Mesh shape; `scope` (the gateway route) is ordered after its target service. */
  public abstract bind(scope: Construct): GatewayRouteSpecConfig;
}

class HttpGatewayRouteSpec extends GatewayRouteSpec {
  constructor(
    private readonly options: HttpGatewayRouteSpecOptions,
    private readonly protocol: 'http' | 'http2',
  ) {
    super();
  }

  public bind(scope: Construct): GatewayRouteSpecConfig {
    const match = this.options.match;
    validateMatchListLength(scope, 'headers', match?.headers);
    validateMatchListLength(scope, 'query parameters', match?.queryParameters);
    const path = (match?.path ?? HttpGatewayRoutePathMatch.startsWith('/')).bind(scope);
    const hostname = renderHostnameRewrite(match?.rewriteRequestHostname);
    const rewritten = hostname !== undefined || path.prefixPathRewrite || path.wholePathRewrite;
    const route: appmesh.HttpGatewayRoute = {
      match: {
        prefix: path.prefixPathMatch,
        path: path.wholePathMatch,
        hostname: match?.hostname?.bind(scope).hostnameMatch,
        method: match?.method,
        headers: match?.headers?.map((header) => header.bind(scope).headerMatch),
        queryParameters: match?.queryParameters?.map((query) => query.bind(scope).queryParameterMatch),
        port: match?.port,
      },
      action: {
        target: renderTarget(scope, this.options.routeTarget, this.options.routeTargetPort),
        rewrite: rewritten
          ? { hostname, prefix: path.prefixPathRewrite, path: path.wholePathRewrite }
          : undefined,
      },
    };
    return {
      priority: this.options.priority,
      routeTarget: this.options.routeTarget,
      ...(this.protocol === 'http' ? { httpSpecConfig: route } : { http2SpecConfig: route }),
    };
  }
}

class GrpcGatewayRouteSpec extends GatewayRouteSpec {
  constructor(private readonly options: GrpcGatewayRouteSpecOptions) {
    super();
  }

  public bind(scope: Construct): GatewayRouteSpecConfig {
    const match = this.options.match;
    if (match.serviceName === undefined && match.hostname === undefined && match.metadata === undefined) {
      throw new MeshValidationError(
        'a gRPC gateway route must match on at least one of serviceName, hostname and metadata',
        scope,
      );
    }
    validateMatchListLength(scope, 'metadata', match.metadata);
    const hostname = renderHostnameRewrite(match.rewriteRequestHostname);
    return {
      priority: this.options.priority,
      routeTarget: this.options.routeTarget,
      grpcSpecConfig: {
        match: {
          serviceName: match.serviceName,
          hostname: match.hostname?.bind(scope).hostnameMatch,
          metadata: match.metadata?.map((entry) => entry.bind(scope).headerMatch),
          port: match.port,
        },
        action: {
          target: renderTarget(scope, this.options.routeTarget, this.options.routeTargetPort),
          rewrite: hostname ? { hostname } : undefined,
        },
      },
    };
  }
}

function renderTarget(
  scope: Construct,
  service: IVirtualService,
  port: number | undefined,
): appmesh.GatewayRouteTarget {
  // The control plane refuses a gateway route whose target service does not exist: order it after it.
  const virtualServiceName = referenceName(service, service.virtualServiceName, scope);
  return { virtualService: { virtualServiceName }, port };
}

function renderHostnameRewrite(
  rewrite: boolean | undefined,
): appmesh.GatewayRouteHostnameRewrite | undefined {
  return rewrite === undefined ? undefined : { defaultTargetHostname: rewrite ? 'ENABLED' : 'DISABLED' };
}
