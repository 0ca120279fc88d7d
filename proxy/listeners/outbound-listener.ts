// The egress listener: the app's requests to virtual services, routed by the current snapshot and
// forwarded to the chosen target's endpoints (or, for an allowed unknown host, to the host itself).

import type { RequestRoute, Timeout } from '../../control-plane/snapshot/index.js';
import { checkRequestHead, localReply } from '../http/index.js';
import type { DownstreamRequest, DownstreamResponse } from '../http/server/index.js';
import type { RouteTable } from '../routing/index.js';
import type { RequestLabels, RequestTelemetry } from '../telemetry/request-telemetry.js';
import type { Counter, Stats } from '../telemetry/stats.js';
import { type RouteStats, routeStats, type Upstreams } from '../upstream/index.js';
import { forwardRequest, forwardToRoute } from './forward-request.js';
import { requestFacts } from './request-facts.js';

/** What a snapshot gives the egress listener; replaced whole when a new snapshot is applied. */
export interface OutboundConfig {
  readonly routes: RouteTable;
  /** The `upstream_rq_*` counters of a route, created once per route and kept across snapshots. */
  statsFor(virtualService: string, route: RequestRoute): RouteStats;
  /** Metrics key and trace/log names of a (virtual service, route, target), resolved once. */
  labelsFor?(virtualService: string, route: RequestRoute, clusterId: string): RequestLabels;
}

/** Egress to a host outside the mesh (egress filter ALLOW_ALL): App Mesh's listener defaults, no retries. */
const EGRESS_TIMEOUT: Timeout = { perRequestMs: 15_000, idleMs: 300_000 };

export function createOutboundHandler(deps: {
  readonly config: () => OutboundConfig | undefined;
  readonly upstreams: Upstreams;
  readonly stats: Stats;
  readonly telemetry?: RequestTelemetry;
}): (req: DownstreamRequest, res: DownstreamResponse) => void {
  const local = localReplyCounters(deps.stats);
  const egressStats = routeStats(deps.stats, { direction: 'egress' });

  return (req, res) => {
    const head = checkRequestHead(req);
    if (!head.ok) {
      local.rejected.inc();
      return localReply(res, head.status, head.reason, { close: true });
    }
    const config = deps.config();
    if (config === undefined) {
      local.notReady.inc();
      return localReply(res, 503, 'the proxy has no configuration from the control plane yet');
    }
    const decision = config.routes.resolve(requestFacts(req, head));
    switch (decision.kind) {
      case 'route': {
        const { virtualService, route, clusterId } = decision;
        return forwardToRoute(req, res, head, {
          virtualService,
          route,
          cluster: clusterId === undefined ? undefined : deps.upstreams.get(clusterId),
          stats: config.statsFor(virtualService, route),
          telemetry: deps.telemetry,
          labels: () => config.labelsFor?.(virtualService, route, clusterId!),
        });
      }
      case 'no-route':
        local.noRoute.inc();
        return localReply(
          res,
          404,
          `no route of virtual service "${decision.virtualService}" matches ${req.method} ${head.path}`,
        );
      case 'no-provider':
        local.noProvider.inc();
        return localReply(
          res,
          503,
          `virtual service "${decision.virtualService}" has no provider in this mesh`,
        );
      case 'denied':
        local.denied.inc();
        return localReply(
          res,
          404,
          `"${decision.host}" is not a virtual service of this mesh, and the mesh's egress filter is DROP_ALL`,
        );
      case 'egress': {
        const cluster = deps.upstreams.passthrough(decision.host, decision.port);
        // Traced and logged, but kept out of metrics: a dimension per outside host has no bound.
        const telemetry = deps.telemetry !== undefined ? { telemetry: deps.telemetry } : {};
        return forwardRequest(req, res, head, {
          cluster,
          timeout: EGRESS_TIMEOUT,
          stats: egressStats,
          ...telemetry,
        });
      }
    }
  };
}

function localReplyCounters(
  stats: Stats,
): Record<'rejected' | 'notReady' | 'noRoute' | 'noProvider' | 'denied', Counter> {
  const c = (reason: string) => stats.counter('downstream_rq_local_reply', { direction: 'outbound', reason });
  return {
    rejected: c('bad_request'),
    notReady: c('not_ready'),
    noRoute: c('no_route'),
    noProvider: c('no_provider'),
    denied: c('egress_denied'),
  };
}
