// What routing looks at in a checked request: the one place a request head becomes `RequestFacts`.

import type { IncomingMessage } from 'node:http';
import type { AcceptedRequestHead } from '../http/index.js';
import type { RequestFacts } from '../routing/index.js';

export function requestFacts(req: IncomingMessage, head: AcceptedRequestHead): RequestFacts {
  return {
    method: req.method ?? 'GET',
    path: head.path,
    query: head.query,
    host: head.authority.host,
    port: head.authority.port,
    scheme: head.scheme,
    headers: req.rawHeaders,
  };
}
