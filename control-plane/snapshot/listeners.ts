// Inbound listeners in the snapshot: the ports a virtual node or gateway takes traffic on, and their limits.

import { z } from 'zod';
import { connectionPoolSchema, healthCheckSchema } from './clusters.js';
import { portNumber } from './matches.js';
import { PROTOCOLS, timeoutSchema } from './routes.js';
import { listenerTlsSchema } from './tls.js';

/**
 * One inbound listener. For a virtual node the proxy forwards what arrives here to the app (the app port
 * mapped to this listener port); for a virtual gateway it routes it with `gatewayRoutes`.
 */
export const listenerSchema = z.strictObject({
  /** The listener port, as App Mesh knows it (the proxy maps it to its ingress and app ports). */
  port: portNumber,
  protocol: z.enum(PROTOCOLS),
  /** Limits of requests through this listener; a gateway's listeners always have the defaults. */
  timeout: timeoutSchema,
  /** Limits toward the local app (node) or the mesh (gateway). */
  connectionPool: connectionPoolSchema,
  /** How the app (node) or the gateway is checked. Absent: not checked. */
  healthCheck: healthCheckSchema.optional(),
  /** Absent: plain text. */
  tls: listenerTlsSchema.optional(),
});
export type Listener = z.infer<typeof listenerSchema>;
