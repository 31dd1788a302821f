/**
 * An --output file that already holds records is appended to only when they are records of the same
 * kind: a CSV file must start with the header this run would write (same columns, same order), a JSON
 * lines file with a record whose first key is this run's first column (`timestamp` for poll,
 * `slot_start` for history), a text file with the first line of a text block of this command (a time,
 * and for poll the record's source: `2026-11-30T12:00:00.000+09:00 (poll)`). Otherwise a `bmeter history`
 * would append half hours under a poll's header (and `--since auto` take a reading's time for a slot),
 * CSV go into a JSON lines file, or text blocks into a CSV file or any other file of the user's, and
 * every reader of the file (a plot, a spreadsheet) would misread it from then on.
 */
import { BmeterError } from '../errors.js';
import { openToRead } from '../fs/open-to-read.js';
import { csvLine, type OutputFormat } from './format.js';

const FIRST_LINE_BYTES = 64 * 1024;

/** A text block's first line (format.ts textBlock), by the first column: its time, and for poll ` (source)`. */
const TEXT_HEAD: Readonly<Record<string, { line: RegExp; shown: string }>> = {
  timestamp: {
    line: /^\d{4}-\d{2}-\d{2}T\S+ \([a-z]+\)$/,
    shown: 'text blocks starting "2026-11-30T12:00:00.000+09:00 (poll)"',
  },
  slot_start: { line: /^\d{4}-\d{2}-\d{2}T\S+$/, shown: 'text blocks starting "2026-11-30T12:00:00+09:00"' },
};

/**
 * Throws BmeterError USAGE (exit 2) when `path` is a non-empty regular file whose first line is not
 * what `format` with `columns` writes first. A missing or empty file, a device or FIFO pass.
 */
export async function assertSameColumns(path: string, format: OutputFormat, columns: readonly string[]): Promise<void> {
  const first = await firstLine(path);
  if (first === undefined) return;
  const [expected, same] = expectedFirstLine(first, format, columns);
  if (same) return;
  const shown = first.length > 80 ? `${first.slice(0, 77)}...` : first;
  throw new BmeterError(
    'USAGE',
    `--output ${path} holds other records: its first line is ${JSON.stringify(shown)}, where this command ` +
      `writes ${expected} — give another --output file (or move that one away)`,
  );
}

/** What `format` with `columns` writes first, as said in a message, and whether `first` is that. */
function expectedFirstLine(first: string, format: OutputFormat, columns: readonly string[]): [string, boolean] {
  const head = columns[0] ?? '';
  if (format === 'csv') {
    const header = csvLine(columns).trimEnd();
    return [JSON.stringify(header), first === header];
  }
  if (format === 'json') return [`a JSON record starting with "${head}"`, firstKey(first) === head];
  const text = TEXT_HEAD[head] ?? { line: /^\d{4}-\d{2}-\d{2}T/, shown: `text blocks starting with a ${head}` };
  return [text.shown, text.line.test(first)];
}

/** The first line of a non-empty regular file (without its line ending or a byte-order mark), else undefined. */
async function firstLine(path: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await openToRead(path);
  } catch {
    return undefined; // missing, or not readable: opening it for output says what is wrong
  }
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size === 0) return undefined;
    const buffer = Buffer.alloc(Math.min(info.size, FIRST_LINE_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    // A byte-order mark (as a spreadsheet saves CSV) is no part of the header.
    return (buffer.toString('utf8', 0, bytesRead).split('\n')[0] ?? '').replace(/\r$/, '').replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
}

function firstKey(line: string): string | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value)[0] : undefined;
  } catch {
    return undefined;
  }
}
