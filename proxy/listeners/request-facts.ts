// What routing looks at in a checked request: the one place a request head becomes `RequestFacts`.

import type { AcceptedRequestHead } from '../http/index.js';
import type { DownstreamRequest } from '../http/server/index.js';
import type { RequestFacts } from '../routing/index.js';

export function requestFacts(req: DownstreamRequest, head: AcceptedRequestHead): RequestFacts {
  return {
    method: req.method,
    path: head.path,
    query: head.query,
    host: head.authority.host,
    port: head.authority.port,
    scheme: head.scheme,
    headers: req.rawHeaders,
  };
}
