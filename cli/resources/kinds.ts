// The seven App Mesh kinds as people and files name them: type names, CLI aliases, request name fields.

import { KIND_LABEL, KINDS, type Kind } from '../../control-plane/model/kinds.js';

export { KIND_LABEL, KINDS, type Kind };

/** The request member that carries each kind's own name (`virtualNodeName`). */
export const NAME_FIELD: Record<Kind, string> = {
  mesh: 'meshName',
  virtualService: 'virtualServiceName',
  virtualNode: 'virtualNodeName',
  virtualRouter: 'virtualRouterName',
  route: 'routeName',
  virtualGateway: 'virtualGatewayName',
  gatewayRoute: 'gatewayRouteName',
};

/** The member naming the router or gateway that holds a route or gateway route. */
export const PARENT_NAME_FIELD: Partial<Record<Kind, string>> = {
  route: 'virtualRouterName',
  gatewayRoute: 'virtualGatewayName',
};

/** App Mesh's type names (`VirtualNode`), as in `AWS::AppMesh::VirtualNode` and SDK command names. */
export const TYPE_NAME: Record<Kind, string> = {
  mesh: 'Mesh',
  virtualService: 'VirtualService',
  virtualNode: 'VirtualNode',
  virtualRouter: 'VirtualRouter',
  route: 'Route',
  virtualGateway: 'VirtualGateway',
  gatewayRoute: 'GatewayRoute',
};

/** The member of a List response (and of `get -o json` without a name) that holds many. */
export const PLURAL_MEMBER: Record<Kind, string> = {
  mesh: 'meshes',
  virtualService: 'virtualServices',
  virtualNode: 'virtualNodes',
  virtualRouter: 'virtualRouters',
  route: 'routes',
  virtualGateway: 'virtualGateways',
  gatewayRoute: 'gatewayRoutes',
};

/** Creation order by kind: containers and targets before what names them. */
export const APPLY_RANK: Record<Kind, number> = {
  mesh: 0,
  virtualNode: 1,
  virtualRouter: 2,
  route: 3,
  virtualService: 4,
  virtualGateway: 5,
  gatewayRoute: 6,
};

const SHORT: Record<string, Kind> = {
  vn: 'virtualNode',
  vs: 'virtualService',
  vr: 'virtualRouter',
  vg: 'virtualGateway',
  gr: 'gatewayRoute',
};

/**
 * The kind a person or file means: `VirtualNode`, `virtualNode`, `virtual-node(s)`, `vn`,
 * `AWS::AppMesh::VirtualNode`, `meshes`; undefined when it is none.
 */
export function kindFromName(text: string): Kind | undefined {
  const bare = text.replace(/^AWS::AppMesh::/, '');
  if (SHORT[bare] !== undefined) return SHORT[bare];
  const folded = bare.replace(/[-_\s]/g, '').toLowerCase();
  for (const kind of KINDS) {
    const one = kind.toLowerCase();
    if (folded === one || folded === PLURAL_MEMBER[kind].toLowerCase()) return kind;
  }
  return undefined;
}

/** `virtual node "blue" in mesh "colors"`, `route "r" of virtual router "vr" in mesh "colors"` */
export function describeResource(kind: Kind, meshName: string, name: string, parentName?: string): string {
  if (kind === 'mesh') return `mesh "${name}"`;
  const parentKind =
    kind === 'route' ? 'virtualRouter' : kind === 'gatewayRoute' ? 'virtualGateway' : undefined;
  const parent =
    parentKind !== undefined && parentName !== undefined
      ? ` of ${KIND_LABEL[parentKind]} "${parentName}"`
      : '';
  return `${KIND_LABEL[kind]} "${name}"${parent} in mesh "${meshName}"`;
}
