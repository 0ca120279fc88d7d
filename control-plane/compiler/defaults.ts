// Defaults the compiler fills in beyond those of the model (App Mesh's documented behaviour when a field is absent).

import type { IpPreference } from '../snapshot/clusters.js';

/** DNS discovery without an IP preference on the node or mesh: Envoy's resolver prefers IPv6. */
export const DEFAULT_DNS_IP_PREFERENCE: IpPreference = 'IPv6_PREFERRED';
/** Cloud Map discovery without an IP preference: App Mesh prefers IPv4. */
export const DEFAULT_CLOUD_MAP_IP_PREFERENCE: IpPreference = 'IPv4_PREFERRED';
/** Path of an http or http2 health check that sets none. */
export const DEFAULT_HEALTH_CHECK_PATH = '/';
/** gRPC status codes of App Mesh's gRPC retry events. */
export const GRPC_STATUS_CODES: Readonly<Record<string, number>> = {
  cancelled: 1,
  'deadline-exceeded': 4,
  'resource-exhausted': 8,
  internal: 13,
  unavailable: 14,
};
/** `server-error`: 500–508, 510, 511. */
export const SERVER_ERROR_STATUSES = [500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511] as const;
/** `gateway-error`: 502, 503, 504. */
export const GATEWAY_ERROR_STATUSES = [502, 503, 504] as const;
/** `client-error`: 409. */
export const CLIENT_ERROR_STATUSES = [409] as const;
