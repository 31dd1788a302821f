/**
 * Meter date-times (EA/EB/D0: YYYY(2) MM DD hh mm ss; EC/ED/EE/EF: YYYY(2) MM DD hh mm) are
 * Japan time, which has no DST: they are written as ISO 8601 with a fixed +09:00 offset
 * (docs/protocol.md §8). Arithmetic (EC/EE item times) is done on the wall-clock fields via UTC.
 */
import { PropertyError, u16, u8 } from './edt.js';

export interface MeterDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const JST_OFFSET = '+09:00';

/** Reads 7 (with seconds) or 6 bytes at `at`, validating every field. */
export function readDateTime(epc: number, edt: Uint8Array, at: number, withSeconds: boolean): MeterDateTime {
  const dt: MeterDateTime = {
    year: u16(edt, at),
    month: u8(edt, at + 2),
    day: u8(edt, at + 3),
    hour: u8(edt, at + 4),
    minute: u8(edt, at + 5),
    second: withSeconds ? u8(edt, at + 6) : 0,
  };
  const fault = dateTimeFault(dt);
  if (fault !== undefined) {
    throw new PropertyError(epc, `invalid date-time ${describe(dt)} at byte ${at}: ${fault}`);
  }
  return dt;
}

/**
 * Writes a date-time into `out` at byte `at`: YYYY (u16 big-endian), MM, DD, hh, mm and, with `withSeconds`,
 * ss (6 or 7 bytes, the layout of EA/EB, EC, D0, EE; docs/protocol.md §8).
 */
export function writeDateTime(out: Buffer, at: number, dt: MeterDateTime, withSeconds: boolean): void {
  out.writeUInt16BE(dt.year, at);
  out[at + 2] = dt.month;
  out[at + 3] = dt.day;
  out[at + 4] = dt.hour;
  out[at + 5] = dt.minute;
  if (withSeconds) out[at + 6] = dt.second;
}

/** "2026-05-20T14:30:00+09:00" */
export function isoJst(dt: MeterDateTime): string {
  return (
    `${pad(dt.year, 4)}-${pad(dt.month)}-${pad(dt.day)}` +
    `T${pad(dt.hour)}:${pad(dt.minute)}:${pad(dt.second)}${JST_OFFSET}`
  );
}

/** Parses the ISO form produced by isoJst (offset must be +09:00). Undefined when it does not fit. */
export function parseIsoJst(iso: string): MeterDateTime | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+09:00$/.exec(iso);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const dt = { year, month, day, hour, minute, second };
  return dateTimeFault(dt) === undefined ? dt : undefined;
}

/** The wall-clock date-time `minutes` later (negative: earlier). */
export function addMinutes(dt: MeterDateTime, minutes: number): MeterDateTime {
  const t = new Date(utcMillis(dt) + minutes * 60_000);
  return {
    year: t.getUTCFullYear(),
    month: t.getUTCMonth() + 1,
    day: t.getUTCDate(),
    hour: t.getUTCHours(),
    minute: t.getUTCMinutes(),
    second: t.getUTCSeconds(),
  };
}

/**
 * What is wrong with a decoded date-time ('month out of range', …), or undefined when it is a real calendar
 * date and time of day.
 */
export function dateTimeFault(dt: MeterDateTime): string | undefined {
  if (dt.month < 1 || dt.month > 12) return 'month out of range';
  if (dt.day < 1 || dt.day > daysInMonth(dt.year, dt.month)) return 'day out of range';
  if (dt.hour > 23) return 'hour out of range';
  if (dt.minute > 59) return 'minute out of range';
  if (dt.second > 59) return 'second out of range';
  return undefined;
}

/** Days in `month` (1–12) of `year` in the proleptic Gregorian calendar, e.g. 29 for February 2024. */
export function daysInMonth(year: number, month: number): number {
  return new Date(utcMillis({ year, month: month + 1, day: 0, hour: 0, minute: 0, second: 0 })).getUTCDate();
}

/** Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not. */
function utcMillis(dt: MeterDateTime): number {
  const t = new Date(0);
  t.setUTCFullYear(dt.year, dt.month - 1, dt.day);
  t.setUTCHours(dt.hour, dt.minute, dt.second, 0);
  return t.getTime();
}

function describe(dt: MeterDateTime): string {
  return `${dt.year}-${pad(dt.month)}-${pad(dt.day)} ${pad(dt.hour)}:${pad(dt.minute)}:${pad(dt.second)}`;
}

/** `n` in decimal, left-padded with zeros to `width` digits: pad(7) → '07'. */
export function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
