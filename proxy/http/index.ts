// Request and response hygiene at the proxy's edges: limits, request-head checks, forwarded headers, local replies.

export { type Authority, formatAuthority, parseAuthority } from './authority.js';
export { connectionNominated, HOP_BY_HOP_HEADERS } from './hop-by-hop.js';
export {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_HTTP_LIMITS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_MAX_HEADER_COUNT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TIMEOUT_CHECK_INTERVAL_MS,
  type HttpLimits,
  httpLimits,
} from './limits.js';
export {
  LOCAL_REPLY_HEADER,
  type LocalReplyOptions,
  localReply,
  localReplyBody,
  localReplyHead,
} from './local-reply.js';
export { normalizePath, type PathRejection } from './normalize-path.js';
export {
  type AcceptedRequestHead,
  checkRequestHead,
  type RejectedRequestHead,
  type RequestHeadCheck,
} from './request-head.js';
export { requestHeadersForUpstream, type UpstreamRequestHeaderOptions } from './request-headers.js';
export { responseHeadersForDownstream } from './response-headers.js';
