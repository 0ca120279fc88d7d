// What discovery reads from a stored virtual node spec (already validated when it was written).

import type { VirtualNodeSpec } from '../../model/virtual-node.js';

/** The node's listener ports, in spec order. */
export function listenerPortsOf(spec: Record<string, unknown>): number[] {
  return ((spec as VirtualNodeSpec).listeners ?? []).map((listener) => listener.portMapping.port);
}

/** The node's Cloud Map discovery attributes; undefined when it does not declare Cloud Map discovery. */
export function cloudMapAttributesOf(
  spec: Record<string, unknown>,
): readonly { readonly key: string; readonly value: string }[] | undefined {
  const cloudMap = (spec as VirtualNodeSpec).serviceDiscovery?.awsCloudMap;
  return cloudMap === undefined ? undefined : (cloudMap.attributes ?? []);
}
