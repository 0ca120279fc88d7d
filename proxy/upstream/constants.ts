// Limits and defaults of the upstream layer, in one place.

/** Request bodies up to this size are buffered so a retry can replay them; larger ones are tried once. */
export const MAX_REPLAY_BODY_BYTES = 64 * 1024;

/** A discarded (retried) response body larger than this closes its connection instead of being drained. */
export const MAX_DISCARD_BODY_BYTES = 64 * 1024;

/** First retry backoff ceiling; each further retry doubles it (full jitter: the wait is uniform below it). */
export const RETRY_BACKOFF_BASE_MS = 25;

/** Largest backoff ceiling (Envoy: 10 × base). */
export const RETRY_BACKOFF_MAX_MS = 250;

/** Retries may add this fraction of the requests seen in the budget window. */
export const RETRY_BUDGET_RATIO = 0.2;

/** Retries always allowed per second, whatever the ratio (so a quiet service can still retry). */
export const RETRY_BUDGET_MIN_PER_SECOND = 10;

/** The retry budget remembers requests and retries for this long. */
export const RETRY_BUDGET_WINDOW_MS = 10_000;

/** Giving up on a TCP connect after this long (allows one SYN retransmission). */
export const CONNECT_TIMEOUT_MS = 2_000;

/** An idle pooled connection is closed after this long unless the upstream's `Keep-Alive` says less. */
export const KEEP_ALIVE_TIMEOUT_MS = 4_000;

/** Upper bound on the idle time an upstream's `Keep-Alive: timeout=` may ask for. */
export const KEEP_ALIVE_MAX_TIMEOUT_MS = 60_000;

/** How often DNS-discovered clusters are resolved again; a failure keeps the last addresses. */
export const DNS_REFRESH_MS = 5_000;

/** Passthrough (egress to real hosts) clusters kept at once; the least recently used one is drained past it. */
export const MAX_PASSTHROUGH_CLUSTERS = 256;

/** Outlier detection defaults (Envoy's), used where a setting is missing. */
export const DEFAULT_OUTLIER_INTERVAL_MS = 10_000;
