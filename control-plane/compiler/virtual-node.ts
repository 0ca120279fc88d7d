// What a virtual node's proxy needs: its inbound listeners, and each backend virtual service with its client policy.

import { compareStrings } from '../snapshot/hash.js';
import type { Listener } from '../snapshot/listeners.js';
import type { VirtualService } from '../snapshot/routes.js';
import type { Context } from './context.js';
import { inboundListeners } from './listeners.js';
import type { Resolved } from './mesh-index.js';
import { clientPolicy } from './tls.js';
import { compileVirtualService } from './virtual-services.js';

/**
 * The node's listeners and backends. A backend's own client policy (when it sets `tls`) replaces the
 * node's `backendDefaults`; a backend named twice is compiled once, with its first entry.
 */
export function compileVirtualNode(
  node: Resolved<'virtualNode'>,
  context: Context,
): { listeners: Listener[]; virtualServices: VirtualService[] } {
  const listeners = inboundListeners(
    node.spec.listeners ?? [],
    { resource: node.label, path: 'spec.listeners' },
    context.notes,
  );
  const defaults = node.spec.backendDefaults?.clientPolicy;
  const services = new Map<string, VirtualService>();
  (node.spec.backends ?? []).forEach((backend, i) => {
    const { virtualServiceName: name, clientPolicy: own } = backend.virtualService!;
    if (services.has(name)) return;
    const path = `spec.backends[${i}].virtualService`;
    const policy =
      own?.tls !== undefined
        ? clientPolicy(own, { resource: node.label, path: `${path}.clientPolicy` }, context.notes)
        : clientPolicy(
            defaults,
            { resource: node.label, path: 'spec.backendDefaults.clientPolicy' },
            context.notes,
          );
    const from = { resource: node.label, path: `${path}.virtualServiceName` };
    services.set(name, compileVirtualService(name, policy, from, context));
  });
  const virtualServices = [...services.values()].sort((a, b) => compareStrings(a.name, b.name));
  return { listeners, virtualServices };
}
