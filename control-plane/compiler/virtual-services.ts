// A virtual service as the proxy sees it: its provider's ports and routes, or nothing (503) when it cannot resolve.

import { DEFAULT_MATCH_PREFIX } from '../model/constants.js';
import type { Route, ServicePort, VirtualService } from '../snapshot/routes.js';
import type { ClientPolicy } from '../snapshot/tls.js';
import type { Context } from './context.js';
import { listenerTimeout } from './listeners.js';
import type { Site } from './notes.js';
import { retryPolicy } from './retry-policy.js';
import { compileRoutes } from './routes.js';
import { resolveTargets } from './targets.js';

/**
 * Compiles the virtual service `name`, as referenced at `from` (a backend or a gateway route target).
 * A missing service, a service without provider, or a missing provider yields no routes and a problem:
 * the proxy answers 503 for it.
 */
export function compileVirtualService(
  name: string,
  clientPolicy: ClientPolicy | undefined,
  from: Site,
  context: Context,
): VirtualService {
  const base = { name, ...(clientPolicy !== undefined ? { clientPolicy } : {}) };
  const unresolved = (reason: string): VirtualService => {
    context.notes.problem(from, `${reason}; requests to it are answered 503`);
    return { ...base, provider: { kind: 'none' }, ports: [], routes: [] };
  };
  const service = context.index.get('virtualService', name);
  if (service === undefined) return unresolved(`virtual service "${name}" does not exist`);
  const { virtualRouter, virtualNode } = service.spec.provider ?? {};

  if (virtualRouter !== undefined) {
    const routerName = virtualRouter.virtualRouterName;
    const provider = { kind: 'virtualRouter', name: routerName } as const;
    const router = context.index.get('virtualRouter', routerName);
    if (router === undefined) {
      context.notes.problem(
        { resource: service.label, path: 'spec.provider.virtualRouter.virtualRouterName' },
        `virtual router "${routerName}" does not exist; requests to the service are answered 503`,
      );
      return { ...base, provider, ports: [], routes: [] };
    }
    const ports = servicePorts(router.spec.listeners ?? []);
    const routes = compileRoutes(router, context);
    if (routes.length === 0) {
      context.notes.problem(
        { resource: router.label, path: '' },
        'has no routes; requests to its virtual services are answered 503',
      );
    }
    return { ...base, provider, ports, routes };
  }

  if (virtualNode !== undefined) {
    const nodeName = virtualNode.virtualNodeName;
    const site: Site = { resource: service.label, path: 'spec.provider.virtualNode.virtualNodeName' };
    return { ...base, ...nodeProvided(nodeName, site, context) };
  }

  return unresolved(`virtual service "${name}" has no provider`);
}

/**
 * A service provided by a virtual node: one catch-all route per node listener (matching its port when
 * there are several), with App Mesh's default retry policy and the listener's timeouts.
 */
function nodeProvided(
  nodeName: string,
  site: Site,
  context: Context,
): Pick<VirtualService, 'provider' | 'ports' | 'routes'> {
  const provider = { kind: 'virtualNode', name: nodeName } as const;
  const node = context.index.get('virtualNode', nodeName);
  const listeners = node?.spec.listeners ?? [];
  if (listeners.length === 0) {
    const reason = node === undefined ? 'does not exist' : 'has no listeners';
    context.notes.problem(
      site,
      `virtual node "${nodeName}" ${reason}; requests to the service are answered 503`,
    );
    return { provider, ports: [], routes: [] };
  }
  const several = listeners.length > 1;
  const routes = listeners.map((listener): Route => {
    const port = listener.portMapping.port;
    const protocol = listener.portMapping.protocol;
    const { targets, clusters } = resolveTargets([{ virtualNode: nodeName, weight: 1, port }], site, context);
    const timeout = clusters[0]?.timeout ?? listenerTimeout(listener);
    const common = { name: `${nodeName}:${port}`, targets, unavailableWeight: 0, timeout };
    if (protocol === 'tcp') return { protocol, ...common, match: several ? { port } : {} };
    return {
      protocol,
      ...common,
      match: {
        path: { kind: 'prefix', value: DEFAULT_MATCH_PREFIX },
        headers: [],
        queryParameters: [],
        ...(several ? { port } : {}),
      },
      retryPolicy: retryPolicy(undefined, timeout),
    };
  });
  routes.sort((a, b) => (a.match.port ?? 0) - (b.match.port ?? 0));
  return { provider, ports: servicePorts(listeners), routes };
}

function servicePorts(listeners: readonly { portMapping: ServicePort }[]): ServicePort[] {
  return listeners
    .map(({ portMapping }) => ({ port: portMapping.port, protocol: portMapping.protocol }))
    .sort((a, b) => a.port - b.port);
}
