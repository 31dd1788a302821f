/**
 * `--since auto`: the last `slot_start` already in the output file, so a nightly cron run appends
 * exactly the slots that are missing. Only the file's tail is read (the file grows forever).
 */
import { open } from 'node:fs/promises';
import { BmeterError } from '../errors.js';

const TAIL_BYTES = 64 * 1024;

/** Parses `--since`: an ISO 8601 date-time with an offset or Z (a bare date means 00:00 +09:00). */
export function parseSince(value: string): number {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value.trim()) ? `${value.trim()}T00:00:00+09:00` : value.trim();
  const ms = /T\d{2}:\d{2}/.test(text) && /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) {
    throw new BmeterError('USAGE', `--since "${value}" is not an ISO 8601 time with offset, e.g. 2024-05-01T12:00:00+09:00 (or "auto" with --output)`);
  }
  return ms;
}

/**
 * The last record's slot_start in `path` (CSV: the first column; JSON lines: the key), or
 * undefined when the file is missing, empty or has only a header.
 */
export async function lastSlotStart(path: string, format: 'csv' | 'json'): Promise<number | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BmeterError('USAGE', `--since auto: cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const last = lines.at(-1);
    if (last === undefined) return undefined;
    const value = format === 'csv' ? csvFirstField(last) : jsonSlot(last);
    if (value === 'slot_start' && format === 'csv') return undefined; // the header only
    const ms = value === undefined ? NaN : Date.parse(value);
    if (!Number.isFinite(ms)) {
      throw new BmeterError(
        'USAGE',
        `--since auto: the last line of ${path} has no slot_start (${JSON.stringify(last.slice(0, 80))}) — is it a \`bmeter history --format ${format}\` file?`,
      );
    }
    return ms;
  } finally {
    await handle.close();
  }
}

function csvFirstField(line: string): string {
  const m = /^"((?:[^"]|"")*)"/.exec(line);
  return m ? (m[1] ?? '').replaceAll('""', '"') : (line.split(',')[0] ?? '');
}

function jsonSlot(line: string): string | undefined {
  try {
    const v = (JSON.parse(line) as Record<string, unknown>)['slot_start'];
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
