/**
 * One reading stream, many outputs: the main sink (stdout or --output, whose `closed` ends the
 * run) and extra outputs (MQTT, the metrics file) that get every record too. A failing extra
 * output is logged and skipped for that record; it never stops the main sink or the run.
 */
import type { Logger } from '../log/logger.js';
import type { Reading } from '../meter/reading.js';
import type { OutputRecord } from './format.js';

/** An extra output of the reading stream. */
export interface ExtraOutput {
  /** Named in the warning when a write fails. */
  name: string;
  write(record: Reading): Promise<void>;
}

/** Where runPoll writes: the shape of RecordSink (src/poll/poll.ts). */
export interface TeeSink {
  write(record: Record<string, unknown>): Promise<void>;
  readonly closed: boolean;
}

/** Writes each record to `main`, then to each extra output (in order, failures logged). */
export function teeSink(
  main: { write(record: OutputRecord): Promise<void>; readonly closed: boolean },
  extras: readonly ExtraOutput[],
  logger: Logger,
): TeeSink {
  return {
    get closed() {
      return main.closed;
    },
    async write(record) {
      await main.write(record as OutputRecord);
      for (const extra of extras) {
        try {
          await extra.write(record as unknown as Reading);
        } catch (err) {
          logger.warn({ output: extra.name, err: (err as Error).message }, `cannot write a record to ${extra.name}`);
        }
      }
    },
  };
}
