import { describe, expect, it } from 'vitest';
import { backoffMs, isIdempotent, shouldRetry } from '../../../proxy/upstream/retry-rules.js';
import { policy } from './harness.js';

describe('shouldRetry', () => {
  const explicit = policy({ httpStatuses: [502, 503, 504], reset: true, connectFailure: true });
  const implicit = policy({ isDefault: true, httpStatuses: [503], reset: false, connectFailure: true });

  it.each([
    // method, kind, status, policy, expected
    ['GET', 'status', 503, explicit, true],
    ['GET', 'status', 500, explicit, false],
    ['GET', 'reset', 0, explicit, true],
    ['GET', 'reset', 0, implicit, false],
    ['GET', 'timeout', 0, explicit, true],
    ['GET', 'timeout', 0, implicit, false],
    ['GET', 'malformed', 0, explicit, false],
    ['GET', 'local', 0, explicit, false],
    ['POST', 'connect', 0, implicit, true],
    ['POST', 'status', 503, explicit, true],
    ['POST', 'status', 503, implicit, false],
    ['POST', 'reset', 0, explicit, false],
    ['POST', 'timeout', 0, explicit, false],
    ['PATCH', 'reset', 0, explicit, false],
    ['PUT', 'reset', 0, explicit, true],
    ['DELETE', 'status', 503, implicit, true],
  ] as const)('%s after %s %i → %s', (method, kind, status, p, expected) => {
    expect(shouldRetry(p, kind, status, isIdempotent(method))).toBe(expected);
  });

  it('never retries a connect failure the policy does not name', () => {
    expect(shouldRetry(policy({ connectFailure: false }), 'connect', 0, true)).toBe(false);
  });
});

describe('backoffMs', () => {
  it('uses full jitter below 25 ms × 2^(retry−1), capped at 250 ms', () => {
    expect(backoffMs(1, () => 0.999)).toBe(24);
    expect(backoffMs(2, () => 0.999)).toBe(49);
    expect(backoffMs(4, () => 0.999)).toBe(199);
    expect(backoffMs(5, () => 0.999)).toBe(249);
    expect(backoffMs(30, () => 0.999)).toBe(249);
    expect(backoffMs(3, () => 0)).toBe(0);
  });
});
