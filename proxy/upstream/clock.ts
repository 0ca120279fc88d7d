// Time for the upstream layer, injectable so ejection and refresh timers run under fake time in tests.

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/**
 * The process clock. Globals are looked up on each call, so `vi.useFakeTimers()` installed after import
 * still applies; timers are unref'd so they never keep the process alive.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => unref(globalThis.setTimeout(fn, ms)),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as NodeJS.Timeout),
  setInterval: (fn, ms) => unref(globalThis.setInterval(fn, ms)),
  clearInterval: (handle) => globalThis.clearInterval(handle as NodeJS.Timeout),
};

function unref<T>(handle: T): T {
  (handle as { unref?: () => void }).unref?.();
  return handle;
}
