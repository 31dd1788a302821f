/**
 * From history counters to records (docs/protocol.md §8, §8.1): one record per slot with the
 * cumulative kWh in both directions and the difference to the previous slot, taken modulo 10^D7
 * on the raw counters before scaling (the counter wraps, §8.1), then × D3 × E1 exactly.
 *
 * Slots arrive in time order (E2/E4 days oldest first; EC/EE items are reversed by the caller).
 * A difference needs the slot exactly one step before: the first slot fetched, or one after a
 * gap, has null differences. Slots not recorded yet (today's future, 0xFFFFFFFE) are left out.
 */
import { energyKwh, scaleEnergy, wrapDelta, type EnergyContext } from '../meter/units.js';
import { isoJstOf } from './dates.js';

/** Record columns, in order (CSV header, JSON key order, text block). */
export const HISTORY_COLUMNS = [
  'slot_start',
  'energy_normal_kwh',
  'energy_reverse_kwh',
  'consumed_kwh',
  'exported_kwh',
] as const;

export const HISTORY_UNITS: Readonly<Record<string, string>> = {
  energy_normal_kwh: 'kWh',
  energy_reverse_kwh: 'kWh',
  consumed_kwh: 'kWh',
  exported_kwh: 'kWh',
};

export interface HistoryRecord {
  [key: string]: unknown;
  /** The slot's instant, ISO 8601 +09:00: the counters are the meter's values at that time. */
  slot_start: string;
  energy_normal_kwh: number | null;
  energy_reverse_kwh: number | null;
  /** Energy bought in the step ending at slot_start. */
  consumed_kwh: number | null;
  /** Energy sold (reverse direction) in the step ending at slot_start. */
  exported_kwh: number | null;
}

/** One slot as fetched: raw counters, null = no data; reverse undefined = no reverse metering. */
export interface RawSlot {
  ms: number;
  normal: number | null;
  reverse: number | null | undefined;
}

/**
 * Turns slots into records, remembering the last slot so the next batch (the next day) continues
 * the differences across midnight.
 */
export class SlotRecorder {
  private prev: RawSlot | undefined;

  constructor(
    private readonly ctx: EnergyContext,
    private readonly stepMs: number,
  ) {}

  /** Records for `slots` (time order) after `sinceMs` (exclusive), if given. */
  take(slots: readonly RawSlot[], sinceMs?: number): HistoryRecord[] {
    const out: HistoryRecord[] = [];
    for (const slot of slots) {
      const prev = this.prev !== undefined && slot.ms - this.prev.ms === this.stepMs ? this.prev : undefined;
      this.prev = slot;
      if (sinceMs !== undefined && slot.ms <= sinceMs) continue;
      out.push({
        slot_start: isoJstOf(slot.ms),
        energy_normal_kwh: scaleEnergy(slot.normal, this.ctx).kwh,
        energy_reverse_kwh: slot.reverse === undefined ? null : scaleEnergy(slot.reverse, this.ctx).kwh,
        consumed_kwh: this.delta(slot.normal, prev?.normal),
        exported_kwh: this.delta(slot.reverse, prev?.reverse),
      });
    }
    return out;
  }

  private delta(now: number | null | undefined, before: number | null | undefined): number | null {
    if (now === null || now === undefined || before === null || before === undefined) return null;
    const unit = this.ctx.unitCode;
    if (unit === undefined) return null;
    const digits = this.ctx.digits;
    let raw: number;
    if (digits !== undefined && Number.isInteger(digits) && digits >= 1 && digits <= 8)
      raw = wrapDelta(now, before, digits);
    else if (now >= before)
      raw = now - before; // D7 unknown: no wrap can be undone
    else return null;
    return energyKwh(raw, this.ctx.coefficient ?? 1, unit);
  }
}

/**
 * Drops the slots not recorded yet: those after `nowMs`, and the no-data slots at the end of the
 * newest day (the slot of the half hour just begun may still be 0xFFFFFFFE for a moment; the next
 * run picks it up, so --since auto neither loses nor duplicates it).
 */
export function recordedSlots(slots: readonly RawSlot[], nowMs: number, newest: boolean): RawSlot[] {
  const past = slots.filter((s) => s.ms <= nowMs);
  if (!newest) return past;
  let end = past.length;
  while (end > 0 && past[end - 1]?.normal === null) end -= 1;
  return past.slice(0, end);
}
