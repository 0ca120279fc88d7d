// App Mesh durations (`{ unit, value }`) as the milliseconds the snapshot carries.

import type { Duration } from '../model/shared.js';
import { MAX_DURATION_MS } from '../snapshot/routes.js';

/** Milliseconds, clamped to the longest Node.js timer. */
export function toMs(duration: Duration): number {
  const ms = duration.unit === 's' ? duration.value * 1000 : duration.value;
  return Math.min(ms, MAX_DURATION_MS);
}
