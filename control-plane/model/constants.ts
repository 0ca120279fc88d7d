// Limits and defaults of the App Mesh resource model (API 2019-01-25), named once for validation and the compiler.

// ---- Names and tags ----

/** `ResourceName` length limit. */
export const MAX_NAME_LENGTH = 255;
/** Letters, digits, `-`, `_`, `.`, starting with a letter or digit: safe in keys, paths and DNS names. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

// ---- Numeric ranges ----

export const MIN_PORT = 1;
export const MAX_PORT = 65535;
/** Route and gateway route priority; 0 is matched first. */
export const MIN_PRIORITY = 0;
export const MAX_PRIORITY = 1000;
export const MIN_WEIGHT = 0;
export const MAX_WEIGHT = 100;
export const MIN_HEALTH_CHECK_THRESHOLD = 2;
export const MAX_HEALTH_CHECK_THRESHOLD = 10;
export const MIN_HEALTH_CHECK_INTERVAL_MS = 5_000;
export const MAX_HEALTH_CHECK_INTERVAL_MS = 300_000;
export const MIN_HEALTH_CHECK_TIMEOUT_MS = 2_000;
export const MAX_HEALTH_CHECK_TIMEOUT_MS = 60_000;
export const MIN_OUTLIER_MAX_SERVER_ERRORS = 1;
export const MIN_EJECTION_PERCENT = 0;
export const MAX_EJECTION_PERCENT = 100;
/** `maxConnections`, `maxPendingRequests`, `maxRequests` of a connection pool. */
export const MIN_CONNECTION_POOL_LIMIT = 1;

// ---- List lengths ----

export const MAX_WEIGHTED_TARGETS = 10;
export const MAX_HEADER_MATCHES = 10;
export const MAX_QUERY_PARAMETER_MATCHES = 10;
export const MAX_METADATA_MATCHES = 10;
export const MAX_CERTIFICATE_AUTHORITY_ARNS = 3;
export const MAX_HTTP_RETRY_EVENTS = 25;
export const MAX_GRPC_RETRY_EVENTS = 5;
export const MAX_TCP_RETRY_EVENTS = 1;

// ---- String lengths ----

export const MAX_FILE_PATH_LENGTH = 255;
export const MAX_HEADER_NAME_LENGTH = 50;
export const MAX_HEADER_MATCH_LENGTH = 255;
export const MAX_METHOD_NAME_LENGTH = 50;
export const MAX_HTTP_PATH_LENGTH = 255;
export const MAX_HOSTNAME_MATCH_LENGTH = 253;
export const MAX_SUBJECT_ALTERNATIVE_NAME_LENGTH = 254;
export const MAX_JSON_LOG_KEY_LENGTH = 100;
export const MAX_JSON_LOG_VALUE_LENGTH = 100;
export const MAX_TEXT_LOG_FORMAT_LENGTH = 1000;
export const MAX_CLOUD_MAP_NAME_LENGTH = 1024;
export const MAX_CLOUD_MAP_ATTRIBUTE_KEY_LENGTH = 255;
export const MAX_CLOUD_MAP_ATTRIBUTE_VALUE_LENGTH = 1024;
export const MAX_HTTP_RETRY_EVENT_LENGTH = 25;

// ---- Enumerations ----

export const EGRESS_FILTER_TYPES = ['ALLOW_ALL', 'DROP_ALL'] as const;
export const IP_PREFERENCES = ['IPv6_PREFERRED', 'IPv4_PREFERRED', 'IPv4_ONLY', 'IPv6_ONLY'] as const;
export const PORT_PROTOCOLS = ['http', 'http2', 'grpc', 'tcp'] as const;
export const GATEWAY_PORT_PROTOCOLS = ['http', 'http2', 'grpc'] as const;
export const DURATION_UNITS = ['s', 'ms'] as const;
export const DNS_RESPONSE_TYPES = ['LOADBALANCER', 'ENDPOINTS'] as const;
export const TLS_MODES = ['STRICT', 'PERMISSIVE', 'DISABLED'] as const;
export const HTTP_METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
] as const;
export const HTTP_SCHEMES = ['http', 'https'] as const;
/** `server-error` = 500–508, 510, 511; `gateway-error` = 502–504 (both also a reset); `client-error` = 409. */
export const HTTP_RETRY_EVENTS = ['server-error', 'gateway-error', 'client-error', 'stream-error'] as const;
export const TCP_RETRY_EVENTS = ['connection-error'] as const;
export const GRPC_RETRY_EVENTS = [
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
] as const;
export const GATEWAY_REWRITE_DEFAULTS = ['ENABLED', 'DISABLED'] as const;

// ---- Defaults App Mesh applies when a field is absent ----

/** The one default stored in a spec: a mesh without `egressFilter` is kept as `{ type: 'DROP_ALL' }`. */
export const DEFAULT_EGRESS_FILTER_TYPE = 'DROP_ALL';
/** Host suffix App Mesh let out even under `DROP_ALL`. */
export const ALWAYS_ALLOWED_EGRESS_SUFFIX = '.amazonaws.com';
/** Listener and route `perRequest` timeout when absent; an explicit 0 disables it. */
export const DEFAULT_PER_REQUEST_TIMEOUT_MS = 15_000;
/** Listener and route `idle` timeout when absent. */
export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
/** `clientPolicy.tls.enforce` when absent. */
export const DEFAULT_TLS_ENFORCE = true;
/** `dns.responseType` when absent. */
export const DEFAULT_DNS_RESPONSE_TYPE = 'LOADBALANCER';
/** Header, metadata and query matches are not inverted unless `invert: true`. */
export const DEFAULT_MATCH_INVERT = false;
/** An http(2) route or gateway route match with neither `prefix` nor `path` matches this prefix. */
export const DEFAULT_MATCH_PREFIX = '/';
/** A gateway route rewrites the matched prefix to this, and the host to the target service's name. */
export const DEFAULT_GATEWAY_REWRITE_PREFIX = '/';
export const DEFAULT_GATEWAY_REWRITE_PREFIX_MODE = 'ENABLED';
export const DEFAULT_GATEWAY_REWRITE_HOSTNAME = 'ENABLED';
/** Connection pool limits when absent: effectively unlimited (Envoy's maximum). */
export const DEFAULT_CONNECTION_POOL_LIMIT = 2_147_483_647;

/** The retry policy App Mesh applied to a route that has none. */
export const DEFAULT_RETRY_POLICY = {
  maxRetries: 2,
  /** Retry when the upstream answers with one of these HTTP statuses. */
  httpStatuses: [503],
  /** gRPC statuses retried. */
  grpcRetryEvents: ['unavailable'],
  /** Retry a failed connection attempt. */
  connectFailure: true,
  /** Retry a stream the upstream refused (HTTP/2 REFUSED_STREAM). */
  refusedStream: true,
  /** Prefer a host other than the one that failed. */
  preferDifferentHost: true,
} as const;
