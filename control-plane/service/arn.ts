// App Mesh ARNs: `arn:aws:appmesh:REGION:ACCOUNT:mesh/MESH[/virtualRouter/R[/route/RT]]` and friends.

import { BadRequestError } from '../errors.js';
import type { Kind, ResourceKey } from '../model/kinds.js';

/** The ARN path segment of each kind (`mesh/M/virtualNode/N`). */
const SEGMENT: Record<Exclude<Kind, 'mesh'>, string> = {
  virtualService: 'virtualService',
  virtualNode: 'virtualNode',
  virtualRouter: 'virtualRouter',
  route: 'route',
  virtualGateway: 'virtualGateway',
  gatewayRoute: 'gatewayRoute',
};

const CHILD_OF: Record<string, { parent: Kind; child: Kind }> = {
  virtualRouter: { parent: 'virtualRouter', child: 'route' },
  virtualGateway: { parent: 'virtualGateway', child: 'gatewayRoute' },
};

export interface Partition {
  readonly region: string;
  readonly accountId: string;
}

export function arnOf(key: ResourceKey, where: Partition): string {
  const prefix = `arn:aws:appmesh:${where.region}:${where.accountId}:mesh/${key.meshName}`;
  if (key.kind === 'mesh') return prefix;
  if (key.kind === 'route') return `${prefix}/virtualRouter/${key.parentName}/route/${key.name}`;
  if (key.kind === 'gatewayRoute')
    return `${prefix}/virtualGateway/${key.parentName}/gatewayRoute/${key.name}`;
  return `${prefix}/${SEGMENT[key.kind]}/${key.name}`;
}

const KIND_OF_SEGMENT = new Map<string, Kind>(
  Object.entries(SEGMENT).map(([kind, seg]) => [seg, kind as Kind]),
);

/** Parses an App Mesh ARN into the key it names; `field` is used in the error when it is not one. */
export function parseArn(
  arn: unknown,
  field = 'resourceArn',
): ResourceKey & { readonly partition: Partition } {
  const invalid = () =>
    new BadRequestError([{ path: field, rule: 'must be an App Mesh resource ARN', value: arn }]);
  if (typeof arn !== 'string') throw invalid();
  const match = /^arn:aws[a-z-]*:appmesh:([a-z0-9-]*):([0-9]*):mesh\/(.+)$/.exec(arn);
  if (!match) throw invalid();
  const partition = { region: match[1]!, accountId: match[2]! };
  const [meshName, ...rest] = match[3]!.split('/');
  if (!meshName) throw invalid();
  if (rest.length === 0) return { kind: 'mesh', meshName, name: meshName, partition };
  if (rest.length === 2) {
    const kind = KIND_OF_SEGMENT.get(rest[0]!);
    if (!kind || kind === 'route' || kind === 'gatewayRoute' || !rest[1]) throw invalid();
    return { kind, meshName, name: rest[1], partition };
  }
  if (rest.length === 4) {
    const nesting = CHILD_OF[rest[0]!];
    if (!nesting || rest[2] !== SEGMENT[nesting.child as Exclude<Kind, 'mesh'>] || !rest[1] || !rest[3]) {
      throw invalid();
    }
    return { kind: nesting.child, meshName, parentName: rest[1], name: rest[3], partition };
  }
  throw invalid();
}
