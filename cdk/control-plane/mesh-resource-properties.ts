// The contract between the mesh constructs (cdk/mesh/) and the control plane's mesh-resource provider
// (lambda/mesh-resource.ts): the custom resource type, its properties and the attributes it returns.
// The provider parses the same names in lambda/mesh-resource/resource-properties.ts; keep them equal.

/** The CloudFormation type of every mesh resource Tessera's constructs declare. */
export const MESH_RESOURCE_TYPE = 'Custom::TesseraMeshResource';

/** The App Mesh kinds, as the control plane names them. */
export type MeshResourceKind =
  | 'mesh'
  | 'virtualService'
  | 'virtualNode'
  | 'virtualRouter'
  | 'route'
  | 'virtualGateway'
  | 'gatewayRoute';

/**
 * `Properties` of a `Custom::TesseraMeshResource`. Structured values travel as JSON text because
 * CloudFormation turns every property value it passes to a custom resource into a string.
 *
 * A change of `Kind`, `MeshName`, `ParentName` or `Name` replaces the resource (a new ARN); a change of
 * `Spec` or `Tags` updates it in place.
 */
export interface MeshResourceProperties {
  /** The provider's function ARN: `MeshControlPlane.resourceServiceToken`. */
  readonly ServiceToken: string;
  readonly Kind: MeshResourceKind;
  /** The mesh the resource lives in; for a mesh, its own name. */
  readonly MeshName: string;
  /** The virtual router of a route, or the virtual gateway of a gateway route; absent otherwise. */
  readonly ParentName?: string;
  readonly Name: string;
  /** JSON text of the App Mesh spec object, as the REST API takes it (`{"listeners":[…]}`). */
  readonly Spec: string;
  /** JSON text of `[{ "key": …, "value": … }]`. @default - no tags */
  readonly Tags?: string;
}

/** The attributes the provider returns (`Fn::GetAtt`); the PhysicalResourceId is the resource's ARN. */
export const MESH_RESOURCE_ATTRIBUTES = {
  arn: 'Arn',
  uid: 'Uid',
  name: 'Name',
  meshName: 'MeshName',
  resourceOwner: 'ResourceOwner',
  meshOwner: 'MeshOwner',
  /** The resource's version after the last change, as text. */
  version: 'Version',
} as const;

/**
 * The CloudFormation type that lets an IAM principal register endpoints for a virtual node (the endpoint
 * registry behind IAM auth refuses principals not bound to the node). Same provider, same ServiceToken.
 */
export const PRINCIPAL_BINDING_TYPE = 'Custom::TesseraPrincipalBinding';

/** `Properties` of a `Custom::TesseraPrincipalBinding`; any change replaces the binding. */
export interface PrincipalBindingProperties {
  readonly ServiceToken: string;
  readonly MeshName: string;
  readonly VirtualNodeName: string;
  /** A role (or user) ARN; sessions of the role count as the role. */
  readonly PrincipalArn: string;
}
