// A virtual router: the ports a virtual service is served on, and the routes that split its traffic.

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
} from './private/utils.js';
import { Route, type RouteBaseProps } from './route.js';
import { VirtualRouterListener } from './virtual-router-listener.js';

/** A virtual router, declared here or imported. */
export interface IVirtualRouter extends IResource {
  /**
   * The router's name.
   *
   * @attribute
   */
  readonly virtualRouterName: string;
  /**
   * The router's ARN.
   *
   * @attribute
   */
  readonly virtualRouterArn: string;
  /** The mesh the router is in. */
  readonly mesh: IMesh;

  /** Adds a route to the router. */
  addRoute(id: string, props: RouteBaseProps): Route;
}

/** Properties of a new virtual router, without its mesh. */
export interface VirtualRouterBaseProps {
  /**
   * The ports and protocols the router serves.
   *
   * @default - HTTP on port 8080
   */
  readonly listeners?: VirtualRouterListener[];
  /**
   * The router's name. Changing it replaces the router and its routes.
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly virtualRouterName?: string;
}

/** Properties of a new virtual router. */
export interface VirtualRouterProps extends VirtualRouterBaseProps {
  /** The mesh the router is in. */
  readonly mesh: IMesh;
}

/** How to import a virtual router. */
export interface VirtualRouterAttributes {
  /** The router's name. */
  readonly virtualRouterName: string;
  /** The mesh the router is in. */
  readonly mesh: IMesh;
}

abstract class VirtualRouterBase extends Resource implements IVirtualRouter {
  public abstract readonly virtualRouterName: string;
  public abstract readonly virtualRouterArn: string;
  public abstract readonly mesh: IMesh;

  public addRoute(id: string, props: RouteBaseProps): Route {
    return new Route(this, id, { ...props, mesh: this.mesh, virtualRouter: this });
  }
}

/**
 * A new virtual router.
 *
 * @see https://docs.aws.amazon.com/app-mesh/latest/userguide/virtual_routers.html
 */
export class VirtualRouter extends VirtualRouterBase {
  /** Imports a router by ARN (`…:mesh/MESH/virtualRouter/NAME`). */
  public static fromVirtualRouterArn(scope: Construct, id: string, virtualRouterArn: string): IVirtualRouter {
    const [meshName, virtualRouterName] = arnNames(scope, virtualRouterArn, 2) as [string, string];
    return new ImportedVirtualRouter(scope, id, virtualRouterName, virtualRouterArn, (self) =>
      Mesh.fromMeshName(self, 'Mesh', meshName),
    );
  }

  /** Imports a router by name and mesh. */
  public static fromVirtualRouterAttributes(
    scope: Construct,
    id: string,
    attrs: VirtualRouterAttributes,
  ): IVirtualRouter {
    const arn = appMeshArn(scope, `${attrs.mesh.meshName}/virtualRouter`, attrs.virtualRouterName);
    return new ImportedVirtualRouter(scope, id, attrs.virtualRouterName, arn, () => attrs.mesh);
  }

  public readonly virtualRouterName: string;
  public readonly virtualRouterArn: string;
  public readonly mesh: IMesh;
  /** Tags of the router. */
  public readonly tags: TagManager;
  private readonly resource: CustomResource;
  private readonly listeners: appmesh.VirtualRouterListener[] = [];

  constructor(scope: Construct, id: string, props: VirtualRouterProps) {
    super(scope, id, {
      physicalName: props.virtualRouterName ?? Lazy.string({ produce: () => generatedName(this) }),
    });
    this.mesh = props.mesh;
    this.tags = new TagManager(TagType.MAP, MESH_RESOURCE_TYPE);
    for (const listener of props.listeners ?? [VirtualRouterListener.http()]) this.addListener(listener);
    const name = props.virtualRouterName ?? generatedName(this);
    this.resource = createMeshResource(this, {
      kind: 'virtualRouter',
      controlPlane: controlPlaneOf(this.mesh, this),
      meshName: this.mesh.meshName,
      name,
      tags: this.tags,
      spec: () => ({ listeners: this.listeners }),
    });
    registerDeclared(this, name, this.resource);
    this.virtualRouterName = this.getResourceNameAttribute(this.resource.getAttString('Name'));
    this.virtualRouterArn = this.getResourceArnAttribute(this.resource.getAttString('Arn'), {
      service: 'appmesh',
      resource: `mesh/${referenceName(this.mesh, this.mesh.meshName)}/virtualRouter`,
      resourceName: this.physicalName,
    });
  }

  /** Applies to the custom resource. */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }

  private addListener(listener: VirtualRouterListener): void {
    this.listeners.push(listener.bind(this).listener);
  }
}

class ImportedVirtualRouter extends VirtualRouterBase {
  public readonly mesh: IMesh;

  constructor(
    scope: Construct,
    id: string,
    public readonly virtualRouterName: string,
    public readonly virtualRouterArn: string,
    mesh: (self: Construct) => IMesh,
  ) {
    super(scope, id);
    this.mesh = mesh(this);
  }
}
