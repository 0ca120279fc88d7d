// Hands a checked downstream request to a cluster: the one place listeners build an upstream call.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RetryPolicy, Timeout } from '../../control-plane/snapshot/index.js';
import {
  type AcceptedRequestHead,
  requestHeadersForUpstream,
  responseHeadersForDownstream,
} from '../http/index.js';
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
}

export function forwardRequest(
  req: IncomingMessage,
  res: ServerResponse,
  head: AcceptedRequestHead,
  target: ForwardTarget,
): void {
  forward({
    req,
    res,
    cluster: target.cluster,
    method: req.method ?? 'GET',
    path: target.path ?? (head.query === '' ? head.path : `${head.path}?${head.query}`),
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
  });
}
