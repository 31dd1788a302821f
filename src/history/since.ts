/**
 * `--since auto`: the last `slot_start` already in the output file, so a nightly cron run appends
 * exactly the slots that are missing. Only the file's tail is read (file-tail.ts: the file grows forever).
 */
import { BmeterError } from '../errors.js';
import { JAPAN_TIME_FORMS, parseJapanTime } from '../time/calendar.js';
import { tailRecords } from './file-tail.js';

/**
 * Parses `--since` into epoch ms, as `plot --from` (src/time/calendar.ts parseJapanTime): a Japan date (its
 * midnight), a Japan wall time, or ISO 8601 with an offset.
 * @throws BmeterError USAGE for anything else, and for a date or time that does not exist
 */
export function parseSince(value: string): number {
  const ms = parseJapanTime(value);
  if (!Number.isFinite(ms))
    throw new BmeterError(
      'USAGE',
      `--since "${value}" is not a time: give ${JAPAN_TIME_FORMS} (or "auto" with --output)`,
    );
  return ms;
}

/**
 * The slot_start of the last record in `path` that holds kWh (CSV: the first column, kWh in the
 * second; JSON lines: the keys), or undefined when the file is missing, empty, not a regular file, has only a header,
 * or no record with kWh in its tail. A record without kWh (a meter that gave no E1 unit) does not
 * count as fetched, so the next run asks for that slot again; a torn last line (no newline) is
 * ignored the same way.
 */
export async function lastSlotStart(path: string, format: 'csv' | 'json'): Promise<number | undefined> {
  for (const record of await tailRecords(path, format, '--since auto')) if (record.hasKwh) return record.slotMs;
  return undefined;
}
