/**
 * The drain after the CRLF that opens a session with the stick (docs/protocol.md §6 step 1): input is
 * discarded until the line has been quiet for `quietMs`, `maxMs` at most. A stick with nothing
 * left to say costs `quietMs`, not the whole `maxMs` (no wait the protocol does not force).
 * Built on the one waiter (src/time/waitress.ts): each received chunk is a payload; a quiet
 * period is a wait for the next chunk that times out.
 */
import type { Clock } from '../time/clock.js';
import { Waitress } from '../time/waitress.js';

/**
 * @param watch receives `activity`, to be called on every chunk received while draining;
 *              it is handed `undefined` when the drain is over.
 */
export async function drainUntilQuiet(
  clock: Clock,
  maxMs: number,
  quietMs: number,
  watch: (activity: (() => void) | undefined) => void,
): Promise<void> {
  const chunks = new Waitress<'chunk'>(clock);
  const deadline = clock.now() + maxMs;
  watch(() => chunks.resolve('chunk'));
  try {
    for (;;) {
      const left = deadline - clock.now();
      if (left <= 0) return;
      const r = await chunks.waitFor(() => true, Math.min(quietMs, left)).start().promise;
      if (!r.ok) return; // quiet for quietMs, or maxMs reached
    }
  } finally {
    watch(undefined);
    chunks.close();
  }
}
