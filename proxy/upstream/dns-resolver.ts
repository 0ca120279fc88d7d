// Resolving a DNS-discovered host to the addresses a cluster balances over, again every few seconds.

import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import type { IpPreference } from '../../control-plane/snapshot/index.js';
import type { Clock } from './clock.js';

export type LookupAll = (
  hostname: string,
  family: 0 | 4 | 6,
) => Promise<readonly { address: string; family: number }[]>;

/** `dns.promises.lookup` with `all: true` (the system resolver, as the app itself would resolve). */
export const systemLookup: LookupAll = (hostname, family) => dns.lookup(hostname, { all: true, family });

export interface DnsTarget {
  readonly hostname: string;
  /** `LOADBALANCER`: one address (the first in preference order); `ENDPOINTS`: every address. */
  readonly responseType: 'LOADBALANCER' | 'ENDPOINTS';
  readonly ipPreference: IpPreference;
}

/** The addresses of `target`, ordered and filtered by its IP preference (a `_PREFERRED` family wins when present). */
export async function resolveTarget(target: DnsTarget, lookup: LookupAll = systemLookup): Promise<string[]> {
  if (isIP(target.hostname) !== 0) return [target.hostname];
  const pref = target.ipPreference;
  const family = pref === 'IPv4_ONLY' ? 4 : pref === 'IPv6_ONLY' ? 6 : 0;
  const records = await lookup(target.hostname, family);
  let chosen = records;
  if (family === 0) {
    const preferred = pref === 'IPv4_PREFERRED' ? 4 : 6;
    const same = records.filter((r) => r.family === preferred);
    if (same.length > 0) chosen = same;
  }
  const addresses = [...new Set(chosen.map((r) => r.address))];
  return target.responseType === 'LOADBALANCER' ? addresses.slice(0, 1) : addresses;
}

/**
 * Keeps a host resolved: at once, then every `refreshMs`. A failed or empty resolution keeps the last
 * addresses (a DNS hiccup must not empty a working cluster). `onAddresses` is called when they change.
 */
export class DnsWatch {
  readonly #target: DnsTarget;
  readonly #lookup: LookupAll;
  readonly #clock: Clock;
  readonly #onAddresses: (addresses: readonly string[]) => void;
  #timer: unknown;
  #last = '';
  #closed = false;
  /** Settles once the first resolution has finished (resolved or failed). */
  readonly firstResolution: Promise<void>;

  constructor(
    target: DnsTarget,
    refreshMs: number,
    onAddresses: (addresses: readonly string[]) => void,
    clock: Clock,
    lookup: LookupAll = systemLookup,
  ) {
    this.#target = target;
    this.#lookup = lookup;
    this.#clock = clock;
    this.#onAddresses = onAddresses;
    this.firstResolution = this.#resolve();
    this.#timer = clock.setInterval(() => void this.#resolve(), refreshMs);
  }

  get target(): DnsTarget {
    return this.#target;
  }

  close(): void {
    this.#closed = true;
    this.#clock.clearInterval(this.#timer);
  }

  async #resolve(): Promise<void> {
    try {
      const addresses = await resolveTarget(this.#target, this.#lookup);
      if (this.#closed || addresses.length === 0) return;
      const key = addresses.join(',');
      if (key === this.#last) return;
      this.#last = key;
      this.#onAddresses(addresses);
    } catch {
      // Keep the last addresses.
    }
  }
}
