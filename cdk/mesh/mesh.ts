// A service mesh: the boundary its virtual nodes, routers, services and gateways live in, written to the
// Tessera control plane through a custom resource.

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
import {
  appMeshArn,
  arnNames,
  createMeshResource,
  generatedName,
  MESH_RESOURCE_TYPE,
  MeshValidationError,
  registerDeclared,
} from './private/utils.js';
import type { MeshServiceDiscovery } from './service-discovery.js';
import type { MeshControlPlaneRef } from './shared-interfaces.js';
import { VirtualGateway, type VirtualGatewayBaseProps } from './virtual-gateway.js';
import { VirtualNode, type VirtualNodeBaseProps } from './virtual-node.js';
import { VirtualRouter, type VirtualRouterBaseProps } from './virtual-router.js';

/** What may leave the mesh. */
export enum MeshFilterType {
  /** Any destination. */
  ALLOW_ALL = 'ALLOW_ALL',
  /** Only the mesh's own services (and `*.amazonaws.com`, as App Mesh allowed). */
  DROP_ALL = 'DROP_ALL',
}

/** A mesh, declared here or imported. */
export interface IMesh extends IResource {
  /**
   * The mesh's name.
   *
   * @attribute
   */
  readonly meshName: string;
  /**
   * The mesh's ARN.
   *
   * @attribute
   */
  readonly meshArn: string;
  /**
   * The control plane the mesh's resources are written through; absent for a mesh imported without one,
   * which then cannot get new resources.
   */
  readonly controlPlane?: MeshControlPlaneRef;

  /** Adds a virtual router to this mesh (in the mesh's stack). */
  addVirtualRouter(id: string, props?: VirtualRouterBaseProps): VirtualRouter;
  /** Adds a virtual node to this mesh (in the mesh's stack). */
  addVirtualNode(id: string, props?: VirtualNodeBaseProps): VirtualNode;
  /** Adds a virtual gateway to this mesh (in the mesh's stack). */
  addVirtualGateway(id: string, props?: VirtualGatewayBaseProps): VirtualGateway;
}

abstract class MeshBase extends Resource implements IMesh {
  public abstract readonly meshName: string;
  public abstract readonly meshArn: string;
  public abstract readonly controlPlane?: MeshControlPlaneRef;

  public addVirtualRouter(id: string, props: VirtualRouterBaseProps = {}): VirtualRouter {
    return new VirtualRouter(this, id, { ...props, mesh: this });
  }

  public addVirtualNode(id: string, props: VirtualNodeBaseProps = {}): VirtualNode {
    return new VirtualNode(this, id, { ...props, mesh: this });
  }

  public addVirtualGateway(id: string, props: VirtualGatewayBaseProps = {}): VirtualGateway {
    return new VirtualGateway(this, id, { ...props, mesh: this });
  }
}

/** Properties of a new mesh. */
export interface MeshProps {
  /**
   * The mesh's name. Changing it replaces the mesh (and, with it, everything in it).
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly meshName?: string;
  /**
   * What may leave the mesh.
   *
   * @default MeshFilterType.DROP_ALL
   */
  readonly egressFilter?: MeshFilterType;
  /**
   * Service discovery settings of every node.
   *
   * @default - none
   */
  readonly serviceDiscovery?: MeshServiceDiscovery;
  /**
   * The Tessera control plane the mesh and its resources are written through (`MeshControlPlane`).
   * The one property App Mesh's `Mesh` does not have.
   */
  readonly controlPlane: MeshControlPlaneRef;
}

/** How to import a mesh. */
export interface MeshAttributes {
  /** The mesh's name. */
  readonly meshName: string;
  /**
   * The control plane that holds it; needed to add resources to it.
   *
   * @default - none: resources cannot be added to the imported mesh
   */
  readonly controlPlane?: MeshControlPlaneRef;
}

/**
 * A new mesh.
 *
 * @see https://docs.aws.amazon.com/app-mesh/latest/userguide/meshes.html
 */
export class Mesh extends MeshBase {
  /** Imports a mesh by ARN (`arn:aws:appmesh:REGION:ACCOUNT:mesh/NAME`). */
  public static fromMeshArn(
    scope: Construct,
    id: string,
    meshArn: string,
    controlPlane?: MeshControlPlaneRef,
  ): IMesh {
    const [meshName] = arnNames(scope, meshArn, 1) as [string];
    return new ImportedMesh(scope, id, meshName, meshArn, controlPlane);
  }

  /** Imports a mesh by name (in this stack's account and region). */
  public static fromMeshName(
    scope: Construct,
    id: string,
    meshName: string,
    controlPlane?: MeshControlPlaneRef,
  ): IMesh {
    return Mesh.fromMeshAttributes(scope, id, { meshName, controlPlane });
  }

  /** Imports a mesh by name, with the control plane that holds it so resources can be added. */
  public static fromMeshAttributes(scope: Construct, id: string, attrs: MeshAttributes): IMesh {
    const meshArn = appMeshArn(scope, '', attrs.meshName);
    return new ImportedMesh(scope, id, attrs.meshName, meshArn, attrs.controlPlane);
  }

  public readonly meshName: string;
  public readonly meshArn: string;
  public readonly controlPlane: MeshControlPlaneRef;
  /** Tags of the mesh (`Tags.of(mesh).add(...)` works as on any taggable resource). */
  public readonly tags: TagManager;
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: MeshProps) {
    super(scope, id, {
      physicalName: props.meshName ?? Lazy.string({ produce: () => generatedName(this) }),
    });
    if (props.controlPlane === undefined) {
      throw new MeshValidationError('controlPlane is required (the MeshControlPlane to write through)', this);
    }
    this.controlPlane = props.controlPlane;
    this.tags = new TagManager(TagType.MAP, MESH_RESOURCE_TYPE);
    const name = props.meshName ?? generatedName(this);
    this.resource = createMeshResource(this, {
      kind: 'mesh',
      controlPlane: props.controlPlane,
      meshName: name,
      name,
      tags: this.tags,
      spec: () => ({
        egressFilter: props.egressFilter ? { type: props.egressFilter } : undefined,
        serviceDiscovery: props.serviceDiscovery
          ? { ipPreference: props.serviceDiscovery.ipPreference }
          : undefined,
      }),
    });
    registerDeclared(this, name, this.resource);
    this.meshName = this.getResourceNameAttribute(this.resource.getAttString('Name'));
    this.meshArn = this.getResourceArnAttribute(this.resource.getAttString('Arn'), {
      service: 'appmesh',
      resource: 'mesh',
      resourceName: this.physicalName,
    });
  }

  /** Applies to the custom resource: RETAIN keeps the mesh in the control plane when it leaves the stack. */
  public override applyRemovalPolicy(policy: RemovalPolicy): void {
    this.resource.applyRemovalPolicy(policy);
  }
}

class ImportedMesh extends MeshBase {
  constructor(
    scope: Construct,
    id: string,
    public readonly meshName: string,
    public readonly meshArn: string,
    public readonly controlPlane: MeshControlPlaneRef | undefined,
  ) {
    super(scope, id);
  }
}
