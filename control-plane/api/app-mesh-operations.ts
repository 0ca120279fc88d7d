// The App Mesh REST operations (API version 2019-01-25): method + path → a call on the service.
// Paths and member names follow the official API so `@aws-sdk/client-app-mesh` works unchanged.

import { BadRequestError, NotFoundError, type Problem } from '../errors.js';
import {
  KINDS,
  type Kind,
  LIST_MEMBER,
  NAME_FIELD,
  PARENT_NAME_FIELD,
  type ResourceKey,
} from '../model/kinds.js';
import type { MeshService } from '../service/mesh-service.js';
import type { Operation } from './operation.js';
import { toData, toRef } from './wire.js';

const PREFIX = '/v20190125/meshes';

/** Where each kind's collection lives; the item path appends `/{<name field>}`. */
const COLLECTION_PATH: Record<Kind, string> = {
  mesh: PREFIX,
  virtualService: `${PREFIX}/{meshName}/virtualServices`,
  virtualNode: `${PREFIX}/{meshName}/virtualNodes`,
  virtualRouter: `${PREFIX}/{meshName}/virtualRouters`,
  route: `${PREFIX}/{meshName}/virtualRouter/{virtualRouterName}/routes`,
  virtualGateway: `${PREFIX}/{meshName}/virtualGateways`,
  gatewayRoute: `${PREFIX}/{meshName}/virtualGateway/{virtualGatewayName}/gatewayRoutes`,
};

const TYPE_NAME: Record<Kind, { one: string; many: string }> = {
  mesh: { one: 'Mesh', many: 'Meshes' },
  virtualService: { one: 'VirtualService', many: 'VirtualServices' },
  virtualNode: { one: 'VirtualNode', many: 'VirtualNodes' },
  virtualRouter: { one: 'VirtualRouter', many: 'VirtualRouters' },
  route: { one: 'Route', many: 'Routes' },
  virtualGateway: { one: 'VirtualGateway', many: 'VirtualGateways' },
  gatewayRoute: { one: 'GatewayRoute', many: 'GatewayRoutes' },
};

function keyOf(kind: Kind, params: Readonly<Record<string, string>>, name: unknown): ResourceKey {
  const meshName = kind === 'mesh' ? name : params.meshName;
  const parentField = PARENT_NAME_FIELD[kind];
  return {
    kind,
    meshName: meshName as string,
    ...(parentField !== undefined ? { parentName: params[parentField] } : {}),
    name: name as string,
  };
}

/** Rejects body members the operation does not take, so a typo is not silently ignored. */
function onlyMembers(body: Record<string, unknown>, allowed: readonly string[]): void {
  const problems: Problem[] = Object.keys(body)
    .filter((member) => !allowed.includes(member))
    .map((member) => ({ path: member, rule: `unknown field (expected one of ${allowed.join(', ')})` }));
  if (problems.length > 0) throw new BadRequestError(problems);
}

function checkMeshOwner(service: MeshService, query: URLSearchParams): void {
  const owner = query.get('meshOwner');
  if (owner !== null && owner !== service.partition.accountId) {
    throw new NotFoundError(`meshOwner: no mesh owned by account ${owner} is shared with this control plane`);
  }
}

function pageOf(query: URLSearchParams): { limit?: number; nextToken?: string } {
  const limit = query.get('limit');
  const nextToken = query.get('nextToken');
  if (limit !== null && !/^\d{1,9}$/.test(limit)) {
    throw new BadRequestError([
      { path: 'limit', rule: 'must be an integer between 1 and 100', value: limit },
    ]);
  }
  return {
    ...(limit !== null ? { limit: Number(limit) } : {}),
    ...(nextToken !== null && nextToken !== '' ? { nextToken } : {}),
  };
}

function resourceOperations(kind: Kind): Operation[] {
  const collection = COLLECTION_PATH[kind].split('/').filter(Boolean);
  const nameField = NAME_FIELD[kind];
  const item = [...collection, `{${nameField}}`];
  const { one, many } = TYPE_NAME[kind];
  return [
    {
      name: `Create${one}`,
      method: 'PUT',
      segments: collection,
      async run({ mesh: service }, { params, query, body }) {
        onlyMembers(body, [nameField, 'spec', 'tags', 'clientToken']);
        checkMeshOwner(service, query);
        return toData(await service.create(keyOf(kind, params, body[nameField]), body), service.partition);
      },
    },
    {
      name: `Describe${one}`,
      method: 'GET',
      segments: item,
      async run({ mesh: service }, { params, query }) {
        checkMeshOwner(service, query);
        return toData(await service.describe(keyOf(kind, params, params[nameField])), service.partition);
      },
    },
    {
      name: `Update${one}`,
      method: 'PUT',
      segments: item,
      async run({ mesh: service }, { params, query, body }) {
        onlyMembers(body, ['spec', 'clientToken']);
        checkMeshOwner(service, query);
        return toData(await service.update(keyOf(kind, params, params[nameField]), body), service.partition);
      },
    },
    {
      name: `Delete${one}`,
      method: 'DELETE',
      segments: item,
      async run({ mesh: service }, { params, query }) {
        checkMeshOwner(service, query);
        return toData(await service.delete(keyOf(kind, params, params[nameField])), service.partition);
      },
    },
    {
      name: `List${many}`,
      method: 'GET',
      segments: collection,
      async run({ mesh: service }, { params, query }) {
        checkMeshOwner(service, query);
        const parentField = PARENT_NAME_FIELD[kind];
        const page = await service.list(
          {
            kind,
            ...(kind !== 'mesh' ? { meshName: params.meshName } : {}),
            ...(parentField !== undefined ? { parentName: params[parentField] } : {}),
          },
          pageOf(query),
        );
        return {
          [LIST_MEMBER[kind]]: page.items.map((record) => toRef(record, service.partition)),
          ...(page.nextToken !== undefined ? { nextToken: page.nextToken } : {}),
        };
      },
    },
  ];
}

const tagOperations: Operation[] = [
  {
    name: 'TagResource',
    method: 'PUT',
    segments: ['v20190125', 'tag'],
    async run({ mesh: service }, { query, body }) {
      onlyMembers(body, ['tags']);
      await service.tagResource(query.get('resourceArn') ?? undefined, body.tags);
      return {};
    },
  },
  {
    name: 'UntagResource',
    method: 'PUT',
    segments: ['v20190125', 'untag'],
    async run({ mesh: service }, { query, body }) {
      onlyMembers(body, ['tagKeys']);
      await service.untagResource(query.get('resourceArn') ?? undefined, body.tagKeys);
      return {};
    },
  },
  {
    name: 'ListTagsForResource',
    method: 'GET',
    segments: ['v20190125', 'tags'],
    async run({ mesh: service }, { query }) {
      return service.listTags(query.get('resourceArn') ?? undefined, pageOf(query));
    },
  },
];

export const APP_MESH_OPERATIONS: readonly Operation[] = [
  ...KINDS.flatMap(resourceOperations),
  ...tagOperations,
];
