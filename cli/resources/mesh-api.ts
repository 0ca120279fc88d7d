// The App Mesh operations the CLI needs, by kind, through the official SDK client: the one place it is called.

import {
  type AppMeshClient,
  CreateGatewayRouteCommand,
  CreateMeshCommand,
  CreateRouteCommand,
  CreateVirtualGatewayCommand,
  CreateVirtualNodeCommand,
  CreateVirtualRouterCommand,
  CreateVirtualServiceCommand,
  DeleteGatewayRouteCommand,
  DeleteMeshCommand,
  DeleteRouteCommand,
  DeleteVirtualGatewayCommand,
  DeleteVirtualNodeCommand,
  DeleteVirtualRouterCommand,
  DeleteVirtualServiceCommand,
  DescribeGatewayRouteCommand,
  DescribeMeshCommand,
  DescribeRouteCommand,
  DescribeVirtualGatewayCommand,
  DescribeVirtualNodeCommand,
  DescribeVirtualRouterCommand,
  DescribeVirtualServiceCommand,
  ListGatewayRoutesCommand,
  ListMeshesCommand,
  ListRoutesCommand,
  ListTagsForResourceCommand,
  ListVirtualGatewaysCommand,
  ListVirtualNodesCommand,
  ListVirtualRoutersCommand,
  ListVirtualServicesCommand,
  NotFoundException,
  type TagRef,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateGatewayRouteCommand,
  UpdateMeshCommand,
  UpdateRouteCommand,
  UpdateVirtualGatewayCommand,
  UpdateVirtualNodeCommand,
  UpdateVirtualRouterCommand,
  UpdateVirtualServiceCommand,
} from '@aws-sdk/client-app-mesh';
import { type Kind, NAME_FIELD, PARENT_NAME_FIELD, PLURAL_MEMBER } from './kinds.js';

/** Where one resource is: its kind, mesh, router or gateway (routes and gateway routes), name. */
export interface ResourceAddress {
  readonly kind: Kind;
  readonly meshName: string;
  readonly parentName?: string;
  readonly name: string;
  /** @default - the caller's account */
  readonly meshOwner?: string;
}

/** What Describe returns for one resource (`MeshData`, `VirtualNodeData`, …). */
export type ResourceData = Record<string, unknown> & {
  readonly spec?: Record<string, unknown>;
  readonly metadata?: { readonly arn?: string; readonly version?: number; readonly createdAt?: Date };
  readonly status?: { readonly status?: string };
};

// biome-ignore lint/suspicious/noExplicitAny: one table over seven command classes with their own input types
type AnyCommand = new (input: any) => any;

const COMMANDS: Record<Kind, Record<'create' | 'describe' | 'update' | 'delete' | 'list', AnyCommand>> = {
  mesh: {
    create: CreateMeshCommand,
    describe: DescribeMeshCommand,
    update: UpdateMeshCommand,
    delete: DeleteMeshCommand,
    list: ListMeshesCommand,
  },
  virtualService: {
    create: CreateVirtualServiceCommand,
    describe: DescribeVirtualServiceCommand,
    update: UpdateVirtualServiceCommand,
    delete: DeleteVirtualServiceCommand,
    list: ListVirtualServicesCommand,
  },
  virtualNode: {
    create: CreateVirtualNodeCommand,
    describe: DescribeVirtualNodeCommand,
    update: UpdateVirtualNodeCommand,
    delete: DeleteVirtualNodeCommand,
    list: ListVirtualNodesCommand,
  },
  virtualRouter: {
    create: CreateVirtualRouterCommand,
    describe: DescribeVirtualRouterCommand,
    update: UpdateVirtualRouterCommand,
    delete: DeleteVirtualRouterCommand,
    list: ListVirtualRoutersCommand,
  },
  route: {
    create: CreateRouteCommand,
    describe: DescribeRouteCommand,
    update: UpdateRouteCommand,
    delete: DeleteRouteCommand,
    list: ListRoutesCommand,
  },
  virtualGateway: {
    create: CreateVirtualGatewayCommand,
    describe: DescribeVirtualGatewayCommand,
    update: UpdateVirtualGatewayCommand,
    delete: DeleteVirtualGatewayCommand,
    list: ListVirtualGatewaysCommand,
  },
  gatewayRoute: {
    create: CreateGatewayRouteCommand,
    describe: DescribeGatewayRouteCommand,
    update: UpdateGatewayRouteCommand,
    delete: DeleteGatewayRouteCommand,
    list: ListGatewayRoutesCommand,
  },
};

/** The member of Describe/Create/Update/Delete output holding the data (`virtualNode`). */
function dataMember(kind: Kind): string {
  return kind;
}

function addressInput(address: ResourceAddress): Record<string, unknown> {
  const input: Record<string, unknown> = { meshName: address.meshName };
  const parentField = PARENT_NAME_FIELD[address.kind];
  if (parentField !== undefined) input[parentField] = address.parentName;
  input[NAME_FIELD[address.kind]] = address.name;
  if (address.meshOwner !== undefined) input.meshOwner = address.meshOwner;
  return input;
}

async function send(
  client: AppMeshClient,
  command: AnyCommand,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  // biome-ignore lint/suspicious/noExplicitAny: see AnyCommand
  return (await client.send(new command(input) as any)) as unknown as Record<string, unknown>;
}

/** The resource as Describe returns it, or undefined when it does not exist. */
export async function describeResource(
  client: AppMeshClient,
  address: ResourceAddress,
): Promise<ResourceData | undefined> {
  try {
    const output = await send(client, COMMANDS[address.kind].describe, addressInput(address));
    return output[dataMember(address.kind)] as ResourceData;
  } catch (error) {
    if (error instanceof NotFoundException) return undefined;
    throw error;
  }
}

export async function createResource(
  client: AppMeshClient,
  address: ResourceAddress,
  spec: Record<string, unknown> | undefined,
  tags: readonly TagRef[] | undefined,
): Promise<ResourceData> {
  const input = {
    ...addressInput(address),
    ...(spec !== undefined ? { spec } : {}),
    ...(tags !== undefined ? { tags } : {}),
  };
  const output = await send(client, COMMANDS[address.kind].create, input);
  return output[dataMember(address.kind)] as ResourceData;
}

export async function updateResource(
  client: AppMeshClient,
  address: ResourceAddress,
  spec: Record<string, unknown> | undefined,
): Promise<ResourceData> {
  const output = await send(client, COMMANDS[address.kind].update, {
    ...addressInput(address),
    spec: spec ?? {},
  });
  return output[dataMember(address.kind)] as ResourceData;
}

export async function deleteResource(client: AppMeshClient, address: ResourceAddress): Promise<ResourceData> {
  const output = await send(client, COMMANDS[address.kind].delete, addressInput(address));
  return output[dataMember(address.kind)] as ResourceData;
}

/** The names of every resource of `kind` in the mesh (or router/gateway), following `nextToken`. */
export async function listNames(
  client: AppMeshClient,
  scope: { readonly kind: Kind; readonly meshName?: string; readonly parentName?: string },
): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const input: Record<string, unknown> = { ...(nextToken !== undefined ? { nextToken } : {}) };
    if (scope.kind !== 'mesh') input.meshName = scope.meshName;
    const parentField = PARENT_NAME_FIELD[scope.kind];
    if (parentField !== undefined) input[parentField] = scope.parentName;
    const output = await send(client, COMMANDS[scope.kind].list, input);
    const refs = (output[PLURAL_MEMBER[scope.kind]] ?? []) as Record<string, unknown>[];
    for (const ref of refs) names.push(String(ref[NAME_FIELD[scope.kind]]));
    nextToken = output.nextToken as string | undefined;
  } while (nextToken !== undefined);
  return names;
}

/** Every tag on the resource with this ARN. */
export async function listTags(client: AppMeshClient, resourceArn: string): Promise<TagRef[]> {
  const tags: TagRef[] = [];
  let nextToken: string | undefined;
  do {
    const output = await client.send(
      new ListTagsForResourceCommand({ resourceArn, ...(nextToken !== undefined ? { nextToken } : {}) }),
    );
    tags.push(...(output.tags ?? []));
    nextToken = output.nextToken;
  } while (nextToken !== undefined);
  return tags;
}

/** Makes the resource's tags exactly `wanted`, given what it has now. */
export async function replaceTags(
  client: AppMeshClient,
  resourceArn: string,
  current: readonly TagRef[],
  wanted: readonly TagRef[],
): Promise<void> {
  const stale = current.filter((tag) => !wanted.some((w) => w.key === tag.key)).map((tag) => tag.key!);
  if (stale.length > 0) await client.send(new UntagResourceCommand({ resourceArn, tagKeys: stale }));
  const changed = wanted.filter((tag) => !current.some((c) => c.key === tag.key && c.value === tag.value));
  if (changed.length > 0) await client.send(new TagResourceCommand({ resourceArn, tags: [...changed] }));
}
