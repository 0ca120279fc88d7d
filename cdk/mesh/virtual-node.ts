// A virtual node: one deployable service behind a Tessera proxy — how callers find it, what it listens
// on, which virtual services it calls, and the metrics its proxies publish.

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
import { type IMesh, Mesh } from './mesh.js';
import { type HttpCodeClass, httpCodeMetricName, publisherMetric, targetMetric } from './private/metrics.js';
import {
  appMeshArn,
  arnNames,
  controlPlaneOf,
  createMeshResource,
  generatedName,
  grantProxy,
  MESH_RESOURCE_TYPE,
  MeshValidationError,
  referenceName,
  registerDeclared,
  renderTlsClientPolicy,
} from './private/utils.js';
import type { ServiceDiscovery, ServiceDiscoveryConfig } from './service-discovery.js';
import type { AccessLog, Backend, BackendDefaults } from './shared-interfaces.js';
import type { VirtualNodeListener } from './virtual-node-listener.js';
import type { IVirtualService } from './virtual-service.js';

/** The calls a virtual node's outbound metrics are about: a service, and the node that answered. */
export interface VirtualNodeMetricTarget {
  /** The virtual service called (`TargetVirtualService`). */
  readonly virtualService: IVirtualService;
  /** The virtual node that answered (`TargetVirtualNode`). */
  readonly virtualNode: IVirtualNode;
}

/** A virtual node, declared here or imported. */
export interface IVirtualNode extends IResource {
  /**
   * The node's name.
   *
   * @attribute
   */
  readonly virtualNodeName: string;
  /**
   * The node's ARN: the proxy's `APPMESH_RESOURCE_ARN`.
   *
   * @attribute
   */
  readonly virtualNodeArn: string;
  /** The mesh the node is in. */
  readonly mesh: IMesh;

  /**
   * Grants what this node's proxy needs from the control plane (snapshots, endpoints, its own
   * registration) — Tessera's counterpart of App Mesh's `appmesh:StreamAggregatedResources`, scoped to
   * the mesh. Needs a control plane with `grantProxy` (`MeshControlPlane` has it).
   */
  grantStreamAggregatedResources(identity: iam.IGrantable): iam.Grant;
  /** A metric of the node's proxies with dimensions [Mesh, VirtualNode] (inbound and proxy-wide). */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests the node's proxies received (inbound `RequestCount`, summed). */
  metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Connections open at the node's proxies (`ActiveConnectionCount`, averaged over replicas). */
  metricActiveConnectionCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Age of the configuration the node's proxies run (`SnapshotAgeSeconds`, the stalest replica). */
  metricSnapshotAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** An outbound metric of this node's calls to `target` ([Mesh, VirtualNode, TargetVirtualService, TargetVirtualNode]). */
  metricTarget(
    metricName: string,
    target: VirtualNodeMetricTarget,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric;
  /** Requests this node sent to `target` (`RequestCountPerTarget`). */
  metricRequestCountPerTarget(
    target: VirtualNodeMetricTarget,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric;
  /** Response time of `target` as this node saw it (`TargetResponseTime`, p99 unless `statistic` says otherwise). */
  metricTargetResponseTime(
    target: VirtualNodeMetricTarget,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric;
  /** Responses of `target` in a status class (`HTTPCode_Target_5XX_Count`…). */
  metricHttpCodeTarget(
    code: HttpCodeClass,
    target: VirtualNodeMetricTarget,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric;
  /** Retries this node made toward `target` (`RetryCount`). */
  metricRetryCount(target: VirtualNodeMetricTarget, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Properties of a new virtual node, without its mesh. */
export interface VirtualNodeBaseProps {
  /**
   * The node's name. Changing it replaces the node.
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly virtualNodeName?: string;
  /**
   * How callers find the node's endpoints; required with listeners.
   *
   * @default - none
   */
  readonly serviceDiscovery?: ServiceDiscovery;
  /**
   * Virtual services the node calls.
   *
   * @default - none
   */
  readonly backends?: Backend[];
  /**
   * The ports the node's app serves.
   *
   * @default - none
   */
  readonly listeners?: VirtualNodeListener[];
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

/** Properties of a new virtual node. */
export interface VirtualNodeProps extends VirtualNodeBaseProps {
  /** The mesh the node is in. */
  readonly mesh: IMesh;
}

/** How to import a virtual node. */
export interface VirtualNodeAttributes {
  /** The node's name. */
  readonly virtualNodeName: string;
  /** The mesh the node is in. */
  readonly mesh: IMesh;
}

abstract class VirtualNodeBase extends Resource implements IVirtualNode {
  public abstract readonly virtualNodeName: string;
  public abstract readonly virtualNodeArn: string;
  public abstract readonly mesh: IMesh;

  public grantStreamAggregatedResources(identity: iam.IGrantable): iam.Grant {
    return grantProxy(this.mesh, this, identity);
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return publisherMetric(this.publisher(), metricName, props);
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

  public metricTarget(
    metricName: string,
    target: VirtualNodeMetricTarget,
    props?: cloudwatch.MetricOptions,
  ): cloudwatch.Metric {
    const dimensions = {
      targetVirtualService: referenceName(target.virtualService, target.virtualService.virtualServiceName),
      targetVirtualNode: referenceName(target.virtualNode, target.virtualNode.virtualNodeName),
    };
    return targetMetric(this.publisher(), dimensions, metricName, props);
  }

  public metricRequestCountPerTarget(target: VirtualNodeMetricTarget, props?: cloudwatch.MetricOptions) {
    return this.metricTarget(PROXY_METRIC.requestCountPerTarget, target, props);
  }

  public metricTargetResponseTime(target: VirtualNodeMetricTarget, props?: cloudwatch.MetricOptions) {
    return this.metricTarget(PROXY_METRIC.targetResponseTime, target, props);
  }

  public metricHttpCodeTarget(
    code: HttpCodeClass,
    target: VirtualNodeMetricTarget,
    props?: cloudwatch.MetricOptions,
  ) {
    return this.metricTarget(httpCodeMetricName(code), target, props);
  }

  public metricRetryCount(target: VirtualNodeMetricTarget, props?: cloudwatch.MetricOptions) {
    return this.metricTarget(PROXY_METRIC.retryCount, target, props);
  }

  /** Dimension values name the node plainly when it is declared here (no token in a dashboard). */
  private publisher() {
    return {
      mesh: referenceName(this.mesh, this.mesh.meshName),
      virtualNode: referenceName(this, this.virtualNodeName),
    };
  }
}

/**
 * A new virtual node. Inbound traffic the node expects is declared as listeners, outbound as backends.
 *
 * @see https://docs.aws.amazon.com/app-mesh/latest/userguide/virtual_nodes.html
 */
export class VirtualNode extends VirtualNodeBase {
  /** Imports a node by ARN (`…:mesh/MESH/virtualNode/NODE`). */
  public static fromVirtualNodeArn(scope: Construct, id: string, virtualNodeArn: string): IVirtualNode {
    const [meshName, virtualNodeName] = arnNames(scope, virtualNodeArn, 2) as [string, string];
    return new ImportedVirtualNode(scope, id, virtualNodeName, virtualNodeArn, (self) =>
      Mesh.fromMeshName(self, 'Mesh', meshName),
    );
  }

  /** Imports a node by name and mesh. */
  public static fromVirtualNodeAttributes(
    scope: Construct,
    id: string,
    attrs: VirtualNodeAttributes,
  ): IVirtualNode {
    const virtualNodeArn = appMeshArn(scope, `${attrs.mesh.meshName}/virtualNode`, attrs.virtualNodeName);
    return new ImportedVirtualNode(scope, id, attrs.virtualNodeName, virtualNodeArn, () => attrs.mesh);
  }

  public readonly virtualNodeName: string;
  public readonly virtualNodeArn: string;
  public readonly mesh: IMesh;
  /** Tags of the node. */
  public readonly tags: TagManager;
  private readonly resource: CustomResource;
  private readonly serviceDiscoveryConfig?: ServiceDiscoveryConfig;
  // Bound when added, as aws-appmesh does, so a bad listener or backend fails at its call site.
  private readonly listeners: appmesh.Listener[] = [];
  private readonly backends: appmesh.Backend[] = [];

  constructor(scope: Construct, id: string, props: VirtualNodeProps) {
    super(scope, id, {
      physicalName: props.virtualNodeName ?? Lazy.string({ produce: () => generatedName(this) }),
    });
    this.mesh = props.mesh;
    this.tags = new TagManager(TagType.MAP, MESH_RESOURCE_TYPE);
    this.serviceDiscoveryConfig = props.serviceDiscovery?.bind(this);
    for (const listener of props.listeners ?? []) this.addListener(listener);
    for (const backend of props.backends ?? []) this.addBackend(backend);
    const accessLog = props.accessLog?.bind(this).virtualNodeAccessLog;
    const name = props.virtualNodeName ?? generatedName(this);

    this.resource = createMeshResource(this, {
      kind: 'virtualNode',
      controlPlane: controlPlaneOf(this.mesh, this),
      meshName: this.mesh.meshName,
      name,
      tags: this.tags,
      spec: () => ({
        serviceDiscovery: this.serviceDiscoveryConfig
          ? { dns: this.serviceDiscoveryConfig.dns, awsCloudMap: this.serviceDiscoveryConfig.cloudmap }
          : undefined,
        listeners: this.listeners,
        backends: this.backends,
        backendDefaults: props.backendDefaults
          ? { clientPolicy: { tls: renderTlsClientPolicy(this, props.backendDefaults.tlsClientPolicy) } }
          : undefined,
        logging: accessLog ? { accessLog } : undefined,
      }),
    });
    registerDeclared(this, name, this.resource);
    this.virtualNodeName = this.getResourceNameAttribute(this.resource.getAttString('Name'));
    this.virtualNodeArn = this.getResourceArnAttribute(this.resource.getAttString('Arn'), {
      service: 'appmesh',
      resource: `mesh/${referenceName(this.mesh, this.mesh.meshName)}/virtualNode`,
      resourceName: this.physicalName,
    });
  }

  /** Adds a listener (Tessera serves several per node, each on its own port). */
  public addListener(listener: VirtualNodeListener): void {
    if (!this.serviceDiscoveryConfig) {
      throw new MeshValidationError('a virtual node with a listener needs serviceDiscovery', this);
    }
    this.listeners.push(listener.bind(this).listener);
  }

  /** Adds a virtual service the node calls. */
  public addBackend(backend: Backend): void {
    this.backends.push(backend.bind(this).virtualServiceBackend);
  }

  /** Applies to the custom resource. */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }
}

class ImportedVirtualNode extends VirtualNodeBase {
  public readonly mesh: IMesh;

  constructor(
    scope: Construct,
    id: string,
    public readonly virtualNodeName: string,
    public readonly virtualNodeArn: string,
    mesh: (self: Construct) => IMesh,
  ) {
    super(scope, id);
    this.mesh = mesh(this);
  }
}
