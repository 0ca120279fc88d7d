// The endpoint-set contract: where a virtual node's instances are, as the registry serves it to proxies.
// Discovery is kept apart from policy (the snapshot): the proxy joins the two late.

import { z } from 'zod';

/** Bumped only on an incompatible change; a proxy refuses a schema it does not know. */
export const ENDPOINTS_SCHEMA_VERSION = 1;

export const endpointSchema = z.strictObject({
  /** Stable per instance: the proxy's instance id, or the ECS task id. */
  id: z.string().min(1).max(256),
  /** IPv4 or IPv6 address to dial. */
  address: z.string().min(1).max(64),
  /** For each listener port of the virtual node, the port to dial on `address`. */
  ports: z
    .array(
      z.strictObject({
        listenerPort: z.number().int().min(1).max(65535),
        port: z.number().int().min(1).max(65535),
      }),
    )
    .min(1),
  /** Availability zone, for zone-aware balancing. */
  zone: z.string().max(64).optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  /** Who registered it: a proxy (self-registration with heartbeats) or the ECS task-event handler. */
  source: z.enum(['proxy', 'ecs']),
});

export type Endpoint = z.infer<typeof endpointSchema>;

export const endpointSetSchema = z.strictObject({
  schemaVersion: z.literal(ENDPOINTS_SCHEMA_VERSION),
  meshName: z.string(),
  /** Content hash of `endpoints`; the ETag. Heartbeats do not change it, arrivals and departures do. */
  version: z.string(),
  /** Virtual node name → its live endpoints, sorted by id. Every node asked for has a key. */
  endpoints: z.record(z.string(), z.array(endpointSchema)),
});

export type EndpointSet = z.infer<typeof endpointSetSchema>;
