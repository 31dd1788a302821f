/**
 * The drain after the CRLF that opens a session with the stick (docs/protocol.md §6 step 1): input is
 * discarded until the line has been quiet for `quietMs`, `maxMs` at most. A stick with nothing
 * left to say costs `quietMs`, not the whole `maxMs` (no wait the protocol does not force).
 */

/**
 * @param watch receives `activity`, to be called on every chunk received while draining;
 *              it is handed `undefined` when the drain is over.
 */
export function drainUntilQuiet(maxMs: number, quietMs: number, watch: (activity: (() => void) | undefined) => void): Promise<void> {
  return new Promise((resolve) => {
    let quiet: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearTimeout(quiet);
      clearTimeout(cap);
      watch(undefined);
      resolve();
    };
    const cap = setTimeout(done, maxMs);
    const activity = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(done, Math.min(quietMs, maxMs));
    };
    watch(activity);
    activity();
  });
}
