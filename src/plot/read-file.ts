/**
 * Reads what `bmeter poll` and `bmeter history` write — CSV (header row first, as written with
 * --format csv) or JSON lines (--format json) — into plot data. Poll records are recognised by
 * their `timestamp` and `power_w` fields, history rows by `slot_start`. Repeated CSV header lines
 * (several runs appended to one file through `>>`) are skipped; blank lines too.
 */
import { readFile } from 'node:fs/promises';
import { BmeterError } from '../errors.js';
import { parseCalendarTime } from '../time/calendar.js';
import type { HalfHourPoint, PlotData, PowerPoint } from './series.js';

type Row = Record<string, unknown>;

/**
 * @param path a .csv file, or JSON lines (.jsonl, .json, .ndjson or any other name whose first
 *   non-blank character is `{`)
 * @throws BmeterError USAGE when the file cannot be read, is empty, or holds neither kind of record
 */
export async function readPlotFile(path: string): Promise<PlotData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new BmeterError(
      'USAGE',
      `cannot read --input ${path} (${code}): give a CSV or JSON-lines file of poll or history`,
    );
  }
  const trimmed = text.trimStart();
  if (trimmed === '') throw new BmeterError('USAGE', `--input ${path} is empty: nothing to plot`);
  const rows = trimmed.startsWith('{') ? parseJsonLines(path, text) : parseCsv(path, text);
  return toPlotData(path, rows);
}

function parseJsonLines(path: string, text: string): Row[] {
  const rows: Row[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new BmeterError(
        'USAGE',
        `--input ${path} line ${i + 1} is not JSON: give poll or history output (--format json)`,
      );
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) rows.push(value as Row);
  });
  return rows;
}

function parseCsv(path: string, text: string): Row[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0] ?? '';
  const columns = header.split(',').map((c) => c.trim());
  if (!columns.includes('timestamp') && !columns.includes('slot_start')) {
    throw new BmeterError(
      'USAGE',
      `--input ${path} has no timestamp or slot_start column: give CSV written by poll or history (--format csv)`,
    );
  }
  const rows: Row[] = [];
  for (const line of lines.slice(1)) {
    if (line === header) continue;
    const fields = line.split(',');
    const row: Row = {};
    columns.forEach((c, i) => (row[c] = unquote(fields[i] ?? '')));
    rows.push(row);
  }
  return rows;
}

function unquote(field: string): string {
  const f = field.trim();
  return f.startsWith('"') && f.endsWith('"') && f.length >= 2 ? f.slice(1, -1).replace(/""/g, '"') : f;
}

/** A number from a JSON value or CSV field; null for null, '' and anything not finite. */
function num(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

function time(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = parseCalendarTime(value);
  return Number.isFinite(ms) ? ms : null;
}

function toPlotData(path: string, rows: Row[]): PlotData {
  const first = rows[0];
  if (first === undefined) throw new BmeterError('USAGE', `--input ${path} has no records: nothing to plot`);
  if ('slot_start' in first) {
    const points: HalfHourPoint[] = [];
    for (const r of rows) {
      const ms = time(r['slot_start']);
      if (ms !== null) points.push({ ms, consumedKwh: num(r['consumed_kwh']), exportedKwh: num(r['exported_kwh']) });
    }
    return { kind: 'half-hours', points: points.sort((a, b) => a.ms - b.ms) };
  }
  if ('timestamp' in first) {
    const points: PowerPoint[] = [];
    for (const r of rows) {
      const ms = time(r['timestamp']);
      const watts = num(r['power_w']);
      if (ms !== null && watts !== null) points.push({ ms, watts });
    }
    return { kind: 'readings', points: points.sort((a, b) => a.ms - b.ms) };
  }
  throw new BmeterError(
    'USAGE',
    `--input ${path} holds neither poll records (timestamp) nor history rows (slot_start)`,
  );
}
