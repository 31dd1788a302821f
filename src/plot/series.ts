/**
 * What `bmeter plot` draws, independent of where it came from (poll CSV/JSON lines, history
 * CSV/JSON lines, or the SQLite store): power readings, half-hour energy, and daily sums.
 */
import { japanDate } from './japan-time.js';

/** One power reading: the host's timestamp (epoch ms) and E7 instantaneous power in W (export < 0). */
export interface PowerPoint {
  ms: number;
  watts: number;
}

/**
 * One half hour (or one minute, history --resolution 1m): `ms` is the slot mark (epoch ms of
 * slot_start), the end of the slot whose energy is given; kWh bought and sold in it, null where
 * the meter gave none.
 */
export interface HalfHourPoint {
  ms: number;
  consumedKwh: number | null;
  exportedKwh: number | null;
}

/**
 * One Japan day: kWh bought and sold, and how many half hours of it are present (48 = complete).
 * exportedKwh is null when no half hour of the day had an export value (no reverse metering).
 */
export interface DailyPoint {
  date: string;
  consumedKwh: number;
  exportedKwh: number | null;
  slots: number;
}

/**
 * The data of one input: readings (poll) or slots (history, store half_hours), oldest first, one per
 * timestamp or slot mark. `stepMs` is the length of a slot: {@link HALF_HOUR_MS}, or {@link MINUTE_MS}
 * for history --resolution 1m.
 */
export type PlotData = (
  { kind: 'readings'; points: PowerPoint[] } | { kind: 'half-hours'; points: HalfHourPoint[]; stepMs: number }
) & {
  /**
   * Where the points are only a range of the source (the store): the first and last time with a value
   * anywhere in it, null when it has none. Absent when the points are the whole source (a file).
   */
  extent?: Extent | null;
};

/** The first and last reading time or slot mark (epoch ms) with a value. */
export interface Extent {
  firstMs: number;
  lastMs: number;
}

/** The charts `bmeter plot --chart` draws. */
export const CHARTS = ['power', 'half-hours', 'daily'] as const;
export type ChartKind = (typeof CHARTS)[number];

export const HALF_HOUR_MS = 1_800_000;
export const MINUTE_MS = 60_000;

/** A slot of `stepMs` in a chart title: 'half hour' or 'minute'. */
export function slotName(stepMs: number): string {
  return stepMs === MINUTE_MS ? 'minute' : 'half hour';
}

/** Whether a slot holds a value to draw (a bar up or down). */
export function hasValue(p: HalfHourPoint): boolean {
  return p.consumedKwh !== null || p.exportedKwh !== null;
}

/**
 * Sums slots of `stepMs` into Japan days. A slot belongs to the day it lies in: the half hour
 * marked 00:00 holds 23:30–24:00 of the day before, so a complete day is 00:30 … 24:00, 48 slots.
 * Days come oldest first; kWh are rounded to 0.001 kWh to drop float artefacts of the sum.
 */
export function dailySums(points: readonly HalfHourPoint[], stepMs = HALF_HOUR_MS): DailyPoint[] {
  const days = new Map<string, DailyPoint>();
  for (const p of points) {
    if (!hasValue(p)) continue;
    const date = japanDate(p.ms - stepMs);
    let day = days.get(date);
    if (day === undefined) days.set(date, (day = { date, consumedKwh: 0, exportedKwh: null, slots: 0 }));
    day.consumedKwh += p.consumedKwh ?? 0;
    if (p.exportedKwh !== null) day.exportedKwh = (day.exportedKwh ?? 0) + p.exportedKwh;
    day.slots += 1;
  }
  const round = (kwh: number): number => Math.round(kwh * 1000) / 1000;
  return [...days.values()]
    .sort((a, b) => (a.date < b.date ? -1 : 1))
    .map((d) => ({
      ...d,
      consumedKwh: round(d.consumedKwh),
      exportedKwh: d.exportedKwh === null ? null : round(d.exportedKwh),
    }));
}

/**
 * Keeps the slots that begin in [from, to) (either bound may be absent). A slot begins `stepMs`
 * before its mark `ms`, so --from 2026-11-29 --to 2026-11-30 keeps the 48 half hours marked
 * 00:30 … 24:00: that Japan day, as {@link dailySums} counts it.
 */
export function halfHoursInRange(
  points: readonly HalfHourPoint[],
  from?: number,
  to?: number,
  stepMs = HALF_HOUR_MS,
): HalfHourPoint[] {
  return inRange(points, from === undefined ? undefined : from + stepMs, to === undefined ? undefined : to + stepMs);
}

/** Keeps the points with from ≤ ms < to (either bound may be absent). */
export function inRange<T extends { ms: number }>(points: readonly T[], from?: number, to?: number): T[] {
  return points.filter((p) => (from === undefined || p.ms >= from) && (to === undefined || p.ms < to));
}
