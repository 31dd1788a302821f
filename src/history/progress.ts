/**
 * A one-line progress bar on stderr while a multi-day backfill runs (each day costs a round trip
 * or two of several seconds). Nothing at all when stderr is not a terminal (cron, pipes, logs).
 */
export interface Progress {
  /** Step `done` of the total has started; `label` names it (e.g. the day). */
  update(done: number, label: string): void;
  /** Clears the line. */
  finish(): void;
}

const WIDTH = 24;

/**
 * The bar for `total` steps on `stream`, or one that does nothing when not `enabled` (stderr not a terminal,
 * or the records going to the same terminal) or for a single step. Redrawn in place (CR, erase line).
 */
export function createProgress(
  stream: NodeJS.WritableStream,
  enabled: boolean,
  total: number,
  unit = 'days',
): Progress {
  if (!enabled || total < 2) return { update: () => undefined, finish: () => undefined };
  let shown = false;
  return {
    update(done, label) {
      const filled = Math.round((WIDTH * done) / total);
      stream.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${unit}  ${label}`);
      shown = true;
    },
    finish() {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
