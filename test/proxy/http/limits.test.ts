import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS, httpLimits } from '../../../proxy/http/limits.js';

describe('httpLimits', () => {
  it('has the defaults of Envoy (headers) and Node (timeouts)', () => {
    expect(DEFAULT_HTTP_LIMITS).toEqual({
      maxHeaderCount: 100,
      maxHeaderBytes: 61_440,
      headersTimeoutMs: 60_000,
      requestTimeoutMs: 300_000,
      keepAliveTimeoutMs: 300_000,
      timeoutCheckIntervalMs: 1_000,
    });
  });

  it('applies overrides and keeps the rest', () => {
    const limits = httpLimits({ headersTimeoutMs: 5_000 });
    expect(limits.headersTimeoutMs).toBe(5_000);
    expect(limits.maxHeaderCount).toBe(100);
    expect(Object.isFrozen(limits)).toBe(true);
  });
});
