// The `tessera dev` file: the mesh's App Mesh resources plus the services to run on this machine, read and
// checked whole (every problem with its file:line:column) before anything starts.

import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLMap } from 'yaml';
import { parseResourceFile } from '../resources/apply-resources.js';
import { ResourceFileError } from '../resources/errors.js';
import type { ResourceInput } from '../resources/resource-input.js';

/** Requests per second the load generator may be asked for. */
export const MAX_LOAD_RATE = 1_000;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Set by `tessera dev` for each app; a service's `env` may not override them. */
export const RESERVED_ENV = ['PORT', 'TESSERA_EGRESS', 'HTTP_PROXY', 'http_proxy'] as const;

/** One service: its app, run as `command`, behind its own proxy for the virtual node `name`. */
export interface DevService {
  /** The virtual node. */
  readonly name: string;
  readonly meshName: string;
  /** A shell command line, or an argv list run without a shell. */
  readonly command: string | readonly string[];
  /** Extra environment for the app. @default {} */
  readonly env: Readonly<Record<string, string>>;
  /** The app's port on 127.0.0.1 (also given to it as `PORT`). @default - a free port */
  readonly port?: number;
  /** The virtual node's listener port. @default - none: the node takes no inbound traffic */
  readonly listenerPort?: number;
}

/** The built-in load generator: `rate` GETs per second of `path` to `service`'s proxy ingress. */
export interface DevLoad {
  readonly service: string;
  readonly rate: number;
  /** @default '/' */
  readonly path: string;
}

export interface DevFile {
  /** The file as named on the command line. */
  readonly fileName: string;
  /** Apps run in this folder (the file's). */
  readonly dir: string;
  readonly resources: readonly ResourceInput[];
  readonly services: readonly DevService[];
  readonly load?: DevLoad;
}

/** A dev file with problems; `problems` are `file:line:col path: message` lines, all of them. */
export class DevFileError extends Error {
  override readonly name = 'DevFileError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

/** Reads and checks a dev file; throws `DevFileError` listing every problem. */
export function parseDevFile(text: string, fileName: string): DevFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const problems: string[] = [];
  const at = (node: Node | null | undefined, path: string, message: string) => {
    const offset = node?.range?.[0];
    const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
    const location = pos === undefined ? fileName : `${fileName}:${pos.line}:${pos.col}`;
    problems.push(`${location}${path === '' ? '' : ` ${path}`}: ${message}`);
  };
  for (const error of doc.errors) {
    const [pos] = error.linePos ?? [];
    const location = pos === undefined ? fileName : `${fileName}:${pos.line}:${pos.col}`;
    problems.push(`${location}: ${error.message.split(' at line ')[0]!.split('\n')[0]}`);
  }
  if (problems.length > 0) throw new DevFileError(problems);

  const root = doc.contents;
  if (!isMap(root)) {
    at(root, '', `must be a mapping with resources: and services:, got ${describe(root)}`);
    throw new DevFileError(problems);
  }
  checkKeys(root, '', ['resources', 'services', 'load'], at);

  // The resources, read by the same parser as `tessera apply -f`.
  let resources: readonly ResourceInput[] = [];
  const resourcesNode = root.get('resources', true) as Node | undefined;
  if (!isSeq(resourcesNode)) {
    at(
      resourcesNode ?? root,
      'resources',
      `must be a list of App Mesh resources, got ${describe(resourcesNode)}`,
    );
  } else {
    try {
      resources = parseResourceFile(text, fileName);
    } catch (error) {
      if (!(error instanceof ResourceFileError)) throw error;
      for (const p of error.problems) {
        problems.push(`${p.location ?? fileName}${p.path ? ` ${p.path}` : ''}: ${p.message}`);
      }
    }
  }
  const nodes = virtualNodes(resources);
  const meshes = [...new Set(resources.map((r) => r.input.meshName).filter((m) => typeof m === 'string'))];

  const services: DevService[] = [];
  const servicesNode = root.get('services', true) as Node | undefined;
  if (!isSeq(servicesNode) || servicesNode.items.length === 0) {
    at(
      servicesNode ?? root,
      'services',
      `must be a non-empty list of services, got ${describe(servicesNode)}`,
    );
  } else {
    const names = new Set<string>();
    const ports = new Set<number>();
    servicesNode.items.forEach((item, i) => {
      const path = `services[${i}]`;
      if (!isMap(item)) {
        at(item as Node, path, `must be a mapping with name: and command:, got ${describe(item as Node)}`);
        return;
      }
      checkKeys(item, path, ['name', 'mesh', 'command', 'env', 'port'], at);
      const name = requiredName(item, 'name', path, at);
      const meshNode = item.get('mesh', true) as Node | undefined;
      let meshName: string | undefined;
      if (meshNode !== undefined) {
        meshName = requiredName(item, 'mesh', path, at);
      } else if (meshes.length === 1) {
        meshName = meshes[0] as string;
      } else if (meshes.length > 1 && name !== undefined) {
        const holding = meshes.filter((m) => nodes.has(`${m}/${name}`));
        if (holding.length === 1) meshName = holding[0] as string;
        else
          at(item, `${path}.mesh`, `is required: the resources hold several meshes (${meshes.join(', ')})`);
      }
      let node: VirtualNodeInfo | undefined;
      if (name !== undefined) {
        if (names.has(name))
          at(item.get('name', true) as Node, `${path}.name`, `must be unique, got "${name}" twice`);
        names.add(name);
        if (meshName !== undefined && resources.length > 0) {
          node = nodes.get(`${meshName}/${name}`);
          if (node === undefined) {
            at(
              item.get('name', true) as Node,
              `${path}.name`,
              `must name a VirtualNode in resources (mesh "${meshName}"), got "${name}"`,
            );
          } else if (node.listenerPorts.length > 1) {
            at(
              item.get('name', true) as Node,
              `${path}.name`,
              `virtual node "${name}" has ${node.listenerPorts.length} listeners; tessera dev runs nodes with at most one`,
            );
          }
        }
      }
      const command = commandOf(item, path, at);
      const env = envOf(item, path, at);
      const port = portOf(item, path, at);
      if (port !== undefined) {
        if (ports.has(port))
          at(item.get('port', true) as Node, `${path}.port`, `must be unique, got ${port} twice`);
        ports.add(port);
      }
      if (name !== undefined && meshName !== undefined && command !== undefined && env !== undefined) {
        services.push({
          name,
          meshName,
          command,
          env,
          ...(port !== undefined ? { port } : {}),
          ...(node?.listenerPorts.length === 1 ? { listenerPort: node.listenerPorts[0] } : {}),
        });
      }
    });
  }

  const load = loadOf(root, services, at);
  if (problems.length > 0) throw new DevFileError(problems);
  return {
    fileName,
    dir: dirname(resolve(fileName)),
    resources,
    services,
    ...(load !== undefined ? { load } : {}),
  };
}

type Report = (node: Node | null | undefined, path: string, message: string) => void;

interface VirtualNodeInfo {
  readonly listenerPorts: readonly number[];
}

/** `mesh/node` → the node's listener ports, for every VirtualNode in the resources. */
function virtualNodes(resources: readonly ResourceInput[]): Map<string, VirtualNodeInfo> {
  const nodes = new Map<string, VirtualNodeInfo>();
  for (const { kind, input } of resources) {
    if (kind !== 'virtualNode') continue;
    const spec = (input.spec ?? {}) as { listeners?: { portMapping?: { port?: unknown } }[] };
    const listenerPorts = (Array.isArray(spec.listeners) ? spec.listeners : [])
      .map((l) => l?.portMapping?.port)
      .filter((p): p is number => typeof p === 'number');
    nodes.set(`${input.meshName}/${input.virtualNodeName}`, { listenerPorts });
  }
  return nodes;
}

function checkKeys(map: YAMLMap, path: string, allowed: readonly string[], at: Report): void {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined || !allowed.includes(key)) {
      at(
        pair.key as Node,
        path === '' ? String(key) : `${path}.${key}`,
        `is not a known field (expected ${allowed.join(', ')})`,
      );
    }
  }
}

function requiredName(map: YAMLMap, field: string, path: string, at: Report): string | undefined {
  const node = map.get(field, true) as Node | undefined;
  if (node === undefined) {
    at(map, `${path}.${field}`, 'is required');
    return undefined;
  }
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    at(node, `${path}.${field}`, `must be a resource name (letters, digits, . _ -), got ${describe(node)}`);
    return undefined;
  }
  return value;
}

function commandOf(map: YAMLMap, path: string, at: Report): string | readonly string[] | undefined {
  const node = map.get('command', true) as Node | undefined;
  if (node === undefined) {
    at(map, `${path}.command`, 'is required (a shell command line, or a list of arguments)');
    return undefined;
  }
  if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') return node.value;
  if (isSeq(node) && node.items.length > 0) {
    const args = node.items.map((arg) =>
      isScalar(arg) && typeof arg.value !== 'object' ? String(arg.value) : undefined,
    );
    const bad = args.findIndex((arg) => arg === undefined || arg === '');
    if (bad < 0) return args as string[];
    at(
      node.items[bad] as Node,
      `${path}.command[${bad}]`,
      `must be a non-empty string, got ${describe(node.items[bad] as Node)}`,
    );
    return undefined;
  }
  at(
    node,
    `${path}.command`,
    `must be a command line or a non-empty list of arguments, got ${describe(node)}`,
  );
  return undefined;
}

function envOf(map: YAMLMap, path: string, at: Report): Record<string, string> | undefined {
  const node = map.get('env', true) as Node | undefined;
  if (node === undefined) return {};
  if (!isMap(node)) {
    at(node, `${path}.env`, `must be a mapping of variable names to values, got ${describe(node)}`);
    return undefined;
  }
  const env: Record<string, string> = {};
  let ok = true;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (!ENV_NAME_PATTERN.test(key)) {
      at(pair.key as Node, `${path}.env`, `must have variable names (letters, digits, _), got "${key}"`);
      ok = false;
    } else if ((RESERVED_ENV as readonly string[]).includes(key)) {
      at(
        pair.key as Node,
        `${path}.env.${key}`,
        'is set by tessera dev (the app port and its proxy) and cannot be given',
      );
      ok = false;
    } else if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
      at(value, `${path}.env.${key}`, `must be a string, number or boolean, got ${describe(value)}`);
      ok = false;
    } else {
      env[key] = String(value.value);
    }
  }
  return ok ? env : undefined;
}

function portOf(map: YAMLMap, path: string, at: Report): number | undefined {
  const node = map.get('port', true) as Node | undefined;
  if (node === undefined) return undefined;
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    at(node, `${path}.port`, `must be a port number (1–65535), got ${describe(node)}`);
    return undefined;
  }
  return value;
}

function loadOf(root: YAMLMap, services: readonly DevService[], at: Report): DevLoad | undefined {
  const node = root.get('load', true) as Node | undefined;
  if (node === undefined) return undefined;
  if (!isMap(node)) {
    at(node, 'load', `must be a mapping with service: and rate:, got ${describe(node)}`);
    return undefined;
  }
  checkKeys(node, 'load', ['service', 'rate', 'path'], at);
  const service = requiredName(node, 'service', 'load', at);
  if (service !== undefined) {
    const target = services.find((s) => s.name === service);
    if (target === undefined) {
      at(
        node.get('service', true) as Node,
        'load.service',
        `must name one of services[].name, got "${service}"`,
      );
    } else if (target.listenerPort === undefined) {
      at(
        node.get('service', true) as Node,
        'load.service',
        `virtual node "${service}" has no listener to send requests to`,
      );
    }
  }
  const rateNode = node.get('rate', true) as Node | undefined;
  const rate = isScalar(rateNode) ? rateNode.value : undefined;
  if (rateNode === undefined) at(node, 'load.rate', 'is required (requests per second)');
  else if (typeof rate !== 'number' || !(rate > 0) || rate > MAX_LOAD_RATE) {
    at(
      rateNode,
      'load.rate',
      `must be a number of requests per second above 0 and at most ${MAX_LOAD_RATE}, got ${describe(rateNode)}`,
    );
  }
  const pathNode = node.get('path', true) as Node | undefined;
  const path = pathNode === undefined ? '/' : isScalar(pathNode) ? pathNode.value : undefined;
  if (typeof path !== 'string' || !path.startsWith('/')) {
    at(pathNode, 'load.path', `must be a path starting with /, got ${describe(pathNode)}`);
  }
  if (service === undefined || typeof rate !== 'number' || typeof path !== 'string') return undefined;
  return { service, rate, path };
}

/** A value as a message shows it: `"abc"`, `70000`, `a list`, `a mapping`, `nothing`. */
function describe(node: Node | null | undefined): string {
  if (node === undefined || node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null) return 'nothing';
    return typeof node.value === 'string' ? `"${node.value}"` : String(node.value);
  }
  return 'an alias';
}
