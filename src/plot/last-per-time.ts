/**
 * Repeated records in one input: `--output` appends, so a history run twice over the same days
 * writes every slot twice, and a poll file may repeat a reading. Each slot mark or reading time
 * counts once, as the store keeps one row per slot: the last record in the file wins (a later run
 * re-fetched it). Exact repeats are dropped without a word; the caller warns about `differing`.
 */
import type { HalfHourPoint, PowerPoint } from './series.js';

/** Points with one per `ms`, oldest first, and how many times held records with different values. */
export interface LastPerTime<T> {
  points: T[];
  /** times whose records disagreed on a value (both a number, not equal) */
  differing: number;
}

/**
 * One slot per slot mark, in file order → oldest first. A field the last record leaves empty keeps
 * an earlier record's value: the first slot of a history run has no consumed kWh (nothing before it
 * to subtract), which must not erase the value an earlier, longer run gave that slot.
 */
export function lastPerSlot(points: readonly HalfHourPoint[]): LastPerTime<HalfHourPoint> {
  const bySlot = new Map<number, HalfHourPoint>();
  const differing = new Set<number>();
  for (const p of points) {
    const before = bySlot.get(p.ms);
    if (before === undefined) {
      bySlot.set(p.ms, p);
      continue;
    }
    if (differs(before.consumedKwh, p.consumedKwh) || differs(before.exportedKwh, p.exportedKwh)) differing.add(p.ms);
    bySlot.set(p.ms, {
      ms: p.ms,
      consumedKwh: p.consumedKwh ?? before.consumedKwh,
      exportedKwh: p.exportedKwh ?? before.exportedKwh,
    });
  }
  return { points: [...bySlot.values()].sort((a, b) => a.ms - b.ms), differing: differing.size };
}

/** One reading per timestamp (the last in the file), oldest first. */
export function lastPerReading(points: readonly PowerPoint[]): LastPerTime<PowerPoint> {
  const byTime = new Map<number, PowerPoint>();
  const differing = new Set<number>();
  for (const p of points) {
    const before = byTime.get(p.ms);
    if (before !== undefined && before.watts !== p.watts) differing.add(p.ms);
    byTime.set(p.ms, p);
  }
  return { points: [...byTime.values()].sort((a, b) => a.ms - b.ms), differing: differing.size };
}

function differs(a: number | null, b: number | null): boolean {
  return a !== null && b !== null && a !== b;
}
