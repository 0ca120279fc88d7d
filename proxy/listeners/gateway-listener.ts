// A virtual gateway's listener: requests from outside the mesh, matched against the gateway routes of one
// gateway listener, rewritten, and forwarded to the target virtual service as the egress listener would.

import type { GatewayRoute, RequestRoute } from '../../control-plane/snapshot/index.js';
import { checkRequestHead, localReply } from '../http/index.js';
import type { DownstreamRequest, DownstreamResponse } from '../http/server/index.js';
import type { GatewayTable } from '../routing/gateway-types.js';
import type { RequestLabels, RequestTelemetry } from '../telemetry/request-telemetry.js';
import type { Counter, Stats } from '../telemetry/stats.js';
import type { RouteStats, Upstreams } from '../upstream/index.js';
import { forwardToRoute } from './forward-request.js';
import { requestFacts } from './request-facts.js';

/** What a snapshot gives a gateway listener; replaced whole when a new snapshot is applied. */
export interface GatewayConfig {
  readonly table: GatewayTable;
  /** The `upstream_rq_*` counters of a (gateway route, service route), created once and kept across snapshots. */
  statsFor(gatewayRoute: GatewayRoute, virtualService: string, route: RequestRoute): RouteStats;
  /** Metrics key and trace/log names of a (gateway route, service route, target), resolved once. */
  labelsFor?(
    gatewayRoute: GatewayRoute,
    virtualService: string,
    route: RequestRoute,
    clusterId: string,
  ): RequestLabels;
}

/**
 * The handler of the local port serving one gateway listener. `listenerPort` is that listener's port
 * (`undefined` while it is not known: no snapshot yet, or a `single` ingress port and several listeners).
 */
export function createGatewayHandler(deps: {
  readonly config: () => GatewayConfig | undefined;
  readonly listenerPort: () => number | undefined;
  readonly upstreams: Upstreams;
  readonly stats: Stats;
  readonly telemetry?: RequestTelemetry;
}): (req: DownstreamRequest, res: DownstreamResponse) => void {
  const local = localReplyCounters(deps.stats);

  return (req, res) => {
    const head = checkRequestHead(req);
    if (!head.ok) {
      local.rejected.inc();
      return localReply(res, head.status, head.reason, { close: true });
    }
    const config = deps.config();
    const listenerPort = deps.listenerPort();
    if (config === undefined || listenerPort === undefined) {
      local.notReady.inc();
      return localReply(res, 503, 'the gateway has no configuration for this listener yet');
    }
    const protocol = config.table.listeners.get(listenerPort);
    if (protocol !== 'http') {
      local.noListener.inc();
      return localReply(
        res,
        503,
        protocol === undefined
          ? `the gateway has no listener on port ${listenerPort}`
          : `gateway listener ${listenerPort} speaks ${protocol}; this proxy serves http listeners only`,
      );
    }
    const method = req.method;
    const decision = config.table.resolve(listenerPort, requestFacts(req, head));

    switch (decision.kind) {
      case 'no-listener':
        local.noListener.inc();
        return localReply(res, 503, `the gateway has no listener on port ${listenerPort}`);
      case 'no-match':
        local.noGatewayRoute.inc();
        return localReply(
          res,
          404,
          `no gateway route of listener ${listenerPort} matches ${method} ${head.authority.host}${head.path}`,
        );
      case 'no-target':
        local.noTarget.inc();
        return localReply(
          res,
          503,
          `gateway route "${decision.gatewayRoute.name}" has no reachable target (see the snapshot's problems)`,
        );
      case 'matched':
        break;
    }

    const { gatewayRoute, target } = decision;
    switch (target.kind) {
      case 'route': {
        const { virtualService, route, clusterId } = target;
        return forwardToRoute(req, res, head, {
          virtualService,
          route,
          cluster: clusterId === undefined ? undefined : deps.upstreams.get(clusterId),
          stats: config.statsFor(gatewayRoute, virtualService, route),
          telemetry: deps.telemetry,
          labels: () => config.labelsFor?.(gatewayRoute, virtualService, route, clusterId!),
          path: head.query === '' ? decision.path : `${decision.path}?${head.query}`,
          ...(decision.host !== undefined ? { host: decision.host } : {}),
        });
      }
      case 'no-route':
        local.noRoute.inc();
        return localReply(
          res,
          404,
          `gateway route "${gatewayRoute.name}" matched, but no route of virtual service "${target.virtualService}" matches ${method} ${decision.path}`,
        );
      case 'no-provider':
        local.noProvider.inc();
        return localReply(
          res,
          503,
          `virtual service "${target.virtualService}" (gateway route "${gatewayRoute.name}") has no provider in this mesh`,
        );
      case 'egress':
      case 'denied':
        // The compiler only targets a port of the service; a gateway never forwards outside the mesh.
        local.noTarget.inc();
        return localReply(
          res,
          503,
          `gateway route "${gatewayRoute.name}" targets port ${gatewayRoute.target.port} of virtual service "${gatewayRoute.target.virtualService}", which it does not have`,
        );
    }
  };
}

function localReplyCounters(
  stats: Stats,
): Record<
  'rejected' | 'notReady' | 'noListener' | 'noGatewayRoute' | 'noTarget' | 'noRoute' | 'noProvider',
  Counter
> {
  const c = (reason: string) => stats.counter('downstream_rq_local_reply', { direction: 'gateway', reason });
  return {
    rejected: c('bad_request'),
    notReady: c('not_ready'),
    noListener: c('no_listener'),
    noGatewayRoute: c('no_gateway_route'),
    noTarget: c('no_target'),
    noRoute: c('no_route'),
    noProvider: c('no_provider'),
  };
}
