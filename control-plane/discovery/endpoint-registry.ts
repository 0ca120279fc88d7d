// The endpoint registry's use cases: proxies register, heartbeat and deregister their node's endpoint,
// guarded by the IAM principal bound to the node; proxies read the live endpoints of a set of nodes.

import { BadRequestError, ForbiddenError, NotFoundError, type Problem } from '../errors.js';
import { describeKey, type ResourceKey } from '../model/kinds.js';
import { validateName } from '../model/names.js';
import type { Endpoint, EndpointSet } from '../snapshot/endpoints.js';
import type { Store } from '../store/store.js';
import { MAX_NODES_PER_READ } from './constants.js';
import { buildEndpointSet } from './endpoint-set.js';
import type { EndpointStore } from './endpoint-store.js';
import { normalizePrincipal } from './principal.js';
import { listenerPortsOf } from './private/node-spec.js';
import { parseRegistration, pathProblems } from './registration.js';

export interface EndpointRegistryOptions {
  /** The mesh resources: a registration must name a virtual node that exists. */
  readonly store: Store;
  readonly endpoints: EndpointStore;
  /**
   * Whether registering and deregistering require an authenticated IAM principal. True behind the
   * Lambda front door (SigV4); false for the local control plane, which authenticates no one. Either
   * way, a principal that is present must be bound to the node.
   */
  readonly requirePrincipal: boolean;
  /** Epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** What a registration stored. */
export interface RegisteredEndpoint {
  readonly meshName: string;
  readonly virtualNodeName: string;
  readonly endpoint: Endpoint;
  readonly ttlSeconds: number;
  /** Epoch seconds: the endpoint disappears at this time unless a heartbeat comes first. */
  readonly expiresAt: number;
  /** True when the endpoint was already registered, alive and unchanged: only its expiry moved. */
  readonly heartbeat: boolean;
}

export interface Deregistration {
  readonly meshName: string;
  readonly virtualNodeName: string;
  readonly endpointId: string;
  /** False when there was nothing to remove (deregistering is idempotent). */
  readonly removed: boolean;
}

export type EndpointRead =
  | { readonly notModified: true; readonly version: string }
  | { readonly notModified: false; readonly set: EndpointSet };

export class EndpointRegistry {
  readonly #store: Store;
  readonly #endpoints: EndpointStore;
  readonly #requirePrincipal: boolean;
  readonly #now: () => number;

  constructor(options: EndpointRegistryOptions) {
    this.#store = options.store;
    this.#endpoints = options.endpoints;
    this.#requirePrincipal = options.requirePrincipal;
    this.#now = options.now ?? Date.now;
  }

  /** Registers the endpoint, or renews it (a heartbeat) when it is already registered unchanged. */
  async register(
    meshName: string,
    nodeName: string,
    endpointId: string,
    input: unknown,
    principal?: string,
  ): Promise<RegisteredEndpoint> {
    const registration = parseRegistration(meshName, nodeName, endpointId, input);
    await this.#authorize(meshName, nodeName, principal);
    const key: ResourceKey = { kind: 'virtualNode', meshName, name: nodeName };
    const node = await this.#store.get(key);
    if (node === undefined) throw new NotFoundError(`${describeKey(key)} does not exist`);
    checkListenerPorts(describeKey(key), node.spec, registration.ports);

    const now = this.#now();
    const expiresAt = Math.ceil((now + registration.ttlSeconds * 1000) / 1000);
    const endpoint: Endpoint = {
      id: endpointId,
      address: registration.address,
      ports: registration.ports.map(({ listenerPort, port }) => ({ listenerPort, port })),
      ...(registration.zone !== undefined ? { zone: registration.zone } : {}),
      ...(registration.attributes !== undefined ? { attributes: { ...registration.attributes } } : {}),
      source: 'proxy',
    };
    const outcome = await this.#endpoints.put({ meshName, nodeName, endpoint, expiresAt }, epochSeconds(now));
    return {
      meshName,
      virtualNodeName: nodeName,
      endpoint,
      ttlSeconds: registration.ttlSeconds,
      expiresAt,
      heartbeat: outcome === 'heartbeat',
    };
  }

  /** Removes the endpoint at once (a proxy shutting down). Idempotent. */
  async deregister(
    meshName: string,
    nodeName: string,
    endpointId: string,
    principal?: string,
  ): Promise<Deregistration> {
    const problems = pathProblems(meshName, nodeName, endpointId);
    if (problems.length > 0) throw new BadRequestError(problems);
    await this.#authorize(meshName, nodeName, principal);
    const removed = await this.#endpoints.delete(meshName, nodeName, endpointId);
    return { meshName, virtualNodeName: nodeName, endpointId, removed };
  }

  /**
   * The live endpoints of `nodeNames` (1–100; one consistent Query each), or `notModified` when the
   * set's version is `ifNoneMatch` (or `ifNoneMatch(version)` holds: the API passes the header's test).
   * Nodes without endpoints, or that do not exist, map to an empty list: a node may be created after
   * the proxies that call it. An unknown mesh is `NotFoundError`.
   */
  async read(
    meshName: string,
    nodeNames: readonly string[],
    ifNoneMatch?: string | ((version: string) => boolean),
  ): Promise<EndpointRead> {
    const problems: Problem[] = [...validateName('meshName', meshName)];
    if (nodeNames.length === 0)
      problems.push({ path: 'virtualNode', rule: 'must name at least 1 virtual node' });
    if (nodeNames.length > MAX_NODES_PER_READ) {
      problems.push({
        path: 'virtualNode',
        rule: `must name at most ${MAX_NODES_PER_READ} virtual nodes`,
        value: nodeNames.length,
      });
    }
    nodeNames.forEach((name, i) => {
      problems.push(...validateName(`virtualNode[${i}]`, name));
    });
    if (problems.length > 0) throw new BadRequestError(problems);
    if ((await this.#store.meshGeneration(meshName)) === undefined) {
      throw new NotFoundError(`mesh "${meshName}" does not exist`);
    }

    const nowSeconds = epochSeconds(this.#now());
    const names = [...new Set(nodeNames)];
    const lists = await Promise.all(
      names.map((name) => this.#endpoints.listNode(meshName, name, nowSeconds)),
    );
    const byNode = new Map(names.map((name, i) => [name, lists[i]!.map((record) => record.endpoint)]));
    const set = buildEndpointSet(meshName, names, (name) => byNode.get(name) ?? []);
    const unchanged =
      typeof ifNoneMatch === 'function' ? ifNoneMatch(set.version) : ifNoneMatch === set.version;
    if (unchanged) return { notModified: true, version: set.version };
    return { notModified: false, set };
  }

  /** Lets `principalArn` (a role, user, or assumed-role session ARN) register for the node. */
  async bindPrincipal(meshName: string, nodeName: string, principalArn: string): Promise<void> {
    checkBinding(meshName, nodeName, principalArn);
    await this.#endpoints.bind(meshName, nodeName, normalizePrincipal(principalArn));
  }

  async unbindPrincipal(meshName: string, nodeName: string, principalArn: string): Promise<void> {
    checkBinding(meshName, nodeName, principalArn);
    await this.#endpoints.unbind(meshName, nodeName, normalizePrincipal(principalArn));
  }

  async #authorize(meshName: string, nodeName: string, principal: string | undefined): Promise<void> {
    const node = `virtual node "${nodeName}" in mesh "${meshName}"`;
    if (principal === undefined || principal === '') {
      if (!this.#requirePrincipal) return;
      throw new ForbiddenError(
        `registering endpoints of ${node} requires an authenticated IAM principal bound to the node`,
      );
    }
    const normalized = normalizePrincipal(principal);
    if (await this.#endpoints.isBound(meshName, nodeName, normalized)) return;
    const as = normalized === principal ? '' : ` (as ${normalized})`;
    throw new ForbiddenError(
      `principal ${principal}${as} is not bound to ${node}, so it may not register or deregister its endpoints`,
    );
  }
}

const PRINCIPAL_ARN_PATTERN = /^arn:[a-z-]+:(iam|sts)::\d{12}:[!-~]+$/;

function checkBinding(meshName: string, nodeName: string, principalArn: string): void {
  const problems = pathProblems(meshName, nodeName);
  if (typeof principalArn !== 'string' || !PRINCIPAL_ARN_PATTERN.test(principalArn)) {
    problems.push({
      path: 'principalArn',
      rule: 'must be an IAM or STS principal ARN (arn:PARTITION:iam::ACCOUNT:…)',
      value: principalArn,
    });
  }
  if (problems.length > 0) throw new BadRequestError(problems);
}

/** Every `ports[i].listenerPort` must be a listener port of the node, or traffic would never arrive. */
function checkListenerPorts(
  node: string,
  spec: Record<string, unknown>,
  ports: readonly { readonly listenerPort: number }[],
): void {
  const listeners = listenerPortsOf(spec);
  const known = listeners.length === 0 ? `${node}, which has none` : `${node} (${listeners.join(', ')})`;
  const problems: Problem[] = [];
  ports.forEach(({ listenerPort }, i) => {
    if (!listeners.includes(listenerPort)) {
      problems.push({
        path: `ports[${i}].listenerPort`,
        rule: `must be a listener port of ${known}`,
        value: listenerPort,
      });
    }
  });
  if (problems.length > 0) throw new BadRequestError(problems);
}

function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}
