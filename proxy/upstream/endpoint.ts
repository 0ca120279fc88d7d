// One address a cluster balances over: its connection pool and the state balancing and ejection read.

import { UNLIMITED } from '../../control-plane/snapshot/index.js';
import { DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_HEADER_COUNT } from '../http/limits.js';
import { CONNECT_TIMEOUT_MS, KEEP_ALIVE_MAX_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } from './constants.js';
import { H1Pool } from './h1/index.js';

export interface EndpointAddress {
  readonly address: string;
  readonly port: number;
}

export class UpstreamEndpoint {
  readonly address: string;
  readonly port: number;
  /** `address:port` (`[v6]:port`); the identity of an endpoint within a cluster. */
  readonly key: string;
  readonly pool: H1Pool;
  /** Connections the pool may open; `Infinity` when unlimited. */
  readonly connectionLimit: number;
  /** Requests dispatched to the pool and not yet finished (including those waiting for a connection). */
  active = 0;
  /** Set by an active health checker; unhealthy endpoints are not balanced to. */
  healthy = true;
  /** Outlier detection state: ejected now, ejections so far, the next ejection's multiplier. */
  ejected = false;
  timesEjected = 0;
  ejectionMultiplier = 0;
  consecutiveErrors = 0;
  ejectedUntil = 0;
  /** Removed from its cluster: finishing what it has, then closed. */
  draining = false;

  constructor(target: EndpointAddress, maxConnections: number) {
    this.address = target.address;
    this.port = target.port;
    this.key = endpointKey(target);
    this.connectionLimit = maxConnections >= UNLIMITED ? Number.POSITIVE_INFINITY : maxConnections;
    this.pool = new H1Pool(target.address, target.port, {
      connections: this.connectionLimit,
      keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
      keepAliveMaxTimeoutMs: KEEP_ALIVE_MAX_TIMEOUT_MS,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      // Envoy applies the same header limits to responses as to requests.
      limits: { maxHeaderBytes: DEFAULT_MAX_HEADER_BYTES, maxHeaderCount: DEFAULT_MAX_HEADER_COUNT },
    });
  }

  /** Eligible for new requests. */
  get available(): boolean {
    return this.healthy && !this.ejected && !this.draining;
  }

  /** Stops taking requests; the pool closes once its requests in flight have finished. */
  drain(): Promise<void> {
    this.draining = true;
    return this.pool.close();
  }
}

export function endpointKey(target: EndpointAddress): string {
  return target.address.includes(':')
    ? `[${target.address}]:${target.port}`
    : `${target.address}:${target.port}`;
}
