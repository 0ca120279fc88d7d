// One address a cluster balances over: its undici connection pool and the state balancing and ejection read.

import { Pool } from 'undici';
import { UNLIMITED } from '../../control-plane/snapshot/index.js';
import { CONNECT_TIMEOUT_MS, KEEP_ALIVE_MAX_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } from './constants.js';

export interface EndpointAddress {
  readonly address: string;
  readonly port: number;
}

export class UpstreamEndpoint {
  readonly address: string;
  readonly port: number;
  /** `address:port` (`[v6]:port`); the identity of an endpoint within a cluster. */
  readonly key: string;
  readonly pool: Pool;
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
    const host = target.address.includes(':') ? `[${target.address}]` : target.address;
    this.pool = new Pool(`http://${host}:${target.port}`, {
      connections: maxConnections >= UNLIMITED ? null : maxConnections,
      pipelining: 1,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      keepAliveMaxTimeout: KEEP_ALIVE_MAX_TIMEOUT_MS,
      // Time limits are set per request (idle) and by the forwarder (per try, per request).
      headersTimeout: 0,
      bodyTimeout: 0,
      connect: { timeout: CONNECT_TIMEOUT_MS },
    });
  }

  /** Eligible for new requests. */
  get available(): boolean {
    return this.healthy && !this.ejected && !this.draining;
  }

  /** Stops taking requests; the pool closes once its requests in flight have finished. */
  drain(): Promise<void> {
    this.draining = true;
    return this.pool.close().catch(() => {});
  }
}

export function endpointKey(target: EndpointAddress): string {
  return target.address.includes(':')
    ? `[${target.address}]:${target.port}`
    : `${target.address}:${target.port}`;
}
