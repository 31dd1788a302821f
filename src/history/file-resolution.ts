/**
 * One `--output` file holds rows of one resolution. Half-hour rows (E2/E4, EC/ED) and one-minute rows
 * (`--resolution 1m`: D0, EE/EF) share their columns, so nothing in a row says which it is; mixed in one
 * file, a sum of consumed_kwh counts the same energy twice, and `--since auto` would continue after a
 * minute row, skipping the half hours before it. The rows already in the file (its last 64 KiB) tell its
 * resolution: one slot_start off the half-hour marks, or two rows a minute apart, make it a file of minute
 * rows; anything else (rows on the marks 30 minutes or more apart, a single row on a mark) half-hour rows.
 */
import { BmeterError } from '../errors.js';
import { tailRecords } from './file-tail.js';

/** The resolutions of `bmeter history --resolution`. */
export type HistoryResolution = '30m' | '1m';

const MINUTE_MS = 60_000;
const HALF_HOUR_MS = 30 * MINUTE_MS;
const WORDS: Record<HistoryResolution, string> = { '30m': 'half-hour', '1m': 'one-minute' };

/**
 * The resolution of the rows at the end of `path` (a history CSV or JSON-lines file), undefined when it holds none.
 * Every record in the file's tail counts (an unended last line too, when it holds a slot_start: the next append
 * ends it); lines without a slot_start (a torn fragment) are skipped.
 * @throws BmeterError USAGE when the file cannot be read
 */
export async function fileResolution(path: string, format: 'csv' | 'json'): Promise<HistoryResolution | undefined> {
  let newer: number | undefined;
  let any = false;
  for (const { slotMs } of await tailRecords(path, format, '--output')) {
    if (!Number.isFinite(slotMs)) continue;
    any = true;
    // Japan time is UTC+9: the half-hour marks fall alike in both.
    if (slotMs % HALF_HOUR_MS !== 0 || (newer !== undefined && newer - slotMs === MINUTE_MS)) return '1m';
    newer = slotMs;
  }
  return any ? '30m' : undefined;
}

/**
 * Refuses to append rows of `resolution` to `path` when the rows already there are of the other one.
 * @throws BmeterError USAGE (exit 2) naming the file, what it holds and what to do
 */
export async function assertSameResolution(
  path: string,
  format: 'csv' | 'json',
  resolution: HistoryResolution,
): Promise<void> {
  const held = await fileResolution(path, format);
  if (held === undefined || held === resolution) return;
  throw new BmeterError(
    'USAGE',
    `--output ${path} holds ${WORDS[held]} rows: ${WORDS[resolution]} rows appended to them would count the same ` +
      `energy twice in a sum and mislead --since auto — give them an --output of their own`,
  );
}
