// Hands a checked downstream request to a cluster: the one place listeners build an upstream call.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RetryPolicy, Timeout } from '../../control-plane/snapshot/index.js';
import {
  type AcceptedRequestHead,
  requestHeadersForUpstream,
  responseHeadersForDownstream,
} from '../http/index.js';
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
  req: IncomingMessage,
  res: ServerResponse,
  head: AcceptedRequestHead,
  target: ForwardTarget,
): void {
  const path = target.path ?? (head.query === '' ? head.path : `${head.path}?${head.query}`);
  const observation = target.telemetry?.start(req, path, head.hostHeader, target.labels ?? {});
  forward({
    req,
    res,
    cluster: target.cluster,
    method: req.method ?? 'GET',
    path,
    headers: requestHeadersForUpstream(req.rawHeaders, {
      clientAddress: req.socket.remoteAddress ?? '127.0.0.1',
      scheme: head.scheme,
      host: target.host ?? head.hostHeader,
    }),
    ...(target.retryPolicy !== undefined ? { retryPolicy: target.retryPolicy } : {}),
    timeout: target.timeout,
    budget: target.cluster.budget,
    stats: target.stats,
    responseHeaders: responseHeadersForDownstream,
    ...(observation?.observeAttempt !== undefined ? { observeAttempt: observation.observeAttempt } : {}),
    ...(observation !== undefined ? { done: observation.done } : {}),
  });
}
