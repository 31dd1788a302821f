/**
 * Abandoning a long wait on SIGINT/SIGTERM: the first SKJOIN (up to ~40 s), an SKSCAN (up to
 * ~35 s at duration 7) — waits that belong to a command the stick is still running, so they
 * cannot be cancelled, only left. The abandoned promise's later rejection (the port closing
 * under it) is swallowed.
 */
import type { Clock } from './clock.js';

/** `promise`'s value, or `{ aborted: true }` as soon as `signal` aborts (at once when it already has). */
export async function unlessAborted<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
): Promise<{ value: T } | { aborted: true }> {
  if (signal === undefined) return { value: await promise };
  if (signal.aborted) {
    promise.catch(() => undefined);
    return { aborted: true };
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<{ aborted: true }>((resolve) => {
    onAbort = () => resolve({ aborted: true });
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise.then((value) => ({ value })), aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    promise.catch(() => undefined);
  }
}

/**
 * `promise`'s value, or `{ aborted: true }` once `ms` milliseconds have passed on `clock` (a wait
 * given a last bound, e.g. SKTERM when a run stops); the timer is cleared either way.
 */
export async function unlessLate<T>(
  promise: Promise<T>,
  clock: Clock,
  ms: number,
): Promise<{ value: T } | { aborted: true }> {
  const late = new AbortController();
  const timer = clock.setTimeout(() => late.abort(), ms);
  try {
    return await unlessAborted(promise, late.signal);
  } finally {
    clock.clearTimeout(timer);
  }
}
