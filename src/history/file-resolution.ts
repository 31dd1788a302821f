/**
 * One `--output` file holds rows of one resolution. Half-hour rows (E2/E4, EC/ED) and one-minute rows
 * (`--resolution 1m`: D0, EE/EF) share their columns, so nothing in a row says which it is; mixed in one
 * file, a sum of consumed_kwh counts the same energy twice, and `--since auto` would continue after a
 * minute row, skipping the half hours before it. The rows already in the file tell its resolution:
 * a slot_start off the half-hour marks, or two rows a minute apart, are minute rows; anything else
 * (rows 30 minutes or more apart, a single row on a mark) is half-hour rows.
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
 * @throws BmeterError USAGE when the file cannot be read or a line of its tail is no history record
 */
export async function fileResolution(path: string, format: 'csv' | 'json'): Promise<HistoryResolution | undefined> {
  const newest: number[] = [];
  for (const record of await tailRecords(path, format, '--output')) {
    newest.push(record.slotMs);
    if (newest.length === 2) break;
  }
  const [last, before] = newest;
  if (last === undefined) return undefined;
  if (last % HALF_HOUR_MS !== 0) return '1m'; // Japan time is UTC+9: the half-hour marks fall alike in both
  return before !== undefined && last - before === MINUTE_MS ? '1m' : '30m';
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
