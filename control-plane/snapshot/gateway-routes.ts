// Gateway routes in the snapshot: how a virtual gateway picks a virtual service for a request, and what it rewrites.

import { z } from 'zod';
import { hostnameMatchSchema, portNumber, requestMatchSchema } from './matches.js';
import { REQUEST_PROTOCOLS } from './routes.js';

/** What a gateway route changes before the request enters the target virtual service. */
export const rewriteSchema = z.strictObject({
  /**
   * How the path is rewritten. Absent: unchanged.
   * - `prefix`: the matched prefix (`match.path.value`) is replaced by `value`; when `value` ends with
   *   `/` and the rest of the path starts with `/`, one of the two is dropped (App Mesh: prefix `/chapter`
   *   rewritten to `/` turns `/chapter/1` into `/1`).
   * - `exact`: the whole path is replaced by `value` (the query string is kept).
   * @default { kind: 'prefix', value: '/' } for a prefix match (App Mesh's `defaultPrefix: ENABLED`)
   */
  path: z
    .discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('prefix'), value: z.string().startsWith('/') }),
      z.strictObject({ kind: z.literal('exact'), value: z.string().startsWith('/') }),
    ])
    .optional(),
  /**
   * The `Host` to send (the target virtual service's name). Absent: unchanged.
   * @default the target virtual service's name (App Mesh's `defaultTargetHostname: ENABLED`)
   */
  hostname: z.string().min(1).optional(),
});
export type Rewrite = z.infer<typeof rewriteSchema>;

/**
 * One gateway route. A request on gateway listener port P is matched against the gateway routes, in
 * order, whose `protocol` is P's listener protocol and whose `match.port` is absent or P; the first
 * match wins; no match is answered 404.
 */
export const gatewayRouteSchema = z.strictObject({
  name: z.string().min(1),
  protocol: z.enum(REQUEST_PROTOCOLS),
  /** App Mesh priority (0 first). Absent: after all gateway routes with one. */
  priority: z.int().min(0).max(1000).optional(),
  match: requestMatchSchema.extend({
    /** Absent: any host. */
    hostname: hostnameMatchSchema.optional(),
  }),
  target: z.strictObject({
    /** A `virtualServices[].name`. */
    virtualService: z.string().min(1),
    /**
     * The service port the request enters on: the route's, else the service's only port. Absent: it
     * could not be resolved (see `problems`) and the request is answered 503.
     */
    port: portNumber.optional(),
  }),
  rewrite: rewriteSchema,
});
export type GatewayRoute = z.infer<typeof gatewayRouteSchema>;
