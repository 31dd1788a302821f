/**
 * Waits that an abort signal (SIGINT/SIGTERM) cuts short: a poll's wait for its next slot,
 * history's wait near the meter's midnight, a request's pause between tries and its wait for
 * EVENT 02 after a neighbour solicitation (reader-request.ts).
 */

/** Resolves after `ms`, on `signal`'s abort, or when the function handed to `onWaker` is called. */
export function pause(ms: number, signal?: AbortSignal, onWaker?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    onWaker?.(done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** As `pause`, but resolves at once when there is nothing to wait for (`ms` ≤ 0, or aborted already). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return pause(ms, signal);
}
