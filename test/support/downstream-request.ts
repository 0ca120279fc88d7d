// A downstream request as the proxy's server would hand it over, for code that reads only its head.

import type { Socket } from 'node:net';
import { DownstreamRequest } from '../../proxy/http/server/index.js';

export function downstreamRequest(
  headers: Readonly<Record<string, string>>,
  { method = 'GET', url = '/', remoteAddress = '127.0.0.1' } = {},
): DownstreamRequest {
  return new DownstreamRequest(
    {
      method,
      target: url,
      major: 1,
      minor: 1,
      headers: Object.entries(headers).flat(),
      bodyLength: 0,
      keepAlive: true,
      expectContinue: false,
      expectUnknown: false,
    },
    { remoteAddress } as Socket,
    { readMore() {} },
  );
}
