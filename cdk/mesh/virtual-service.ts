// A virtual service: the name callers use, provided by a virtual node or a virtual router.

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
import type { Construct } from 'constructs';
import { type IMesh, Mesh } from './mesh.js';
import {
  appMeshArn,
  arnNames,
  controlPlaneOf,
  createMeshResource,
  generatedName,
  MESH_RESOURCE_TYPE,
  referenceName,
  registerDeclared,
  registerProvidedService,
} from './private/utils.js';
import type { IVirtualNode } from './virtual-node.js';
import type { IVirtualRouter } from './virtual-router.js';

/** A virtual service, declared here or imported. */
export interface IVirtualService extends IResource {
  /**
   * The service's name (the host callers send to).
   *
   * @attribute
   */
  readonly virtualServiceName: string;
  /**
   * The service's ARN.
   *
   * @attribute
   */
  readonly virtualServiceArn: string;
  /** The mesh the service is in. */
  readonly mesh: IMesh;
}

/** Properties of a new virtual service. */
export interface VirtualServiceProps {
  /**
   * The service's name, the host callers address (a DNS-style name such as `colors.local`). Changing it
   * replaces the service.
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly virtualServiceName?: string;
  /** The node or router behind the service (`VirtualServiceProvider.none(mesh)` for a placeholder). */
  readonly virtualServiceProvider: VirtualServiceProvider;
}

/** How to import a virtual service. */
export interface VirtualServiceAttributes {
  /** The service's name. */
  readonly virtualServiceName: string;
  /** The mesh the service is in. */
  readonly mesh: IMesh;
}

/**
 * A new virtual service; it sends traffic to a virtual node or a virtual router.
 *
 * @see https://docs.aws.amazon.com/app-mesh/latest/userguide/virtual_services.html
 */
export class VirtualService extends Resource implements IVirtualService {
  /** Imports a service by ARN (`…:mesh/MESH/virtualService/NAME`). */
  public static fromVirtualServiceArn(
    scope: Construct,
    id: string,
    virtualServiceArn: string,
  ): IVirtualService {
    const [meshName, virtualServiceName] = arnNames(scope, virtualServiceArn, 2) as [string, string];
    return new ImportedVirtualService(scope, id, virtualServiceName, virtualServiceArn, (self) =>
      Mesh.fromMeshName(self, 'Mesh', meshName),
    );
  }

  /** Imports a service by name and mesh. */
  public static fromVirtualServiceAttributes(
    scope: Construct,
    id: string,
    attrs: VirtualServiceAttributes,
  ): IVirtualService {
    const arn = appMeshArn(scope, `${attrs.mesh.meshName}/virtualService`, attrs.virtualServiceName);
    return new ImportedVirtualService(scope, id, attrs.virtualServiceName, arn, () => attrs.mesh);
  }

  public readonly virtualServiceName: string;
  public readonly virtualServiceArn: string;
  public readonly mesh: IMesh;
  /** Tags of the service. */
  public readonly tags: TagManager;
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: VirtualServiceProps) {
    super(scope, id, {
      physicalName: props.virtualServiceName ?? Lazy.string({ produce: () => generatedName(this) }),
    });
    const provider = props.virtualServiceProvider.bind(this);
    this.mesh = provider.mesh;
    this.tags = new TagManager(TagType.MAP, MESH_RESOURCE_TYPE);
    const name = props.virtualServiceName ?? generatedName(this);
    const spec: appmesh.VirtualServiceSpec = {
      provider:
        provider.virtualNodeProvider || provider.virtualRouterProvider
          ? ({
              virtualNode: provider.virtualNodeProvider,
              virtualRouter: provider.virtualRouterProvider,
            } as appmesh.VirtualServiceProvider)
          : undefined,
    };
    this.resource = createMeshResource(this, {
      kind: 'virtualService',
      controlPlane: controlPlaneOf(this.mesh, this),
      meshName: this.mesh.meshName,
      name,
      tags: this.tags,
      spec: () => spec,
    });
    registerDeclared(this, name, this.resource);
    if (provider.provider !== undefined) registerProvidedService(provider.provider, this);
    this.virtualServiceName = this.getResourceNameAttribute(this.resource.getAttString('Name'));
    this.virtualServiceArn = this.getResourceArnAttribute(this.resource.getAttString('Arn'), {
      service: 'appmesh',
      resource: `mesh/${referenceName(this.mesh, this.mesh.meshName)}/virtualService`,
      resourceName: this.physicalName,
    });
  }

  /** Applies to the custom resource. */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }
}

class ImportedVirtualService extends Resource implements IVirtualService {
  public readonly mesh: IMesh;

  constructor(
    scope: Construct,
    id: string,
    public readonly virtualServiceName: string,
    public readonly virtualServiceArn: string,
    mesh: (self: Construct) => IMesh,
  ) {
    super(scope, id);
    this.mesh = mesh(this);
  }
}

/** A provider in App Mesh's shape. */
export interface VirtualServiceProviderConfig {
  /**
   * `provider.virtualNode`.
   *
   * @default - not a node
   */
  readonly virtualNodeProvider?: appmesh.VirtualNodeServiceProvider;
  /**
   * `provider.virtualRouter`.
   *
   * @default - not a router
   */
  readonly virtualRouterProvider?: appmesh.VirtualRouterServiceProvider;
  /** The mesh of the provider (the service's mesh). */
  readonly mesh: IMesh;
  /**
   * The provider construct (route metrics find a router's service through it).
   *
   * @default - none
   */
  readonly provider?: IVirtualNode | IVirtualRouter;
}

/** What a virtual service sends its traffic to. */
export abstract class VirtualServiceProvider {
  /** A virtual node. */
  public static virtualNode(virtualNode: IVirtualNode): VirtualServiceProvider {
    return new ProviderImpl(virtualNode.mesh, virtualNode, undefined);
  }

  /** A virtual router. */
  public static virtualRouter(virtualRouter: IVirtualRouter): VirtualServiceProvider {
    return new ProviderImpl(virtualRouter.mesh, undefined, virtualRouter);
  }

  /** Nothing yet: the service exists but routes nowhere (a placeholder). */
  public static none(mesh: IMesh): VirtualServiceProvider {
    return new ProviderImpl(mesh, undefined, undefined);
  }

  /** The App Mesh shape; `scope` (the service) is ordered after its provider. */
  public abstract bind(scope: Construct): VirtualServiceProviderConfig;
}

class ProviderImpl extends VirtualServiceProvider {
  constructor(
    private readonly mesh: IMesh,
    private readonly virtualNode: IVirtualNode | undefined,
    private readonly virtualRouter: IVirtualRouter | undefined,
  ) {
    super();
  }

  public bind(scope: Construct): VirtualServiceProviderConfig {
    // The control plane refuses a service whose provider does not exist, and a provider still in use.
    const node = this.virtualNode;
    const router = this.virtualRouter;
    return {
      mesh: this.mesh,
      provider: node ?? router,
      virtualNodeProvider: node
        ? { virtualNodeName: referenceName(node, node.virtualNodeName, scope) }
        : undefined,
      virtualRouterProvider: router
        ? { virtualRouterName: referenceName(router, router.virtualRouterName, scope) }
        : undefined,
    };
  }
}
