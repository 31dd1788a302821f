/**
 * The simulated meter's physics: a smooth, deterministic household load (and optional PV),
 * the currents it implies, and cumulative counters integrated from it, so that E0, EA/EB,
 * E2/E4 and EC all agree at the same instant (docs/protocol.md §8; `bmeter history` relies on it).
 *
 * Units as the meter reports them: E1 = 0x01 (0.1 kWh), D3 coefficient (default 1), D7 = 6
 * effective digits, so raw = floor(Wh / (100 × coefficient)) mod 10^6.
 */
export const UNIT_CODE = 0x01 as const;
export const UNIT_WH = 100;
export const DIGITS = 6 as const;
export const NO_DATA_U32 = 0xfffffffe as const;
export const NO_DATA_I16 = 0x7ffe as const;

const MINUTE = 60_000;
const SLOT = 30 * MINUTE;
const DAY = 24 * 60 * MINUTE;
const JST_OFFSET = 9 * 60 * MINUTE;
/** History reaches 99 days back (E5 1–99), plus today. */
const HISTORY_DAYS = 101;

export interface MeterValueOptions {
  pv: boolean;
  wiring: '1p3w' | '1p2w';
  initialKwh: number;
  coefficient: number | null;
  seed: number;
}

export interface JstParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Calendar fields of epoch ms `ms` in Japan time (UTC+9, no DST). */
export function jstParts(ms: number): JstParts {
  const d = new Date(ms + JST_OFFSET);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/** The latest :00 or :30 at or before `ms` (JST is a whole-hour offset, so UTC slots agree). */
export function lastHalfHour(ms: number): number {
  return Math.floor(ms / SLOT) * SLOT;
}

/** Midnight (JST) of the day containing `ms`. */
export function jstDayStart(ms: number): number {
  return Math.floor((ms + JST_OFFSET) / DAY) * DAY - JST_OFFSET;
}

/**
 * The simulated meter's energy: one deterministic load curve from which E7/E8, E0/E3, EA/EB and the E2/E4,
 * EC, D0 and EE histories are all derived, so they agree at every instant (docs/protocol.md §8).
 */
export class MeterValues {
  /** First instant with data: HISTORY_DAYS before the sim started, at a JST midnight. */
  readonly epoch: number;
  /** The half-hour slot the sim started in (slots counted from the epoch): energies are taken from its start. */
  private readonly anchor: number;
  /**
   * Energy (Wh) from the anchor slot's start to the start of slot `anchor + i` (`after`, i ≥ 0) and
   * from the start of slot `anchor − i` to the anchor's (`before`, i ≥ 0), grown on demand: a start
   * then costs one slot of samples, not the 101 days of history only `bmeter history` reads.
   */
  private readonly after: { normal: number; reverse: number }[] = [{ normal: 0, reverse: 0 }];
  private readonly before: { normal: number; reverse: number }[] = [{ normal: 0, reverse: 0 }];
  private readonly baseNormalWh: number;
  private readonly baseReverseWh: number;
  private readonly phase: number;

  constructor(
    private readonly o: MeterValueOptions,
    startMs: number,
  ) {
    this.phase = ((o.seed % 997) / 997) * 2 * Math.PI;
    this.epoch = jstDayStart(startMs) - HISTORY_DAYS * DAY;
    this.anchor = Math.floor((startMs - this.epoch) / SLOT);
    this.baseNormalWh = o.initialKwh * 1000 - this.integral(startMs).normal;
    this.baseReverseWh = o.pv ? 1234_000 - this.integral(startMs).reverse : 0;
  }

  /** Net instantaneous power, W (E7); negative when PV exports. */
  powerW(ms: number): number {
    const h = ((((ms + JST_OFFSET) / 3_600_000) % 24) + 24) % 24;
    const morning = 220 * Math.exp(-(((h - 7.5) / 1.5) ** 2));
    const evening = 480 * Math.exp(-(((h - 19.5) / 2.5) ** 2));
    const wobble =
      120 * Math.sin((2 * Math.PI * ms) / (17 * MINUTE)) +
      60 * Math.sin((2 * Math.PI * ms) / (5.3 * MINUTE) + this.phase);
    const load = 260 + morning + evening + wobble;
    const sun = this.o.pv ? 2600 * Math.max(0, Math.sin((Math.PI * (h - 6)) / 12)) ** 1.5 : 0;
    return Math.round(load - sun);
  }

  /** R and T phase currents in 0.1 A (E8): 100 V legs of a 100/200 V single-phase 3-wire supply. */
  currentsDeciAmps(ms: number): [number, number] {
    const p = this.powerW(ms);
    if (this.o.wiring === '1p2w') return [Math.round(p / 10), NO_DATA_I16];
    return [Math.round((p * 0.55) / 10), Math.round((p * 0.45) / 10)];
  }

  /** Raw E0 (normal direction) counter at `ms`, or NO_DATA before the meter's history begins. */
  normalRaw(ms: number): number {
    return this.raw(ms, 'normal');
  }

  /** Raw E3 (reverse direction) counter at `ms`. */
  reverseRaw(ms: number): number {
    return this.raw(ms, 'reverse');
  }

  private raw(ms: number, which: 'normal' | 'reverse'): number {
    if (ms < this.epoch) return NO_DATA_U32;
    const base = which === 'normal' ? this.baseNormalWh : this.baseReverseWh;
    const wh = Math.max(0, base + this.integral(ms)[which]);
    const unitWh = UNIT_WH * (this.o.coefficient ?? 1);
    return Math.floor(wh / unitWh) % 10 ** DIGITS;
  }

  /** Energy (Wh) from the anchor slot's start to `ms` (negative before it), by direction, sampled mid-minute. */
  private integral(ms: number): { normal: number; reverse: number } {
    const t = Math.max(ms, this.epoch) - this.epoch;
    const slot = Math.floor(t / SLOT);
    const done = this.toSlot(slot);
    const inSlot = t - slot * SLOT;
    const whole = Math.floor(inSlot / MINUTE);
    const partial = this.minutes(this.epoch + slot * SLOT, whole, 1);
    const last = this.minutes(this.epoch + slot * SLOT + whole * MINUTE, 1, (inSlot - whole * MINUTE) / MINUTE);
    return {
      normal: done.normal + partial.normal + last.normal,
      reverse: done.reverse + partial.reverse + last.reverse,
    };
  }

  /** Energy from the anchor slot's start to the start of `slot` (negative for an earlier slot). */
  private toSlot(slot: number): { normal: number; reverse: number } {
    if (slot >= this.anchor) {
      while (this.after.length <= slot - this.anchor) {
        const k = this.after.length - 1;
        const prev = this.after[k] ?? { normal: 0, reverse: 0 };
        const e = this.minutes(this.epoch + (this.anchor + k) * SLOT, 30, 1);
        this.after.push({ normal: prev.normal + e.normal, reverse: prev.reverse + e.reverse });
      }
      return this.after[slot - this.anchor] ?? { normal: 0, reverse: 0 };
    }
    while (this.before.length <= this.anchor - slot) {
      const k = this.before.length;
      const prev = this.before[k - 1] ?? { normal: 0, reverse: 0 };
      const e = this.minutes(this.epoch + (this.anchor - k) * SLOT, 30, 1);
      this.before.push({ normal: prev.normal + e.normal, reverse: prev.reverse + e.reverse });
    }
    const back = this.before[this.anchor - slot] ?? { normal: 0, reverse: 0 };
    return { normal: -back.normal, reverse: -back.reverse };
  }

  private minutes(start: number, count: number, fraction: number): { normal: number; reverse: number } {
    let normal = 0;
    let reverse = 0;
    for (let m = 0; m < count; m++) {
      const p = this.powerW(start + m * MINUTE + MINUTE / 2);
      if (p >= 0) normal += (p / 60) * fraction;
      else reverse += (-p / 60) * fraction;
    }
    return { normal, reverse };
  }
}
