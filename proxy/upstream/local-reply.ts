// Replies the proxy makes itself: a status and a small JSON body, marked `x-tessera-local-reply: true`.

import { localReplyBody, localReplyHeaders } from '../http/local-reply.js';
import type { DownstreamResponse } from '../http/server/index.js';

export interface LocalReply {
  readonly status: number;
  readonly message: string;
  /** `{"message":…,"proxy":"tessera"}`, rendered once. */
  readonly body: Buffer;
  /** Flat raw header array, rendered once. */
  readonly headers: readonly string[];
}

function localReply(status: number, message: string): LocalReply {
  const body = Buffer.from(localReplyBody(message));
  return {
    status,
    message,
    body,
    headers: Object.freeze(localReplyHeaders(body.length)),
  };
}

/** Every local reply of the upstream layer; rendered at load so none is built per request. */
export const LOCAL_REPLIES = {
  noHealthyUpstream: localReply(503, 'no healthy upstream'),
  connectFailure: localReply(503, 'upstream connect error'),
  reset: localReply(503, 'upstream connection reset before response headers'),
  overflow: localReply(503, 'upstream overflow: too many pending requests'),
  malformed: localReply(502, 'upstream sent a malformed response'),
  requestTimeout: localReply(504, 'upstream request timeout'),
  perTryTimeout: localReply(504, 'upstream per-try timeout'),
  idleTimeout: localReply(504, 'upstream idle timeout'),
  local: localReply(500, 'the proxy could not send the request upstream'),
} as const;

/**
 * Sends `reply` unless the response has already started, in which case the downstream connection is
 * destroyed: a client must never take a half-sent response for a complete one.
 */
export function sendLocalReply(res: DownstreamResponse, reply: LocalReply): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  res.writeHead(reply.status, reply.headers as string[]);
  res.end(reply.body);
}
