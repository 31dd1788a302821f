/**
 * A poll or history file as plot data. Poll records are recognised by their `timestamp` field, history
 * rows by `slot_start`; the first record decides which the file holds. A later record that cannot be
 * one of them (no time, or a non-number where a number goes) is skipped like a line that is not a
 * record, and all of them are said in one warning. A reading without power (power_w empty or null: the
 * meter did not answer) and a slot without kWh are no faults. Repeats count once (last-per-time.ts).
 */
import { BmeterError } from '../errors.js';
import { count } from '../log/count.js';
import { parseCalendarTime } from '../time/calendar.js';
import { lastPerReading, lastPerSlot } from './last-per-time.js';
import { readFileRecords, type FileRecord } from './read-file.js';
import type { HalfHourPoint, PlotData, PowerPoint } from './series.js';
import { slotStep } from './slot-step.js';

/** Told each thing worth a warning about the file, as one line. */
export type Warn = (message: string) => void;

/** A field that should hold a number or nothing: the number, null for nothing, undefined for anything else. */
function num(value: unknown): number | null | undefined {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function time(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const ms = parseCalendarTime(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function slot(r: FileRecord): HalfHourPoint | undefined {
  const ms = time(r.fields['slot_start']);
  const consumedKwh = num(r.fields['consumed_kwh']);
  const exportedKwh = num(r.fields['exported_kwh']);
  if (ms === undefined || consumedKwh === undefined || exportedKwh === undefined) return undefined;
  return { ms, consumedKwh, exportedKwh };
}

/** A reading, null for one without power, undefined for a record that is not a reading. */
function reading(r: FileRecord): PowerPoint | null | undefined {
  const ms = time(r.fields['timestamp']);
  const watts = num(r.fields['power_w']);
  if (ms === undefined || watts === undefined) return undefined;
  return watts === null ? null : { ms, watts };
}

/**
 * @param path the --input file (as given to readFileRecords)
 * @param warn told about skipped lines and about repeated times with different values
 * @throws BmeterError USAGE as readFileRecords, or when the first record is neither poll nor history output
 */
export async function readPlotFile(path: string, warn: Warn): Promise<PlotData> {
  const { records, unreadable } = await readFileRecords(path);
  const first = records[0];
  if (first === undefined) throw new BmeterError('USAGE', `--input ${path} has no records: nothing to plot`);
  const skipped = [...unreadable];
  let data: PlotData;
  if ('slot_start' in first.fields) {
    const points: HalfHourPoint[] = [];
    for (const r of records) {
      const p = slot(r);
      if (p === undefined) skipped.push(r.line);
      else points.push(p);
    }
    const last = lastPerSlot(points);
    if (last.differing > 0) {
      warn(
        `--input ${path}: ${count(last.differing, 'slot')} appeared more than once with different values; ` +
          'the last row of each was used',
      );
    }
    data = { kind: 'half-hours', points: last.points, stepMs: slotStep(last.points) };
  } else if ('timestamp' in first.fields) {
    const points: PowerPoint[] = [];
    for (const r of records) {
      const p = reading(r);
      if (p === undefined) skipped.push(r.line);
      else if (p !== null) points.push(p);
    }
    const last = lastPerReading(points);
    if (last.differing > 0) {
      warn(
        `--input ${path}: ${count(last.differing, 'timestamp')} appeared more than once with different power; ` +
          'the last reading of each was used',
      );
    }
    data = { kind: 'readings', points: last.points };
  } else {
    throw new BmeterError(
      'USAGE',
      `--input ${path} holds neither poll records (timestamp) nor history rows (slot_start)`,
    );
  }
  if (skipped.length > 0) warn(skippedMessage(path, skipped));
  return data;
}

function skippedMessage(path: string, lines: readonly number[]): string {
  const firstLine = lines.reduce((a, b) => Math.min(a, b));
  const n = lines.length;
  const where = n === 1 ? `line ${firstLine}` : `the first at line ${firstLine}`;
  return (
    `--input ${path}: skipped ${count(n, 'line')} that ${n === 1 ? 'is not a record' : 'are not records'} ` +
    `(${where}; a record torn by a full disk or a crash?)`
  );
}
