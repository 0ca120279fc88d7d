import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS, httpLimits, serverOptions } from '../../../proxy/http/limits.js';

describe('serverOptions', () => {
  it('gives Node strict parsing and the default limits', () => {
    expect(serverOptions()).toEqual({
      maxHeaderSize: 61_440,
      requestTimeout: 300_000,
      headersTimeout: 60_000,
      keepAliveTimeout: 300_000,
      connectionsCheckingInterval: 1_000,
      insecureHTTPParser: false,
      joinDuplicateHeaders: false,
      requireHostHeader: true,
    });
    expect(DEFAULT_HTTP_LIMITS.maxHeaderCount).toBe(100);
  });

  it('never gives a headers timeout above the request timeout, which Node refuses', () => {
    expect(
      serverOptions(httpLimits({ headersTimeoutMs: 90_000, requestTimeoutMs: 30_000 })).headersTimeout,
    ).toBe(30_000);
    expect(serverOptions(httpLimits({ headersTimeoutMs: 90_000, requestTimeoutMs: 0 })).headersTimeout).toBe(
      90_000,
    );
  });
});
