// A gateway route of a virtual gateway: what it matches and which virtual service gets the request, plus
// the per-route metrics the gateway's proxies publish.

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
import type { GatewayRouteSpec } from './gateway-route-spec.js';
import { type HttpCodeClass, httpCodeMetricName, routeMetric } from './private/metrics.js';
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
} from './private/utils.js';
import { type IVirtualGateway, VirtualGateway } from './virtual-gateway.js';
import type { IVirtualService } from './virtual-service.js';

/** A gateway route, declared here or imported. */
export interface IGatewayRoute extends IResource {
  /**
   * The gateway route's name.
   *
   * @attribute
   */
  readonly gatewayRouteName: string;
  /**
   * The gateway route's ARN.
   *
   * @attribute
   */
  readonly gatewayRouteArn: string;
  /** The gateway the route belongs to. */
  readonly virtualGateway: IVirtualGateway;
}

/** Properties of a new gateway route, without its gateway. */
export interface GatewayRouteBaseProps {
  /**
   * The gateway route's name. Changing it replaces the gateway route.
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly gatewayRouteName?: string;
  /** What the gateway route matches and where it sends traffic. */
  readonly routeSpec: GatewayRouteSpec;
}

/** Properties of a new gateway route. */
export interface GatewayRouteProps extends GatewayRouteBaseProps {
  /** The gateway the route belongs to. */
  readonly virtualGateway: IVirtualGateway;
}

/** How to import a gateway route. */
export interface GatewayRouteAttributes {
  /** The gateway route's name. */
  readonly gatewayRouteName: string;
  /** The gateway the route belongs to. */
  readonly virtualGateway: IVirtualGateway;
}

/**
 * A new gateway route.
 *
 * @see https://docs.aws.amazon.com/app-mesh/latest/userguide/gateway-routes.html
 */
export class GatewayRoute extends Resource implements IGatewayRoute {
  /** Imports a gateway route by ARN (`…:mesh/MESH/virtualGateway/GATEWAY/gatewayRoute/NAME`). */
  public static fromGatewayRouteArn(scope: Construct, id: string, gatewayRouteArn: string): IGatewayRoute {
    const [meshName, gatewayName, name] = arnNames(scope, gatewayRouteArn, 3) as [string, string, string];
    return new ImportedGatewayRoute(scope, id, name, gatewayRouteArn, (self) =>
      VirtualGateway.fromVirtualGatewayArn(
        self,
        'VirtualGateway',
        Token.isUnresolved(gatewayRouteArn)
          ? appMeshArn(scope, `${meshName}/virtualGateway`, gatewayName)
          : gatewayRouteArn.slice(0, gatewayRouteArn.lastIndexOf('/gatewayRoute/')),
      ),
    );
  }

  /** Imports a gateway route by name and gateway. */
  public static fromGatewayRouteAttributes(
    scope: Construct,
    id: string,
    attrs: GatewayRouteAttributes,
  ): IGatewayRoute {
    const gateway = attrs.virtualGateway;
    const arn = appMeshArn(
      scope,
      `${gateway.mesh.meshName}/virtualGateway/${gateway.virtualGatewayName}/gatewayRoute`,
      attrs.gatewayRouteName,
    );
    return new ImportedGatewayRoute(scope, id, attrs.gatewayRouteName, arn, () => gateway);
  }

  public readonly gatewayRouteName: string;
  public readonly gatewayRouteArn: string;
  public readonly virtualGateway: IVirtualGateway;
  /** Tags of the gateway route. */
  public readonly tags: TagManager;
  private readonly resource: CustomResource;
  private readonly routeTarget: IVirtualService | undefined;

  constructor(scope: Construct, id: string, props: GatewayRouteProps) {
    super(scope, id, {
      physicalName: props.gatewayRouteName ?? Lazy.string({ produce: () => generatedName(this) }),
    });
    this.virtualGateway = props.virtualGateway;
    const mesh = this.virtualGateway.mesh;
    this.tags = new TagManager(TagType.MAP, MESH_RESOURCE_TYPE);
    // Bound now: it orders this gateway route after its target service.
    const spec = props.routeSpec.bind(this);
    this.routeTarget = spec.routeTarget;
    const name = props.gatewayRouteName ?? generatedName(this);
    this.resource = createMeshResource(this, {
      kind: 'gatewayRoute',
      controlPlane: controlPlaneOf(mesh, this),
      meshName: mesh.meshName,
      parentName: this.virtualGateway.virtualGatewayName,
      name,
      tags: this.tags,
      spec: () => ({
        priority: spec.priority,
        httpRoute: spec.httpSpecConfig,
        http2Route: spec.http2SpecConfig,
        grpcRoute: spec.grpcSpecConfig,
      }),
    });
    registerDeclared(this, name, this.resource);
    this.gatewayRouteName = this.getResourceNameAttribute(this.resource.getAttString('Name'));
    const meshName = referenceName(mesh, mesh.meshName);
    const gatewayName = referenceName(this.virtualGateway, this.virtualGateway.virtualGatewayName);
    this.gatewayRouteArn = this.getResourceArnAttribute(this.resource.getAttString('Arn'), {
      service: 'appmesh',
      resource: `mesh/${meshName}/virtualGateway/${gatewayName}/gatewayRoute`,
      resourceName: this.physicalName,
    });
  }

  /**
   * A metric of this gateway route as the gateway's proxies publish it
   * ([Mesh, VirtualGateway, TargetVirtualService, Route = the gateway route's name]).
   */
  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const gateway = this.virtualGateway;
    const service = this.routeTarget;
    if (service === undefined) {
      throw new MeshValidationError('this gateway route spec does not name its target service', this);
    }
    const publisher = {
      mesh: referenceName(gateway.mesh, gateway.mesh.meshName),
      virtualGateway: referenceName(gateway, gateway.virtualGatewayName),
    };
    const target = {
      targetVirtualService: referenceName(service, service.virtualServiceName),
      route: referenceName(this, this.gatewayRouteName),
    };
    return routeMetric(publisher, target, metricName, props);
  }

  /** Requests through the gateway route (`RequestCountPerTarget`). */
  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(PROXY_METRIC.requestCountPerTarget, props);
  }

  /** Response time through the gateway route (`TargetResponseTime`, p99 unless `statistic` says otherwise). */
  public metricTargetResponseTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(PROXY_METRIC.targetResponseTime, props);
  }

  /** Responses in a status class (`HTTPCode_Target_5XX_Count`…). */
  public metricHttpCodeTarget(code: HttpCodeClass, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(httpCodeMetricName(code), props);
  }

  /** Applies to the custom resource. */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }
}

class ImportedGatewayRoute extends Resource implements IGatewayRoute {
  public readonly virtualGateway: IVirtualGateway;

  constructor(
    scope: Construct,
    id: string,
    public readonly gatewayRouteName: string,
    public readonly gatewayRouteArn: string,
    gateway: (self: Construct) => IVirtualGateway,
  ) {
    super(scope, id);
    this.virtualGateway = gateway(this);
  }
}
