import { describe, expect, it } from 'vitest';
import { responseHeadersForDownstream } from '../../../proxy/http/response-headers.js';

describe('responseHeadersForDownstream', () => {
  it('drops hop-by-hop headers and those named in Connection, keeping the rest in order', () => {
    const raw = [
      'Content-Type',
      'text/plain',
      'Connection',
      'close, X-Upstream-Hop',
      'Keep-Alive',
      'timeout=5',
      'Transfer-Encoding',
      'chunked',
      'Proxy-Authenticate',
      'Basic',
      'Upgrade',
      'h2c',
      'x-upstream-hop',
      'secret',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'X-Amzn-Trace-Id',
      'Root=1-5759e988-bd862e3fe1be46a994272793',
    ];
    expect(responseHeadersForDownstream(raw)).toEqual([
      'Content-Type',
      'text/plain',
      'Set-Cookie',
      'a=1',
      'Set-Cookie',
      'b=2',
      'X-Amzn-Trace-Id',
      'Root=1-5759e988-bd862e3fe1be46a994272793',
    ]);
  });

  it('returns an empty array for no headers', () => {
    expect(responseHeadersForDownstream([])).toEqual([]);
  });
});
