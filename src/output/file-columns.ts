/**
 * An --output file that already holds records is appended to only when they are records of the same
 * kind: a CSV file must start with the header this run would write (same columns, same order), a JSON
 * lines file with a record whose first key is this run's first column (`timestamp` for poll,
 * `slot_start` for history). Otherwise a `bmeter history` would append half hours under a poll's
 * header (and `--since auto` take a reading's time for a slot), or CSV go into a JSON lines file,
 * and every reader of the file (a plot, a spreadsheet) would misread it from then on.
 */
import { open } from 'node:fs/promises';
import { BmeterError } from '../errors.js';
import { csvLine, type OutputFormat } from './format.js';

const FIRST_LINE_BYTES = 64 * 1024;

/**
 * Throws BmeterError USAGE (exit 2) when `path` is a non-empty regular file whose first line is not
 * what `format` with `columns` writes first. A missing or empty file, a device or FIFO, and the text
 * format pass.
 */
export async function assertSameColumns(path: string, format: OutputFormat, columns: readonly string[]): Promise<void> {
  if (format === 'text') return;
  const first = await firstLine(path);
  if (first === undefined) return;
  const expected = format === 'csv' ? csvLine(columns).trimEnd() : `a JSON record starting with "${columns[0]}"`;
  const same = format === 'csv' ? first === expected : firstKey(first) === columns[0];
  if (same) return;
  const shown = first.length > 80 ? `${first.slice(0, 77)}...` : first;
  throw new BmeterError(
    'USAGE',
    `--output ${path} holds other records: its first line is ${JSON.stringify(shown)}, where this command ` +
      `writes ${format === 'csv' ? JSON.stringify(expected) : expected} — give another --output file ` +
      '(or move that one away)',
  );
}

/** The first line of a non-empty regular file (without its line ending), else undefined. */
async function firstLine(path: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined; // missing, or not readable: opening it for output says what is wrong
  }
  try {
    const info = await handle.stat();
    if (!info.isFile() || info.size === 0) return undefined;
    const buffer = Buffer.alloc(Math.min(info.size, FIRST_LINE_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return (buffer.toString('utf8', 0, bytesRead).split('\n')[0] ?? '').replace(/\r$/, '');
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
