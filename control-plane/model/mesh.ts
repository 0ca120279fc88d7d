// Mesh spec: what may leave the mesh, and which IP version its proxies prefer.

import { z } from 'zod';
import { DEFAULT_EGRESS_FILTER_TYPE, EGRESS_FILTER_TYPES, IP_PREFERENCES } from './constants.js';

export const meshSpec = z.strictObject({
  /** @default { type: 'DROP_ALL' } — stored and returned when absent. */
  egressFilter: z.strictObject({ type: z.enum(EGRESS_FILTER_TYPES) }).optional(),
  serviceDiscovery: z.strictObject({ ipPreference: z.enum(IP_PREFERENCES).optional() }).optional(),
});
export type MeshSpec = z.infer<typeof meshSpec>;

/** The spec as stored: App Mesh fills `egressFilter` when absent and returns it. */
export function withMeshDefaults(spec: MeshSpec): MeshSpec {
  return spec.egressFilter ? spec : { ...spec, egressFilter: { type: DEFAULT_EGRESS_FILTER_TYPE } };
}
