// Virtual gateway spec: the listeners that take traffic into the mesh, backend TLS defaults, and access logs.

import { z } from 'zod';
import { GATEWAY_PORT_PROTOCOLS } from './constants.js';
import { gatewayConnectionPool, healthCheck, listenerProtocolRule, portMapping } from './listener.js';
import { logging } from './logging.js';
import { checkUnique, withRule } from './shared.js';
import { backendDefaults, listenerTls } from './tls.js';

export const gatewayListener = withRule(
  z.strictObject({
    portMapping: portMapping(GATEWAY_PORT_PROTOCOLS),
    healthCheck: healthCheck(GATEWAY_PORT_PROTOCOLS).optional(),
    connectionPool: gatewayConnectionPool.optional(),
    tls: listenerTls.optional(),
  }),
  listenerProtocolRule(GATEWAY_PORT_PROTOCOLS),
);

export const virtualGatewaySpec = withRule(
  z.strictObject({
    listeners: z.array(gatewayListener),
    backendDefaults: backendDefaults.optional(),
    logging: logging.optional(),
  }),
  (spec, report) => checkUnique(spec.listeners, ['listeners'], ['portMapping', 'port'], report),
);
export type VirtualGatewaySpec = z.infer<typeof virtualGatewaySpec>;
