/**
 * The one clock every use case takes instead of reading `Date.now()` or setting a bare timer, so
 * that schedules, holds, retries and timeouts can run on a fake clock in tests (node:test
 * `mock.timers`, or a hand-made Clock). Only `cli/` builds the system clock and hands it down.
 */

/** A timer handle as returned by {@link Clock.setTimeout}; pass it back to {@link Clock.clearTimeout}. */
export type TimerHandle = unknown;

/** Wall time in epoch milliseconds plus timers. */
export interface Clock {
  /** Milliseconds since the Unix epoch (the host's wall clock). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds (clamped to 0 … 2^31−1). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a handle already fired or cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

const MAX_TIMER_MS = 0x7fffffff;

/** The host's clock and Node's timers (looked up at call time, so node:test `mock.timers` applies). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.min(Math.max(0, ms), MAX_TIMER_MS)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
