// Hands a checked downstream request to a cluster: the one place listeners build an upstream call.

import type { RequestRoute, RetryPolicy, Timeout } from '../../control-plane/snapshot/index.js';
import {
  type AcceptedRequestHead,
  localReply,
  requestHeadersForUpstream,
  responseHeadersForDownstream,
} from '../http/index.js';
import type { DownstreamRequest, DownstreamResponse } from '../http/server/index.js';
import type { RequestLabels, RequestTelemetry } from '../telemetry/request-telemetry.js';
import { type ClusterState, forward, type RouteStats } from '../upstream/index.js';

export interface ForwardTarget {
  readonly cluster: ClusterState;
  /** @default - no retries */
  readonly retryPolicy?: RetryPolicy;
  readonly timeout: Timeout;
  readonly stats: RouteStats;
  /** The path (and query) to send, when a rewrite changed it. @default the request's normalized path */
  readonly path?: string;
  /** The Host to send, when a rewrite changed it. @default the request's authority */
  readonly host?: string;
  /** Metrics, trace and access log of the request. @default - none */
  readonly telemetry?: RequestTelemetry;
  readonly labels?: RequestLabels;
}

export function forwardRequest(
  req: DownstreamRequest,
  res: DownstreamResponse,
  head: AcceptedRequestHead,
  target: ForwardTarget,
): void {
  const path = target.path ?? (head.query === '' ? head.path : `${head.path}?${head.query}`);
  const observation = target.telemetry?.start(req, path, head, target.labels ?? {});
  // One object shape per call (optional fields set, possibly undefined): these are built per request.
  forward({
    req,
    res,
    cluster: target.cluster,
    method: req.method,
    path,
    headers: requestHeadersForUpstream(req.rawHeaders, {
      clientAddress: req.socket.remoteAddress ?? '127.0.0.1',
      scheme: head.scheme,
      host: target.host ?? head.hostHeader,
    }),
    bodyLength: head.bodyLength,
    retryPolicy: target.retryPolicy,
    timeout: target.timeout,
    budget: target.cluster.budget,
    stats: target.stats,
    responseHeaders: responseHeadersForDownstream,
    observeAttempt: observation?.observeAttempt,
    done: observation?.done,
  });
}

/**
 * Forwards to the cluster a route picked, with the route's retry policy and timeout — or answers 503
 * when the picked share has no target (an unresolvable target, or a cluster not known yet).
 */
export function forwardToRoute(
  req: DownstreamRequest,
  res: DownstreamResponse,
  head: AcceptedRequestHead,
  choice: {
    readonly virtualService: string;
    readonly route: RequestRoute;
    readonly cluster: ClusterState | undefined;
    readonly stats: RouteStats;
    readonly telemetry: RequestTelemetry | undefined;
    /** Called only when there is telemetry to label. */
    readonly labels: () => RequestLabels | undefined;
    readonly path?: string;
    readonly host?: string;
  },
): void {
  const { route, cluster, stats, telemetry } = choice;
  if (cluster === undefined) {
    stats.requests.inc();
    stats.status5xx.inc();
    localReply(
      res,
      503,
      `route "${route.name}" of virtual service "${choice.virtualService}" has no available target`,
    );
    return;
  }
  forwardRequest(req, res, head, {
    cluster,
    retryPolicy: route.retryPolicy,
    timeout: route.timeout,
    stats,
    path: choice.path,
    host: choice.host,
    telemetry,
    labels: telemetry !== undefined ? (choice.labels() ?? {}) : undefined,
  });
}
