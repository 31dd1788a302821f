/**
 * `--since auto`: the last `slot_start` already in the output file, so a nightly cron run appends
 * exactly the slots that are missing. Only the file's tail is read (the file grows forever).
 */
import { BmeterError } from '../errors.js';
import { openToRead } from '../fs/open-to-read.js';
import { JAPAN_TIME_FORMS, parseCalendarTime, parseJapanTime } from '../time/calendar.js';

const TAIL_BYTES = 64 * 1024;

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
  let handle;
  try {
    handle = await openToRead(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BmeterError('USAGE', `--since auto: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return undefined; // a FIFO or device (`--output /dev/stdout`): no record to continue from
    const size = info.size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const parts = buffer.toString('utf8').split('\n');
    parts.pop(); // after the last newline: empty, or a torn record
    const lines = parts.map((l) => l.trim()).filter((l) => l !== '');
    const last = lines.at(-1);
    if (last === undefined) return undefined;
    for (const line of lines.reverse()) {
      const row = format === 'csv' ? csvRow(line) : jsonRow(line);
      if (row.slot === 'slot_start' && format === 'csv') return undefined; // reached the header
      const ms = row.slot === undefined ? NaN : parseCalendarTime(row.slot);
      if (!Number.isFinite(ms)) {
        throw new BmeterError(
          'USAGE',
          `--since auto: a line of ${path} has no slot_start (${JSON.stringify(line.slice(0, 80))}) — is it a \`bmeter history --format ${format}\` file?`,
        );
      }
      if (row.hasKwh) return ms;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}

interface Row {
  slot: string | undefined;
  /** energy_normal_kwh holds a value */
  hasKwh: boolean;
}

function csvRow(line: string): Row {
  const m = /^"((?:[^"]|"")*)"(.*)$/.exec(line);
  const slot = m ? (m[1] ?? '').replaceAll('""', '"') : (line.split(',')[0] ?? '');
  const rest = m ? (m[2] ?? '').replace(/^,/, '') : line.split(',').slice(1).join(',');
  return { slot, hasKwh: (rest.split(',')[0] ?? '') !== '' };
}

function jsonRow(line: string): Row {
  try {
    const v = JSON.parse(line) as Record<string, unknown>;
    const slot = v['slot_start'];
    return { slot: typeof slot === 'string' ? slot : undefined, hasKwh: typeof v['energy_normal_kwh'] === 'number' };
  } catch {
    return { slot: undefined, hasKwh: false };
  }
}
