// What each of the proxy's control-plane clients (snapshot watcher, endpoint watcher, registration) is given.

import type { Stats } from '../telemetry/stats.js';
import type { RequestSigner } from './sigv4-signer.js';
import type { Timers } from './timers.js';

/** Each request's limit (headers and body). */
export const DEFAULT_CONTROL_PLANE_TIMEOUT_MS = 10_000;

export interface ControlPlaneClientOptions {
  readonly controlPlaneUrl: string;
  readonly mesh: string;
  readonly stats: Stats;
  /** @default systemTimers */
  readonly timers?: Timers;
  /** @default DEFAULT_CONTROL_PLANE_TIMEOUT_MS */
  readonly requestTimeoutMs?: number;
  /** Signs control-plane requests (SigV4). @default - unsigned */
  readonly signer?: RequestSigner;
  /** @default a line on stderr */
  readonly log?: (message: string) => void;
}
