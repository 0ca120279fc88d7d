// Joins a port assignment (`--ingress-port`, `--app-port`) with the listener ports the snapshot names.

import type { ListenerPort, PortAssignment } from './proxy-config.js';

export type ListenerPortsResult =
  | { readonly ok: true; readonly ports: readonly ListenerPort[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * The local port for each of `listenerPorts` (ascending), or every problem: a single port given for a
 * node with several listeners, a listener without a pair, or a pair naming no listener. `setting` names
 * the flag in messages (`--app-port`).
 */
export function resolveListenerPorts(
  assignment: PortAssignment,
  listenerPorts: readonly number[],
  setting: string,
): ListenerPortsResult {
  const listeners = [...new Set(listenerPorts)].sort((a, b) => a - b);
  if (assignment.kind === 'single') {
    if (listeners.length <= 1) {
      return { ok: true, ports: listeners.map((listenerPort) => ({ listenerPort, port: assignment.port })) };
    }
    return {
      ok: false,
      problems: [
        `${setting}: must be LISTENER:PORT pairs for a node with several listeners (${listeners.join(', ')}), got "${assignment.port}"`,
      ],
    };
  }
  const problems: string[] = [];
  const byListener = new Map(assignment.ports.map((pair) => [pair.listenerPort, pair.port]));
  for (const listenerPort of listeners) {
    if (!byListener.has(listenerPort)) {
      problems.push(`${setting}: must give a port for listener ${listenerPort}, got none`);
    }
  }
  for (const { listenerPort } of assignment.ports) {
    if (!listeners.includes(listenerPort)) {
      problems.push(
        `${setting}: must name listener ports of the node (${listeners.join(', ') || 'none'}), got "${listenerPort}"`,
      );
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    ports: listeners.map((listenerPort) => ({ listenerPort, port: byListener.get(listenerPort)! })),
  };
}
