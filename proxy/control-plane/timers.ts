// The clock and timers the control-plane loops use; injectable so tests control time, unref'd so they never keep the process alive.

export type TimerHandle = unknown;

export interface Timers {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The global clock and timers, looked up at each call (so `vi.useFakeTimers()` applies); timers are unref'd. */
export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = globalThis.setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout(handle) {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  },
};

/** Share of the interval a poll may move either way, so a fleet started together does not poll together. */
export const POLL_JITTER = 0.1;

/** `intervalMs` moved by up to ±10%, given `random()` in [0, 1). */
export function jittered(intervalMs: number, random: () => number = Math.random): number {
  return Math.max(1, Math.round(intervalMs * (1 - POLL_JITTER + 2 * POLL_JITTER * random())));
}
