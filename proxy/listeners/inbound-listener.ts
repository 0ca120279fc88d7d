// An ingress listener: requests from the mesh to one of the node's listeners, forwarded to the local app
// within that listener's timeouts and connection pool (overflow is answered 503 at once).

import type { Timeout } from '../../control-plane/snapshot/index.js';
import { checkRequestHead, localReply } from '../http/index.js';
import type { DownstreamRequest, DownstreamResponse } from '../http/server/index.js';
import type { RequestLabels, RequestTelemetry } from '../telemetry/request-telemetry.js';
import type { Stats } from '../telemetry/stats.js';
import type { ClusterState, RouteStats } from '../upstream/index.js';
import { forwardRequest } from './forward-request.js';

/** What a snapshot's listener gives the ingress listener; replaced whole when a new snapshot is applied. */
export interface InboundConfig {
  /** The local app, with the listener's connection pool. */
  readonly app: ClusterState;
  readonly timeout: Timeout;
  readonly stats: RouteStats;
  /** Metrics key and log names of this listener. @default - none */
  readonly labels?: RequestLabels;
}

export function createInboundHandler(deps: {
  readonly config: () => InboundConfig | undefined;
  readonly stats: Stats;
  readonly telemetry?: RequestTelemetry;
}): (req: DownstreamRequest, res: DownstreamResponse) => void {
  const rejected = deps.stats.counter('downstream_rq_local_reply', {
    direction: 'inbound',
    reason: 'bad_request',
  });
  const notReady = deps.stats.counter('downstream_rq_local_reply', {
    direction: 'inbound',
    reason: 'not_ready',
  });
  return (req, res) => {
    const head = checkRequestHead(req);
    if (!head.ok) {
      rejected.inc();
      return localReply(res, head.status, head.reason, { close: true });
    }
    const config = deps.config();
    if (config === undefined) {
      notReady.inc();
      return localReply(res, 503, 'the proxy has no configuration for this listener yet');
    }
    forwardRequest(req, res, head, {
      cluster: config.app,
      timeout: config.timeout,
      stats: config.stats,
      ...(deps.telemetry !== undefined ? { telemetry: deps.telemetry, labels: config.labels ?? {} } : {}),
    });
  };
}
