/**
 * The reading stream into the store, as a RecordSink for runPoll (one write per reading and per
 * notification, awaited before the next reading is taken: a record is committed before the next
 * one exists). A write that fails (disk full, read-only file, file removed) does not end the
 * run: the record stays in memory, an error naming the file is logged once per outage, and the
 * records waiting are written, oldest first, before the next one. At most `maxPending` wait; past
 * that the oldest are dropped with a warning (a store down for days must not exhaust memory).
 */
import type { Logger } from '../log/logger.js';
import type { Reading } from '../meter/reading.js';
import type { RecordSink } from '../poll/poll.js';
import type { HistoryRecord } from '../history/slots.js';

/** Records kept in memory while the store cannot be written (a day of 1-second readings). */
export const DEFAULT_MAX_PENDING = 86_400;

export interface StoreSinkOptions {
  /** Writes one record (throws when the store refuses it). */
  write(record: Record<string, unknown>): void;
  /** The store file, for messages. */
  path: string;
  logger: Logger;
  /** Called with each record once it is committed, in order (stdout, SSE). */
  onCommitted?: (record: Record<string, unknown>) => void | Promise<void>;
  maxPending?: number;
  /** What the records are, for messages ("reading", "half-hour"). */
  what?: string;
}

/** A RecordSink that also says how many records wait for the store. */
export interface StoreSink extends RecordSink {
  readonly pending: number;
  /** Tries the waiting records again now (true when none is left). */
  flush(): Promise<boolean>;
}

/** The sink described above: never throws for a store fault; `pending` says how many records wait. */
export function createStoreSink(o: StoreSinkOptions): StoreSink {
  const max = o.maxPending ?? DEFAULT_MAX_PENDING;
  const what = o.what ?? 'record';
  const waiting: Record<string, unknown>[] = [];
  let failing = false;
  let dropped = 0;

  async function flush(): Promise<boolean> {
    while (waiting.length > 0) {
      const record = waiting[0] as Record<string, unknown>;
      try {
        o.write(record);
      } catch (err) {
        if (!failing) {
          o.logger.error(
            `cannot write to the store ${o.path}: ${(err as Error).message} — keeping ${what}s in memory ` +
              `(at most ${max}) and retrying with each new one; free disk space or fix the file's permissions`,
          );
        }
        failing = true;
        return false;
      }
      waiting.shift();
      await o.onCommitted?.(record);
    }
    if (failing) {
      o.logger.warn(
        `the store ${o.path} takes writes again${dropped > 0 ? `; ${dropped} ${what}s were dropped meanwhile` : ''}`,
      );
      failing = false;
      dropped = 0;
    }
    return true;
  }

  return {
    closed: false,
    get pending() {
      return waiting.length;
    },
    flush,
    async write(record) {
      waiting.push(record);
      if (waiting.length > max) {
        waiting.shift();
        dropped += 1;
        if (dropped === 1)
          o.logger.warn(`the store ${o.path} has been failing for ${max} ${what}s: dropping the oldest kept in memory`);
      }
      await flush();
    },
  };
}

/** The store's reading writer for one meter. */
export function readingWriter(store: { insertReading(meter: string, r: Reading): void }, meter: string) {
  return (record: Record<string, unknown>): void => store.insertReading(meter, record as unknown as Reading);
}

/** The store's half-hour writer for one meter (one row per record). */
export function halfHourWriter(
  store: { upsertHalfHours(meter: string, rows: readonly HistoryRecord[]): void },
  meter: string,
) {
  return (record: Record<string, unknown>): void => store.upsertHalfHours(meter, [record as HistoryRecord]);
}
