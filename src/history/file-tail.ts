/**
 * The records at the end of a `bmeter history` output file (CSV or JSON lines), newest first, read from
 * the file's tail only (the file grows forever): what `--since auto` continues from and what tells the
 * resolution of the rows already there.
 */
import { BmeterError } from '../errors.js';
import { openToRead } from '../fs/open-to-read.js';
import { parseCalendarTime } from '../time/calendar.js';

const TAIL_BYTES = 64 * 1024;

/** One line of a history file. */
export interface TailRecord {
  /** slot_start, epoch ms; NaN when the line has none (a torn fragment, or no history record) */
  slotMs: number;
  /** energy_normal_kwh holds a value (a meter without E1 gives rows without kWh) */
  hasKwh: boolean;
  /** the file's last line, without a newline after it (cut short, or a whole record a crash left unended) */
  torn: boolean;
  /** the line as it is in the file (trimmed) */
  line: string;
}

/**
 * The lines in the last 64 KiB of `path`, newest first, up to the CSV header, each parsed as the caller comes
 * to it; none when the file is missing, empty, not a regular file (a FIFO, `/dev/stdout`) or holds only a
 * header. The line the tail starts inside is left out; blank lines are skipped.
 * @param what the option the file is read for, the start of the error message (e.g. `--since auto`)
 * @throws BmeterError USAGE when the file cannot be read
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
    if (length < info.size) parts.shift(); // the tail starts inside a line
    const last = parts.pop() ?? ''; // after the last newline: empty, or an unended line
    const lines = parts.map((line) => ({ line: line.trim(), torn: false }));
    lines.push({ line: last.trim(), torn: true });
    return parsed(lines.filter((l) => l.line !== '').reverse(), format);
  } finally {
    await handle.close();
  }
}

function* parsed(lines: { line: string; torn: boolean }[], format: 'csv' | 'json'): Generator<TailRecord> {
  for (const { line, torn } of lines) {
    const row = format === 'csv' ? csvRow(line) : jsonRow(line);
    if (row.slot === 'slot_start' && format === 'csv') return; // reached the header
    const slotMs = row.slot === undefined ? NaN : parseCalendarTime(row.slot);
    yield { slotMs, hasKwh: row.hasKwh, torn, line };
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
