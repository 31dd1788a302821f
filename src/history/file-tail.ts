/**
 * The records at the end of a `bmeter history` output file (CSV or JSON lines), newest first, read from
 * the file's tail only (the file grows forever): what `--since auto` continues from and what tells the
 * resolution of the rows already there.
 */
import { BmeterError } from '../errors.js';
import { openToRead } from '../fs/open-to-read.js';
import { parseCalendarTime } from '../time/calendar.js';

const TAIL_BYTES = 64 * 1024;

/** One record of a history file. */
export interface TailRecord {
  /** slot_start, epoch ms */
  slotMs: number;
  /** energy_normal_kwh holds a value (a meter without E1 gives rows without kWh) */
  hasKwh: boolean;
}

/**
 * The complete records in the last 64 KiB of `path`, newest first, up to the CSV header; none when the file
 * is missing, empty, not a regular file (a FIFO, `/dev/stdout`) or holds only a header. A torn last line (no
 * newline) is left out. Each line is parsed as the caller comes to it, so one that stops early never meets a
 * bad line further back.
 * @param what the option the file is read for, the start of each error message (e.g. `--since auto`)
 * @throws BmeterError USAGE when the file cannot be read; while iterating, when a line has no slot_start
 */
export async function tailRecords(path: string, format: 'csv' | 'json', what: string): Promise<Iterable<TailRecord>> {
  let handle;
  try {
    handle = await openToRead(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new BmeterError('USAGE', `${what}: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return [];
    const length = Math.min(info.size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, info.size - length);
    const parts = buffer.toString('utf8').split('\n');
    parts.pop(); // after the last newline: empty, or a torn record
    if (length < info.size) parts.shift(); // the tail starts inside a line
    return parsed(
      parts
        .map((l) => l.trim())
        .filter((l) => l !== '')
        .reverse(),
      format,
      path,
      what,
    );
  } finally {
    await handle.close();
  }
}

function* parsed(lines: string[], format: 'csv' | 'json', path: string, what: string): Generator<TailRecord> {
  for (const line of lines) {
    const row = format === 'csv' ? csvRow(line) : jsonRow(line);
    if (row.slot === 'slot_start' && format === 'csv') return; // reached the header
    const slotMs = row.slot === undefined ? NaN : parseCalendarTime(row.slot);
    if (!Number.isFinite(slotMs)) {
      throw new BmeterError(
        'USAGE',
        `${what}: a line of ${path} has no slot_start (${JSON.stringify(line.slice(0, 80))}) — is it a \`bmeter history --format ${format}\` file?`,
      );
    }
    yield { slotMs, hasKwh: row.hasKwh };
  }
}

interface Row {
  slot: string | undefined;
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
