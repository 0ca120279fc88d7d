// Choosing an endpoint for an attempt: round robin, or least request over two random choices.

import type { UpstreamEndpoint } from './endpoint.js';

export type BalancerKind = 'least-request' | 'round-robin';

/**
 * Least-request power-of-two-choices is the default: it steers away from slow or busy endpoints using only
 * this proxy's own in-flight counts, costs O(1) per pick, and — unlike picking the global minimum — does
 * not send every proxy's next request to the same momentarily idle host (the herd effect). Round robin
 * stays available for predictable, exactly even spreading.
 */
export const DEFAULT_BALANCER: BalancerKind = 'least-request';

export interface Balancer {
  /**
   * An available endpoint, other than `avoid` when another one is available (a retry prefers a different
   * host); undefined when none is available.
   */
  pick(
    endpoints: readonly UpstreamEndpoint[],
    avoid: UpstreamEndpoint | undefined,
  ): UpstreamEndpoint | undefined;
}

export function createBalancer(kind: BalancerKind, random: () => number = Math.random): Balancer {
  return kind === 'round-robin' ? new RoundRobin() : new LeastRequest(random);
}

export class RoundRobin implements Balancer {
  #next = 0;

  pick(
    endpoints: readonly UpstreamEndpoint[],
    avoid: UpstreamEndpoint | undefined,
  ): UpstreamEndpoint | undefined {
    const n = endpoints.length;
    let fallback: UpstreamEndpoint | undefined;
    for (let i = 0; i < n; i++) {
      const index = (this.#next + i) % n;
      const endpoint = endpoints[index]!;
      if (!endpoint.available) continue;
      if (endpoint === avoid) {
        fallback = endpoint;
        continue;
      }
      this.#next = index + 1;
      return endpoint;
    }
    return fallback;
  }
}

export class LeastRequest implements Balancer {
  readonly #random: () => number;

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  pick(
    endpoints: readonly UpstreamEndpoint[],
    avoid: UpstreamEndpoint | undefined,
  ): UpstreamEndpoint | undefined {
    const n = endpoints.length;
    if (n === 0) return undefined;
    if (n === 1) return endpoints[0]!.available ? endpoints[0] : undefined;
    const i = Math.floor(this.#random() * n);
    let j = Math.floor(this.#random() * (n - 1));
    if (j >= i) j++;
    const a = endpoints[i]!;
    const b = endpoints[j]!;
    const aOk = a.available && a !== avoid;
    const bOk = b.available && b !== avoid;
    if (aOk && bOk) return b.active < a.active ? b : a;
    if (aOk) return a;
    if (bOk) return b;
    // Both choices unusable (ejected, unhealthy, or the host to avoid): scan from a random start.
    let fallback: UpstreamEndpoint | undefined;
    for (let k = 0; k < n; k++) {
      const endpoint = endpoints[(i + k) % n]!;
      if (!endpoint.available) continue;
      if (endpoint !== avoid) return endpoint;
      fallback = endpoint;
    }
    return fallback;
  }
}
