// `tessera get KIND [NAME] --mesh M`: App Mesh resources as a table, or as Describe returns them (json, yaml).

import type { AppMeshClient } from '@aws-sdk/client-app-mesh';
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { withControlPlane } from '../client.js';
import {
  describeResource as describeText,
  type Kind,
  NAME_FIELD,
  PLURAL_MEMBER,
} from '../resources/kinds.js';
import { describeResource, listNames, type ResourceData } from '../resources/mesh-api.js';
import { KIND_HELP, type Scope, type ScopeFlags, scopeOf } from '../resources/resource-scope.js';

/** How many Describe calls a listing makes at once. */
const DESCRIBE_CONCURRENCY = 8;

interface GetOptions extends ScopeFlags {
  readonly output: 'table' | 'json' | 'yaml';
  readonly controlPlane?: string;
}

export function getCommand(): Command {
  return new Command('get')
    .description('show App Mesh resources (-o json prints what Describe returns, and applies back as it is)')
    .argument('<kind>', KIND_HELP)
    .argument('[name]', 'one resource (default: all of that kind)')
    .option('--mesh <mesh>', 'mesh name (not for meshes)')
    .option('--virtual-router <router>', 'virtual router of the routes (default: every router in the mesh)')
    .option(
      '--virtual-gateway <gateway>',
      'virtual gateway of the gateway routes (default: every gateway in the mesh)',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    )
    .option(
      '--control-plane <url>',
      'control plane base URL [TESSERA_CONTROL_PLANE, default http://127.0.0.1:7070]',
    )
    .action(async (kindText: string, name: string | undefined, options: GetOptions) => {
      await withControlPlane('get', options, async (client) => {
        const scope = scopeOf(kindText, name, options, false);
        if (name !== undefined) {
          const data = await getOne(client, scope, name);
          print(options.output, { [scope.kind]: data }, [data], scope.kind);
        } else {
          const items = await getAll(client, scope);
          print(options.output, { [PLURAL_MEMBER[scope.kind]]: items }, items, scope.kind);
        }
        return 0;
      });
    });
}

async function getOne(client: AppMeshClient, scope: Scope, name: string): Promise<ResourceData> {
  const meshName = scope.kind === 'mesh' ? name : scope.meshName;
  if ((scope.kind === 'route' || scope.kind === 'gatewayRoute') && scope.parentName === undefined) {
    // Find it in whichever router or gateway holds it.
    const found = (await getAll(client, scope)).filter((item) => item[NAME_FIELD[scope.kind]] === name);
    if (found.length === 1) return found[0]!;
    if (found.length > 1) {
      throw new Error(
        `${name} is in more than one ${scope.kind === 'route' ? 'virtual router' : 'virtual gateway'}; name one with --${scope.kind === 'route' ? 'virtual-router' : 'virtual-gateway'}`,
      );
    }
    throw new Error(`NotFoundException: ${describeText(scope.kind, meshName, name)} does not exist`);
  }
  const data = await describeResource(client, { ...scope, meshName, name });
  if (data === undefined) {
    throw new Error(
      `NotFoundException: ${describeText(scope.kind, meshName, name, scope.parentName)} does not exist`,
    );
  }
  return data;
}

async function getAll(client: AppMeshClient, scope: Scope): Promise<ResourceData[]> {
  const addresses: { kind: Kind; meshName: string; parentName?: string; name: string }[] = [];
  if (scope.kind === 'mesh') {
    for (const name of await listNames(client, { kind: 'mesh' }))
      addresses.push({ kind: 'mesh', meshName: name, name });
  } else if ((scope.kind === 'route' || scope.kind === 'gatewayRoute') && scope.parentName === undefined) {
    const parentKind = scope.kind === 'route' ? 'virtualRouter' : 'virtualGateway';
    for (const parentName of await listNames(client, { kind: parentKind, meshName: scope.meshName })) {
      for (const name of await listNames(client, { ...scope, parentName }))
        addresses.push({ ...scope, parentName, name });
    }
  } else {
    for (const name of await listNames(client, scope)) addresses.push({ ...scope, name });
  }
  const out: (ResourceData | undefined)[] = new Array(addresses.length);
  let next = 0;
  const worker = async () => {
    while (next < addresses.length) {
      const index = next++;
      out[index] = await describeResource(client, addresses[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DESCRIBE_CONCURRENCY, addresses.length) }, worker));
  // A resource deleted between List and Describe is left out.
  return out.filter((item): item is ResourceData => item !== undefined);
}

function print(
  format: GetOptions['output'],
  document: Record<string, unknown>,
  items: readonly ResourceData[],
  kind: Kind,
): void {
  // Dates as ISO strings, as JSON carries them.
  const plain = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
  if (format === 'json') console.log(JSON.stringify(plain, null, 2));
  else if (format === 'yaml') process.stdout.write(stringify(plain, { lineWidth: 0 }));
  else console.log(table(items, kind));
}

function table(items: readonly ResourceData[], kind: Kind): string {
  if (items.length === 0) return 'no resources found';
  const parentField =
    kind === 'route' ? 'virtualRouterName' : kind === 'gatewayRoute' ? 'virtualGatewayName' : undefined;
  const header = [
    'NAME',
    ...(parentField !== undefined ? [kind === 'route' ? 'ROUTER' : 'GATEWAY'] : []),
    ...(kind !== 'mesh' ? ['MESH'] : []),
    'VERSION',
    'STATUS',
    'AGE',
  ];
  const now = Date.now();
  const rows = items.map((item) => [
    String(item[NAME_FIELD[kind]]),
    ...(parentField !== undefined ? [String(item[parentField])] : []),
    ...(kind !== 'mesh' ? [String(item.meshName)] : []),
    String(item.metadata?.version ?? ''),
    String(item.status?.status ?? ''),
    item.metadata?.createdAt !== undefined ? age(now - new Date(item.metadata.createdAt).getTime()) : '',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

/** `42s`, `5m`, `3h`, `12d`. */
export function age(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 120 * 60) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}
