// Weighted targets: each resolved to a cluster, or its weight answered 503 when it cannot be resolved.

import type { Cluster } from '../snapshot/clusters.js';
import { compareStrings } from '../snapshot/hash.js';
import type { WeightedTarget } from '../snapshot/routes.js';
import type { Context } from './context.js';
import { at, type Site } from './notes.js';

export interface WeightedTargetSpec {
  readonly virtualNode: string;
  readonly weight: number;
  readonly port?: number | undefined;
}

export interface ResolvedTargets {
  /** Targets of weight above 0 that resolved, by cluster id (repeated clusters merged). */
  readonly targets: WeightedTarget[];
  /** Total weight of targets that did not resolve. */
  readonly unavailableWeight: number;
  /** The clusters of `targets`, for timeout resolution. */
  readonly clusters: Cluster[];
}

/**
 * Resolves a route's weighted targets. A target that does not resolve is noted at its path and keeps
 * its weight as `unavailableWeight`: its share of requests is answered 503, never given to the others.
 * Targets of weight 0 are checked (and noted) but get no traffic, so they are left out.
 */
export function resolveTargets(
  specs: readonly WeightedTargetSpec[],
  site: Site,
  context: Context,
): ResolvedTargets {
  const weights = new Map<string, number>();
  const clusters = new Map<string, Cluster>();
  let unavailableWeight = 0;
  specs.forEach((spec, i) => {
    const resolution = context.clusters.resolve(spec.virtualNode, spec.port);
    if (!resolution.ok) {
      const consequence =
        spec.weight > 0 ? `its weight ${spec.weight} is answered 503` : 'it has weight 0 and gets no traffic';
      context.notes.problem(at(site, `[${i}].${resolution.field}`), `${resolution.reason}; ${consequence}`);
      unavailableWeight += spec.weight;
      return;
    }
    if (spec.weight === 0) return;
    const { cluster } = resolution;
    context.clusters.use(cluster);
    clusters.set(cluster.id, cluster);
    weights.set(cluster.id, (weights.get(cluster.id) ?? 0) + spec.weight);
  });
  const targets = [...weights.entries()]
    .map(([cluster, weight]) => ({ cluster, weight }))
    .sort((a, b) => compareStrings(a.cluster, b.cluster));
  return { targets, unavailableWeight, clusters: [...clusters.values()] };
}
