// A virtual gateway: where traffic from outside the mesh enters it, through gateway routes to virtual
// services, and the metrics its proxies publish.

import type * as appmesh from '@aws-sdk/client-app-mesh';
import {
  type CustomResource,
  type IResource,
  Lazy,
  type RemovalPolicy,
  Resource,
  TagManager,
  TagType,
} from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { PROXY_METRIC } from '../metrics/proxy-metrics.js';
import { GatewayRoute, type GatewayRouteBaseProps } from './gateway-route.js';
import { type IMesh, Mesh } from './mesh.js';
import { publisherMetric } from './private/metrics.js';
import {
  appMeshArn,
  arnNames,
  controlPlaneOf,
  createMeshResource,
  generatedName,
  grantProxy,
  MESH_RESOURCE_TYPE,
  referenceName,
  registerDeclared,
  renderTlsClientPolicy,
} from './private/utils.js';
import type { AccessLog, BackendDefaults } from './shared-interfaces.js';
import { VirtualGatewayListener } from './virtual-gateway-listener.js';

/** A virtual gateway, declared here or imported. */
export interface IVirtualGateway extends IResource {
  /**
   * The gateway's name.
   *
   * @attribute
   */
  readonly virtualGatewayName: string;
  /**
   * The gateway's ARN: the gateway proxy's `APPMESH_RESOURCE_ARN`.
   *
   * @attribute
   */
  readonly virtualGatewayArn: string;
  /** The mesh the gateway is in. */
  readonly mesh: IMesh;

  /** Adds a gateway route to the gateway. */
  addGatewayRoute(id: string, route: GatewayRouteBaseProps): GatewayRoute;
  /**
   * Grants what this gateway's proxy needs from the control plane (snapshots, endpoints, its own
   * registration) — Tessera's counterpart of App Mesh's `appmesh:StreamAggregatedResources`, scoped to
   * the mesh. Needs a control plane with `grantProxy` (`MeshControlPlane` has it).
   */
  grantStreamAggregatedResources(identity: iam.IGrantable): iam.Grant;
  /** A metric of the gateway's proxies with dimensions [Mesh, VirtualGateway]. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests the gateway received (`RequestCount`, summed). */
  metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Connections open at the gateway's proxies (`ActiveConnectionCount`). */
  metricActiveConnectionCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Age of the configuration the gateway's proxies run (`SnapshotAgeSeconds`). */
  metricSnapshotAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Properties of a new virtual gateway, without its mesh. */
export interface VirtualGatewayBaseProps {
  /**
   * The gateway's name. Changing it replaces the gateway and its gateway routes.
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly virtualGatewayName?: string;
  /**
   * The ports traffic enters on.
   *
   * @default - HTTP on port 8080
   */
  readonly listeners?: VirtualGatewayListener[];
  /**
   * The proxy's access log.
   *
   * @default - none
   */
  readonly accessLog?: AccessLog;
  /**
   * TLS toward every backend.
   *
   * @default - none
   */
  readonly backendDefaults?: BackendDefaults;
}

/** Properties of a new virtual gateway. */
export interface VirtualGatewayProps extends VirtualGatewayBaseProps {
  /** The mesh the gateway is in. */
  readonly mesh: IMesh;
}

/** How to import a virtual gateway. */
export interface VirtualGatewayAttributes {
  /** The gateway's name. */
  readonly virtualGatewayName: string;
  /** The mesh the gateway is in. */
  readonly mesh: IMesh;
}

abstract class VirtualGatewayBase extends Resource implements IVirtualGateway {
  public abstract readonly virtualGatewayName: string;
  public abstract readonly virtualGatewayArn: string;
  public abstract readonly mesh: IMesh;

  public addGatewayRoute(id: string, props: GatewayRouteBaseProps): GatewayRoute {
    return new GatewayRoute(this, id, { ...props, virtualGateway: this });
  }

  public grantStreamAggregatedResources(identity: iam.IGrantable): iam.Grant {
    return grantProxy(this.mesh, this, identity);
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    const publisher = {
      mesh: referenceName(this.mesh, this.mesh.meshName),
      virtualGateway: referenceName(this, this.virtualGatewayName),
    };
    return publisherMetric(publisher, metricName, props);
  }

  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(PROXY_METRIC.requestCount, props);
  }

  public metricActiveConnectionCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(PROXY_METRIC.activeConnectionCount, props);
  }

  public metricSnapshotAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(PROXY_METRIC.snapshotAgeSeconds, props);
  }
}

/**
 * A new virtual gateway: lets resources outside the mesh reach services inside it.
 *
 * @see https://docs.aws.amazon.com/app-mesh/latest/userguide/virtual_gateways.html
 */
export class VirtualGateway extends VirtualGatewayBase {
  /** Imports a gateway by ARN (`…:mesh/MESH/virtualGateway/NAME`). */
  public static fromVirtualGatewayArn(
    scope: Construct,
    id: string,
    virtualGatewayArn: string,
  ): IVirtualGateway {
    const [meshName, virtualGatewayName] = arnNames(scope, virtualGatewayArn, 2) as [string, string];
    return new ImportedVirtualGateway(scope, id, virtualGatewayName, virtualGatewayArn, (self) =>
      Mesh.fromMeshName(self, 'Mesh', meshName),
    );
  }

  /** Imports a gateway by name and mesh. */
  public static fromVirtualGatewayAttributes(
    scope: Construct,
    id: string,
    attrs: VirtualGatewayAttributes,
  ): IVirtualGateway {
    const arn = appMeshArn(scope, `${attrs.mesh.meshName}/virtualGateway`, attrs.virtualGatewayName);
    return new ImportedVirtualGateway(scope, id, attrs.virtualGatewayName, arn, () => attrs.mesh);
  }

  public readonly virtualGatewayName: string;
  public readonly virtualGatewayArn: string;
  public readonly mesh: IMesh;
  /** Tags of the gateway. */
  public readonly tags: TagManager;
  protected readonly listeners: appmesh.VirtualGatewayListener[] = [];
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: VirtualGatewayProps) {
    super(scope, id, {
      physicalName: props.virtualGatewayName ?? Lazy.string({ produce: () => generatedName(this) }),
    });
    this.mesh = props.mesh;
    this.tags = new TagManager(TagType.MAP, MESH_RESOURCE_TYPE);
    for (const listener of props.listeners ?? [VirtualGatewayListener.http()]) {
      this.listeners.push(listener.bind(this).listener);
    }
    const accessLog = props.accessLog?.bind(this).virtualGatewayAccessLog;
    const name = props.virtualGatewayName ?? generatedName(this);
    this.resource = createMeshResource(this, {
      kind: 'virtualGateway',
      controlPlane: controlPlaneOf(this.mesh, this),
      meshName: this.mesh.meshName,
      name,
      tags: this.tags,
      spec: () => ({
        listeners: this.listeners,
        backendDefaults: props.backendDefaults
          ? { clientPolicy: { tls: renderTlsClientPolicy(this, props.backendDefaults.tlsClientPolicy) } }
          : undefined,
        logging: accessLog ? { accessLog } : undefined,
      }),
    });
    registerDeclared(this, name, this.resource);
    this.virtualGatewayName = this.getResourceNameAttribute(this.resource.getAttString('Name'));
    this.virtualGatewayArn = this.getResourceArnAttribute(this.resource.getAttString('Arn'), {
      service: 'appmesh',
      resource: `mesh/${referenceName(this.mesh, this.mesh.meshName)}/virtualGateway`,
      resourceName: this.physicalName,
    });
  }

  /** Applies to the custom resource. */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }
}

class ImportedVirtualGateway extends VirtualGatewayBase {
  public readonly mesh: IMesh;

  constructor(
    scope: Construct,
    id: string,
    public readonly virtualGatewayName: string,
    public readonly virtualGatewayArn: string,
    mesh: (self: Construct) => IMesh,
  ) {
    super(scope, id);
    this.mesh = mesh(this);
  }
}
