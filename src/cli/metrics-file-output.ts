/**
 * How a run reports a metrics textfile it cannot write (README, "Exit status"):
 *
 * - A one-shot poll (cron): the fault is the run's result — one line `bmeter: cannot write the metrics
 *   file …`, exit 1 for a disk fault (exit 2 when the file turned out not to be bmeter's), after the reading
 *   went to stdout / --output / the store as usual. No warning besides: it is said once.
 * - An interval poll and serve keep reading (an output never stops the run, src/output/tee.ts): a warning
 *   when the textfile stops taking writes, one when it takes them again, and nothing in between, as for
 *   the store (src/serve/store-sink.ts); every reading tries again.
 */
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { MeterMetrics } from '../output/metrics/meter-metrics.js';
import { createMetricsFileSink } from '../output/metrics/metrics-file.js';
import type { ExtraOutput } from '../output/tee.js';

/** The textfile as one of the run's outputs; never throws from `output.write` or `flush`. */
export interface MetricsFileOutput {
  output: ExtraOutput;
  /** Rewrites the file now (after a failed reading or a recovery step). */
  flush(): void;
  /** Once the writes begun have ended: rejects with the fault that kept a one-shot run's textfile unwritten. */
  requireWritten(): Promise<void>;
  /** Writes the file a last time (interval runs); a one-shot run's fault not thrown yet is logged. */
  close(): Promise<void>;
}

/**
 * The textfile output of `path` fed by `metrics` (render time `now`, epoch ms), reporting as the file comment
 * says: `oneShot` for a poll without --interval. Errors are writeAtomically's BmeterErrors.
 */
export function metricsFileOutput(
  path: string,
  metrics: MeterMetrics,
  now: () => number,
  logger: Logger,
  oneShot: boolean,
): MetricsFileOutput {
  const file = createMetricsFileSink(path, metrics, now);
  let fault: Error | undefined; // the write that failed last, while the file takes none
  let said = false; // the fault was thrown (one-shot) or warned about (interval)
  let last: Promise<void> = Promise.resolve();
  const attempt = (write: () => Promise<void>): Promise<void> => (last = tryWrite(write));
  const tryWrite = async (write: () => Promise<void>): Promise<void> => {
    try {
      await write();
      if (fault !== undefined && said && !oneShot) logger.warn(`the metrics file ${path} takes writes again`);
      fault = undefined;
      said = false;
    } catch (err) {
      if (oneShot && fault !== undefined) return; // the first fault is the one reported
      fault = err instanceof Error ? err : new Error(String(err));
      if (oneShot || said) return;
      said = true;
      logger.warn(
        { err: fault.message },
        `cannot write the metrics file ${path}; it is tried again with each reading, which goes on meanwhile`,
      );
    }
  };
  return {
    output: { name: `metrics file ${path}`, write: (record) => attempt(() => file.write(record)) },
    flush: () => void attempt(() => file.flush()),
    async requireWritten() {
      await last;
      if (fault === undefined || said) return;
      said = true;
      throw fault instanceof BmeterError ? fault : new BmeterError('WRITE_FAILED', fault.message, { cause: fault });
    },
    async close() {
      await last;
      if (!oneShot) await attempt(() => file.flush());
      else if (fault !== undefined && !said) {
        said = true;
        logger.warn({ err: fault.message }, `cannot write the metrics file ${path}`);
      }
    },
  };
}
