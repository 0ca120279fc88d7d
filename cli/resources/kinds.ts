// The seven App Mesh kinds as people and files name them: type names, CLI aliases, request name fields.

import {
  KIND_LABEL,
  KINDS,
  type Kind,
  LIST_MEMBER,
  NAME_FIELD,
  PARENT_NAME_FIELD,
  TYPE_NAME,
} from '../../control-plane/model/kinds.js';

export { KIND_LABEL, KINDS, type Kind, NAME_FIELD, PARENT_NAME_FIELD, TYPE_NAME };
/** The member of a List response (and of `get -o json` without a name) that holds many. */
export const PLURAL_MEMBER = LIST_MEMBER;

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
