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
 * ignored the same way, and so is a line without slot_start between records (the fragment of a torn
 * record that a later append put a newline after).
 * @throws BmeterError USAGE when the tail has lines but none is a history record (not a history file)
 */
export async function lastSlotStart(path: string, format: 'csv' | 'json'): Promise<number | undefined> {
  let notRecord: string | undefined;
  let records = 0;
  for (const record of await tailRecords(path, format, '--since auto')) {
    if (!Number.isFinite(record.slotMs)) {
      notRecord ??= record.line;
      continue;
    }
    records += 1;
    if (!record.torn && record.hasKwh) return record.slotMs;
  }
  if (records === 0 && notRecord !== undefined) {
    throw new BmeterError(
      'USAGE',
      `--since auto: a line of ${path} has no slot_start (${JSON.stringify(notRecord.slice(0, 80))}) — is it a \`bmeter history --format ${format}\` file?`,
    );
  }
  return undefined;
}
