/**
 * Stops waiting for a piece of work when SIGINT/SIGTERM arrives (the "about two seconds
 * whatever it is doing"): a scan's SKSCAN, a first SKJOIN with its backoffs. The work itself is
 * left to settle (the port is closed next, which ends what the stick still owes).
 */

/** `work`'s result, or undefined as soon as `signal` aborts; `work`'s later failure is ignored. */
export async function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (signal === undefined) return work;
  work.catch(() => undefined);
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}
