// Virtual node spec: how its endpoints are discovered, what it listens on, which services it calls, its logs.

import { z } from 'zod';
import {
  DNS_RESPONSE_TYPES,
  IP_PREFERENCES,
  MAX_CLOUD_MAP_ATTRIBUTE_KEY_LENGTH,
  MAX_CLOUD_MAP_ATTRIBUTE_VALUE_LENGTH,
  MAX_CLOUD_MAP_NAME_LENGTH,
  PORT_PROTOCOLS,
} from './constants.js';
import {
  healthCheck,
  listenerProtocolRule,
  listenerTimeout,
  nodeConnectionPool,
  outlierDetection,
  portMapping,
} from './listener.js';
import { logging } from './logging.js';
import { checkUnique, exactlyOne, nonEmpty, text, withRule } from './shared.js';
import { backendDefaults, clientPolicy, listenerTls } from './tls.js';

const cloudMapName = text(1, MAX_CLOUD_MAP_NAME_LENGTH);

const cloudMapAttribute = z.strictObject({
  key: text(1, MAX_CLOUD_MAP_ATTRIBUTE_KEY_LENGTH).regex(/^[!-~]+$/, {
    error: 'must contain only printable ASCII characters and no spaces',
  }),
  value: text(1, MAX_CLOUD_MAP_ATTRIBUTE_VALUE_LENGTH).regex(/^(?:[!-~][ !-~]*)?[!-~]?$/, {
    error: 'must contain only printable ASCII characters and not start with a space',
  }),
});

/** Where the node's endpoints come from: `dns` | `awsCloudMap`. */
export const serviceDiscovery = exactlyOne(
  z.strictObject({
    dns: z
      .strictObject({
        hostname: nonEmpty,
        /** @default 'LOADBALANCER' */
        responseType: z.enum(DNS_RESPONSE_TYPES).optional(),
        ipPreference: z.enum(IP_PREFERENCES).optional(),
      })
      .optional(),
    awsCloudMap: z
      .strictObject({
        namespaceName: cloudMapName,
        serviceName: cloudMapName,
        attributes: z.array(cloudMapAttribute).optional(),
        ipPreference: z.enum(IP_PREFERENCES).optional(),
      })
      .optional(),
  }),
  ['dns', 'awsCloudMap'],
);

export const nodeListener = withRule(
  z.strictObject({
    portMapping: portMapping(PORT_PROTOCOLS),
    healthCheck: healthCheck(PORT_PROTOCOLS).optional(),
    outlierDetection: outlierDetection.optional(),
    connectionPool: nodeConnectionPool.optional(),
    timeout: listenerTimeout.optional(),
    tls: listenerTls.optional(),
  }),
  listenerProtocolRule(PORT_PROTOCOLS),
);

/** A virtual service the node calls; it may be created later, so it is not a reference. */
export const backend = exactlyOne(
  z.strictObject({
    virtualService: z
      .strictObject({ virtualServiceName: nonEmpty, clientPolicy: clientPolicy.optional() })
      .optional(),
  }),
  ['virtualService'],
);

export const virtualNodeSpec = withRule(
  z.strictObject({
    serviceDiscovery: serviceDiscovery.optional(),
    listeners: z.array(nodeListener).optional(),
    backends: z.array(backend).optional(),
    backendDefaults: backendDefaults.optional(),
    logging: logging.optional(),
  }),
  (spec, report) => {
    if (Array.isArray(spec.listeners) && spec.listeners.length > 0 && spec.serviceDiscovery === undefined) {
      report(['serviceDiscovery'], 'is required when listeners are set');
    }
    checkUnique(spec.listeners, ['listeners'], ['portMapping', 'port'], report);
  },
);
export type VirtualNodeSpec = z.infer<typeof virtualNodeSpec>;
