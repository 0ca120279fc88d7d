// A route of a virtual router: what it matches and how it splits traffic over virtual nodes, plus the
// per-route metrics the calling proxies publish (App Mesh had none).

import {
  type CustomResource,
  type IResource,
  Lazy,
  type RemovalPolicy,
  Resource,
  TagManager,
  TagType,
  Token,
} from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { PROXY_METRIC } from '../metrics/proxy-metrics.js';
import type { IMesh } from './mesh.js';
import { type HttpCodeClass, httpCodeMetricName, metricOptions, routeMetric } from './private/metrics.js';
import {
  appMeshArn,
  arnNames,
  controlPlaneOf,
  createMeshResource,
  generatedName,
  MESH_RESOURCE_TYPE,
  MeshValidationError,
  referenceName,
  registerDeclared,
  servicesProvidedBy,
} from './private/utils.js';
import type { RouteSpec } from './route-spec.js';
import type { IVirtualNode } from './virtual-node.js';
import { type IVirtualRouter, VirtualRouter } from './virtual-router.js';
import type { IVirtualService } from './virtual-service.js';

/**
 * Whose view of a route a metric reads. Per-route metrics are recorded by the CALLING proxy (it is the
 * one that matches routes), so they carry the caller's `VirtualNode` plus `TargetVirtualService` and
 * `Route`; the route alone does not say who calls it.
 */
export interface RouteMetricOptions extends cloudwatch.MetricOptions {
  /** The virtual node whose proxy called through the route. */
  readonly client: IVirtualNode;
  /**
   * The virtual service the caller addressed.
   *
   * @default - the one virtual service declared in this app that the route's router provides
   */
  readonly virtualService?: IVirtualService;
}

/** A route, declared here or imported. */
export interface IRoute extends IResource {
  /**
   * The route's name.
   *
   * @attribute
   */
  readonly routeName: string;
  /**
   * The route's ARN.
   *
   * @attribute
   */
  readonly routeArn: string;
  /** The router the route belongs to. */
  readonly virtualRouter: IVirtualRouter;

  /** A metric of the route as `options.client`'s proxies saw it ([Mesh, VirtualNode, TargetVirtualService, Route]). */
  metric(metricName: string, options: RouteMetricOptions): cloudwatch.Metric;
  /** Requests through the route (`RequestCountPerTarget`, summed over targets). */
  metricRequestCount(options: RouteMetricOptions): cloudwatch.Metric;
  /** Response time through the route (`TargetResponseTime`, p99 unless `statistic` says otherwise). */
  metricTargetResponseTime(options: RouteMetricOptions): cloudwatch.Metric;
  /** Responses in a status class (`HTTPCode_Target_5XX_Count`…). */
  metricHttpCodeTarget(code: HttpCodeClass, options: RouteMetricOptions): cloudwatch.Metric;
  /** Retries the route's policy made (`RetryCount`). */
  metricRetryCount(options: RouteMetricOptions): cloudwatch.Metric;
  /** Requests that timed out (`TimeoutCount`). */
  metricTimeoutCount(options: RouteMetricOptions): cloudwatch.Metric;
}

/** Properties of a new route, without its router. */
export interface RouteBaseProps {
  /**
   * The route's name. Changing it replaces the route.
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly routeName?: string;
  /** What the route matches and where it sends traffic. */
  readonly routeSpec: RouteSpec;
}

/** Properties of a new route. */
export interface RouteProps extends RouteBaseProps {
  /** The mesh of the router. */
  readonly mesh: IMesh;
  /** The router the route belongs to. */
  readonly virtualRouter: IVirtualRouter;
}

/** How to import a route. */
export interface RouteAttributes {
  /** The route's name. */
  readonly routeName: string;
  /** The router the route belongs to. */
  readonly virtualRouter: IVirtualRouter;
}

const ROUTE_METRIC_OPTIONS = ['client', 'virtualService'] as const;

abstract class RouteBase extends Resource implements IRoute {
  public abstract readonly routeName: string;
  public abstract readonly routeArn: string;
  public abstract readonly virtualRouter: IVirtualRouter;

  public metric(metricName: string, options: RouteMetricOptions): cloudwatch.Metric {
    const client = options.client;
    const service = options.virtualService ?? this.onlyService();
    const publisher = {
      mesh: referenceName(client.mesh, client.mesh.meshName),
      virtualNode: referenceName(client, client.virtualNodeName),
    };
    const target = {
      targetVirtualService: referenceName(service, service.virtualServiceName),
      route: referenceName(this, this.routeName),
    };
    return routeMetric(publisher, target, metricName, metricOptions(options, ROUTE_METRIC_OPTIONS));
  }

  public metricRequestCount(options: RouteMetricOptions): cloudwatch.Metric {
    return this.metric(PROXY_METRIC.requestCountPerTarget, options);
  }

  public metricTargetResponseTime(options: RouteMetricOptions): cloudwatch.Metric {
    return this.metric(PROXY_METRIC.targetResponseTime, options);
  }

  public metricHttpCodeTarget(code: HttpCodeClass, options: RouteMetricOptions): cloudwatch.Metric {
    return this.metric(httpCodeMetricName(code), options);
  }

  public metricRetryCount(options: RouteMetricOptions): cloudwatch.Metric {
    return this.metric(PROXY_METRIC.retryCount, options);
  }

  public metricTimeoutCount(options: RouteMetricOptions): cloudwatch.Metric {
    return this.metric(PROXY_METRIC.timeoutCount, options);
  }

  private onlyService(): IVirtualService {
    const services = servicesProvidedBy(this.virtualRouter);
    if (services.length !== 1) {
      throw new MeshValidationError(
        `route metrics need options.virtualService: the router provides ${services.length} virtual services declared in this app`,
        this,
      );
    }
    return services[0] as IVirtualService;
  }
}

/**
 * A new route of a virtual router.
 *
 * @see https://docs.aws.amazon.com/app-mesh/latest/userguide/routes.html
 */
export class Route extends RouteBase {
  /** Imports a route by ARN (`…:mesh/MESH/virtualRouter/ROUTER/route/NAME`). */
  public static fromRouteArn(scope: Construct, id: string, routeArn: string): IRoute {
    const [meshName, routerName, routeName] = arnNames(scope, routeArn, 3) as [string, string, string];
    return new ImportedRoute(scope, id, routeName, routeArn, (self) =>
      VirtualRouter.fromVirtualRouterArn(
        self,
        'VirtualRouter',
        // A literal ARN keeps its partition, region and account; a token one is rebuilt in this stack's.
        Token.isUnresolved(routeArn)
          ? appMeshArn(scope, `${meshName}/virtualRouter`, routerName)
          : routeArn.slice(0, routeArn.lastIndexOf('/route/')),
      ),
    );
  }

  /** Imports a route by name and router. */
  public static fromRouteAttributes(scope: Construct, id: string, attrs: RouteAttributes): IRoute {
    const router = attrs.virtualRouter;
    const arn = appMeshArn(
      scope,
      `${router.mesh.meshName}/virtualRouter/${router.virtualRouterName}/route`,
      attrs.routeName,
    );
    return new ImportedRoute(scope, id, attrs.routeName, arn, () => router);
  }

  public readonly routeName: string;
  public readonly routeArn: string;
  public readonly virtualRouter: IVirtualRouter;
  /** Tags of the route. */
  public readonly tags: TagManager;
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: RouteProps) {
    super(scope, id, {
      physicalName: props.routeName ?? Lazy.string({ produce: () => generatedName(this) }),
    });
    this.virtualRouter = props.virtualRouter;
    this.tags = new TagManager(TagType.MAP, MESH_RESOURCE_TYPE);
    // Bound now: it orders this route after the nodes it targets.
    const spec = props.routeSpec.bind(this);
    const name = props.routeName ?? generatedName(this);
    this.resource = createMeshResource(this, {
      kind: 'route',
      controlPlane: controlPlaneOf(props.mesh, this),
      meshName: props.mesh.meshName,
      parentName: this.virtualRouter.virtualRouterName,
      name,
      tags: this.tags,
      spec: () => ({
        priority: spec.priority,
        httpRoute: spec.httpRouteSpec,
        http2Route: spec.http2RouteSpec,
        grpcRoute: spec.grpcRouteSpec,
        tcpRoute: spec.tcpRouteSpec,
      }),
    });
    registerDeclared(this, name, this.resource);
    this.routeName = this.getResourceNameAttribute(this.resource.getAttString('Name'));
    const meshName = referenceName(props.mesh, props.mesh.meshName);
    const routerName = referenceName(this.virtualRouter, this.virtualRouter.virtualRouterName);
    this.routeArn = this.getResourceArnAttribute(this.resource.getAttString('Arn'), {
      service: 'appmesh',
      resource: `mesh/${meshName}/virtualRouter/${routerName}/route`,
      resourceName: this.physicalName,
    });
  }

  /** Applies to the custom resource. */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }
}

class ImportedRoute extends RouteBase {
  public readonly virtualRouter: IVirtualRouter;

  constructor(
    scope: Construct,
    id: string,
    public readonly routeName: string,
    public readonly routeArn: string,
    router: (self: Construct) => IVirtualRouter,
  ) {
    super(scope, id);
    this.virtualRouter = router(this);
  }
}
