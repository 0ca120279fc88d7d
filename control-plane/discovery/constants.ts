// Limits and defaults of the endpoint registry, in one place.

/** How long a proxy-registered endpoint lives without a heartbeat, when the registration names none. */
export const DEFAULT_ENDPOINT_TTL_SECONDS = 30;
/** Shortest TTL a registration may ask for (shorter would turn heartbeats into load). */
export const MIN_ENDPOINT_TTL_SECONDS = 5;
/** Longest TTL a registration may ask for (longer would keep dead endpoints in rotation). */
export const MAX_ENDPOINT_TTL_SECONDS = 300;

/** Endpoint ids: the proxy's instance id or the ECS task id; safe in keys and URL paths. */
export const MAX_ENDPOINT_ID_LENGTH = 256;
export const ENDPOINT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
export const ENDPOINT_ID_RULE =
  'must contain only letters, digits, ., _, : and -, starting with a letter or digit';

/** Bounds of the optional parts of a registration. */
export const MAX_ADDRESS_LENGTH = 64;
export const MAX_ZONE_LENGTH = 64;
export const MAX_ENDPOINT_ATTRIBUTES = 32;
export const MAX_ATTRIBUTE_KEY_LENGTH = 128;
export const MAX_ATTRIBUTE_VALUE_LENGTH = 1024;
/** One port per listener; App Mesh nodes have few listeners. */
export const MAX_ENDPOINT_PORTS = 50;

/** How many virtual nodes one read of the endpoint set may name. */
export const MAX_NODES_PER_READ = 100;
