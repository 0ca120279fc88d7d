// The seven App Mesh resource kinds and how one resource is addressed.

export const KINDS = [
  'mesh',
  'virtualService',
  'virtualNode',
  'virtualRouter',
  'route',
  'virtualGateway',
  'gatewayRoute',
] as const;

export type Kind = (typeof KINDS)[number];

/** Kinds that live inside a router or gateway rather than directly in the mesh. */
export const PARENT_KIND: Partial<Record<Kind, Kind>> = {
  route: 'virtualRouter',
  gatewayRoute: 'virtualGateway',
};

/**
 * Where a resource lives. For a mesh, `meshName === name`; for a route or gateway route,
 * `parentName` is its virtual router or virtual gateway.
 */
export interface ResourceKey {
  readonly kind: Kind;
  readonly meshName: string;
  readonly parentName?: string;
  readonly name: string;
}

/** The key of the resource that directly contains `key` (mesh, router or gateway); none for a mesh. */
export function parentKey(key: ResourceKey): ResourceKey | undefined {
  if (key.kind === 'mesh') return undefined;
  const parentKind = PARENT_KIND[key.kind];
  if (parentKind && key.parentName !== undefined) {
    return { kind: parentKind, meshName: key.meshName, name: key.parentName };
  }
  return { kind: 'mesh', meshName: key.meshName, name: key.meshName };
}

export const NAME_FIELD: Record<Kind, string> = {
  mesh: 'meshName',
  virtualService: 'virtualServiceName',
  virtualNode: 'virtualNodeName',
  virtualRouter: 'virtualRouterName',
  route: 'routeName',
  virtualGateway: 'virtualGatewayName',
  gatewayRoute: 'gatewayRouteName',
};

/** The request field naming the router or gateway a route or gateway route belongs to. */
export const PARENT_NAME_FIELD: Partial<Record<Kind, string>> = {
  route: 'virtualRouterName',
  gatewayRoute: 'virtualGatewayName',
};

/** App Mesh's type names, as in `AWS::AppMesh::VirtualNode` and the SDK's command names. */
export const TYPE_NAME: Record<Kind, string> = {
  mesh: 'Mesh',
  virtualService: 'VirtualService',
  virtualNode: 'VirtualNode',
  virtualRouter: 'VirtualRouter',
  route: 'Route',
  virtualGateway: 'VirtualGateway',
  gatewayRoute: 'GatewayRoute',
};

/** The member of a List response that holds the refs (`ListVirtualNodesOutput.virtualNodes`). */
export const LIST_MEMBER: Record<Kind, string> = {
  mesh: 'meshes',
  virtualService: 'virtualServices',
  virtualNode: 'virtualNodes',
  virtualRouter: 'virtualRouters',
  route: 'routes',
  virtualGateway: 'virtualGateways',
  gatewayRoute: 'gatewayRoutes',
};

/** Human names, as App Mesh's messages use them. */
export const KIND_LABEL: Record<Kind, string> = {
  mesh: 'mesh',
  virtualService: 'virtual service',
  virtualNode: 'virtual node',
  virtualRouter: 'virtual router',
  route: 'route',
  virtualGateway: 'virtual gateway',
  gatewayRoute: 'gateway route',
};

/** `virtual node "color-blue" in mesh "demo"` */
export function describeKey(key: ResourceKey): string {
  if (key.kind === 'mesh') return `mesh "${key.name}"`;
  const parent =
    key.parentName !== undefined ? ` of ${KIND_LABEL[PARENT_KIND[key.kind]!]} "${key.parentName}"` : '';
  return `${KIND_LABEL[key.kind]} "${key.name}"${parent} in mesh "${key.meshName}"`;
}

/** `Virtual node "color-blue" in mesh "demo" does not exist` */
export function notFoundMessage(key: ResourceKey): string {
  const description = describeKey(key);
  return `${description.charAt(0).toUpperCase()}${description.slice(1)} does not exist`;
}
