// Builds a mesh's records for compiler tests, and compiles a proxy's snapshot from them.

import {
  type CompileResult,
  compileSnapshot,
  type ProxyIdentity,
} from '../../control-plane/compiler/index.js';
import { parseSnapshot, type RequestRoute, type Snapshot } from '../../control-plane/snapshot/index.js';
import type { ResourceRecord } from '../../control-plane/store/store.js';
import { keys, newRecord } from './records.js';

type Spec = Record<string, unknown>;

/** A virtual node spec with DNS discovery and one listener per `port:protocol` (default `8080:http`). */
export function nodeSpec(name: string, listeners: readonly string[] = ['8080:http'], extra: Spec = {}): Spec {
  return {
    serviceDiscovery: { dns: { hostname: `${name}.demo.local` } },
    listeners: listeners.map((listener) => {
      const [port, protocol] = listener.split(':');
      return { portMapping: { port: Number(port), protocol } };
    }),
    ...extra,
  };
}

/** An httpRoute spec with these targets and match (default prefix `/`). */
export function httpRoute(
  targets: readonly { virtualNode: string; weight: number; port?: number }[],
  route: Spec = {},
  priority?: number,
): Spec {
  const { match = { prefix: '/' }, ...rest } = route;
  return {
    ...(priority !== undefined ? { priority } : {}),
    httpRoute: { match, action: { weightedTargets: targets }, ...rest },
  };
}

/** Records of one mesh, built fluently; the mesh uid is fixed so equal meshes compile equally. */
export class MeshBuilder {
  readonly meshName: string;
  meshSpec: Spec;
  readonly #records = new Map<string, ResourceRecord>();

  constructor(meshName = 'demo', meshSpec: Spec = { egressFilter: { type: 'DROP_ALL' } }) {
    this.meshName = meshName;
    this.meshSpec = meshSpec;
  }

  node(name: string, spec: Spec): this {
    return this.#put(newRecord(keys.virtualNode(this.meshName, name), { spec }));
  }

  /** A virtual service provided by a router (`router:`), a node (`node:`), or nothing (`none`). */
  service(name: string, provider: string): this {
    const [kind, target] = provider.split(':');
    const spec =
      kind === 'router'
        ? { provider: { virtualRouter: { virtualRouterName: target } } }
        : kind === 'node'
          ? { provider: { virtualNode: { virtualNodeName: target } } }
          : {};
    return this.#put(newRecord(keys.virtualService(this.meshName, name), { spec }));
  }

  router(name: string, listeners: readonly string[] = ['8080:http']): this {
    const spec = {
      listeners: listeners.map((listener) => {
        const [port, protocol] = listener.split(':');
        return { portMapping: { port: Number(port), protocol } };
      }),
    };
    return this.#put(newRecord(keys.virtualRouter(this.meshName, name), { spec }));
  }

  route(router: string, name: string, spec: Spec): this {
    return this.#put(newRecord(keys.route(this.meshName, router, name), { spec }));
  }

  gateway(name: string, spec: Spec): this {
    return this.#put(newRecord(keys.virtualGateway(this.meshName, name), { spec }));
  }

  gatewayRoute(gateway: string, name: string, spec: Spec): this {
    return this.#put(newRecord(keys.gatewayRoute(this.meshName, gateway, name), { spec }));
  }

  /** Removes a resource by kind and name (`route` and `gatewayRoute` names are `parent/name`). */
  remove(kind: string, name: string): this {
    this.#records.delete(`${kind}/${name}`);
    return this;
  }

  get mesh(): ResourceRecord {
    return { ...newRecord(keys.mesh(this.meshName), { spec: this.meshSpec }), uid: `uid-${this.meshName}` };
  }

  get resources(): ResourceRecord[] {
    return [...this.#records.values()];
  }

  compile(proxy: ProxyIdentity, resources: readonly ResourceRecord[] = this.resources): CompileResult {
    return compileSnapshot({ mesh: this.mesh, resources, proxy });
  }

  /** The snapshot of virtual node `name`; fails the test when there is none. */
  nodeSnapshot(name: string): Snapshot {
    return expectSnapshot(this.compile({ kind: 'virtualNode', name }));
  }

  /** The snapshot of virtual gateway `name`; fails the test when there is none. */
  gatewaySnapshot(name: string): Snapshot {
    return expectSnapshot(this.compile({ kind: 'virtualGateway', name }));
  }

  #put(record: ResourceRecord): this {
    const { kind, parentName, name } = record.key;
    this.#records.set(`${kind}/${parentName === undefined ? '' : `${parentName}/`}${name}`, record);
    return this;
  }
}

/** The compiled snapshot, which must also pass the proxy's own check; fails the test otherwise. */
export function expectSnapshot(result: CompileResult): Snapshot {
  if (!result.ok) throw new Error(`expected a snapshot, got ${result.reason}`);
  const parsed = parseSnapshot(result.json);
  if (!parsed.ok) throw new Error(`the compiled snapshot does not parse: ${parsed.error}`);
  return result.snapshot;
}

/** The routes of virtual service `name` in `snapshot`. */
export function serviceOf(snapshot: Snapshot, name: string): Snapshot['virtualServices'][number] {
  const service = snapshot.virtualServices.find((candidate) => candidate.name === name);
  if (service === undefined) throw new Error(`no virtual service ${name} in the snapshot`);
  return service;
}

/** The virtual service every `routeMesh` front node calls. */
export const SERVICE = 'colors.demo.local';

/**
 * A mesh where node `front` calls `colors.demo.local`, provided by router `colors` (with `routerListeners`),
 * whose routes target nodes `blue` and `green` (each one http listener on 8080 unless given in `nodes`).
 */
export function routeMesh(
  routes: Record<string, Spec>,
  options: { routerListeners?: readonly string[]; nodes?: Record<string, Spec> } = {},
): MeshBuilder {
  const mesh = new MeshBuilder()
    .node(
      'front',
      nodeSpec('front', ['8080:http'], { backends: [{ virtualService: { virtualServiceName: SERVICE } }] }),
    )
    .service(SERVICE, 'router:colors')
    .router('colors', options.routerListeners ?? ['8080:http']);
  const nodes = { blue: nodeSpec('blue'), green: nodeSpec('green'), ...options.nodes };
  for (const [name, spec] of Object.entries(nodes)) mesh.node(name, spec);
  for (const [name, spec] of Object.entries(routes)) mesh.route('colors', name, spec);
  return mesh;
}

/** The snapshot of `front` in a `routeMesh` with one route `only`, and that route compiled. */
export function compileOneRoute(
  spec: Spec,
  options: { routerListeners?: readonly string[]; nodes?: Record<string, Spec> } = {},
): { snapshot: Snapshot; route: Snapshot['virtualServices'][number]['routes'][number] } {
  const snapshot = routeMesh({ only: spec }, options).nodeSnapshot('front');
  const route = serviceOf(snapshot, SERVICE).routes[0];
  if (route === undefined) throw new Error('the route was not compiled');
  return { snapshot, route };
}

/** Like `compileOneRoute`, for an http, http2 or grpc route (fails the test for a tcp one). */
export function compileRequestRoute(
  spec: Spec,
  options: { routerListeners?: readonly string[]; nodes?: Record<string, Spec> } = {},
): { snapshot: Snapshot; route: RequestRoute } {
  const { snapshot, route } = compileOneRoute(spec, options);
  if (route.protocol === 'tcp') throw new Error('expected an http, http2 or grpc route');
  return { snapshot, route };
}
