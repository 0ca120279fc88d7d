// Route timeouts by App Mesh precedence: the route's, else its target listeners', else 15 s per request / 300 s idle.

import { DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_PER_REQUEST_TIMEOUT_MS } from '../model/constants.js';
import type { Duration } from '../model/shared.js';
import type { Cluster } from '../snapshot/clusters.js';
import type { Protocol, Timeout } from '../snapshot/routes.js';
import { toMs } from './durations.js';

export interface RouteTimeoutSpec {
  readonly perRequest?: Duration | undefined;
  readonly idle?: Duration | undefined;
}

/**
 * Each limit separately: the route's own value; else the target clusters' (their listener's value or
 * its default); else the default. When targets disagree the most permissive wins (0, no limit, beats
 * any value), so no target's requests are cut shorter than its own listener allows. tcp has no
 * per-request limit.
 */
export function routeTimeout(
  protocol: Protocol,
  spec: RouteTimeoutSpec | undefined,
  targets: readonly Cluster[],
): Timeout {
  const perRequestMs =
    protocol === 'tcp'
      ? 0
      : resolve(
          spec?.perRequest,
          targets.map((cluster) => cluster.timeout.perRequestMs),
          DEFAULT_PER_REQUEST_TIMEOUT_MS,
        );
  const idleMs = resolve(
    spec?.idle,
    targets.map((cluster) => cluster.timeout.idleMs),
    DEFAULT_IDLE_TIMEOUT_MS,
  );
  return { perRequestMs, idleMs };
}

function resolve(own: Duration | undefined, fromTargets: readonly number[], fallback: number): number {
  if (own !== undefined) return toMs(own);
  if (fromTargets.length === 0) return fallback;
  return fromTargets.includes(0) ? 0 : Math.max(...fromTargets);
}
