/**
 * Cumulative energy properties of class 0x0288 (docs/protocol.md §8): E0/E3 counters, EA/EB fixed-time
 * readings, D0 1-minute reading (Release R), and the history settings E5/ED/EF.
 * Raw counters are u32 with 0xFFFFFFFE = no data and 0xFFFFFFFF = invalid (→ null).
 * History data (E2/E4, EC, EE) lives in history.ts.
 */
import { BmeterError } from '../errors.js';
import { isoJst, parseIsoJst, readDateTime, writeDateTime, type MeterDateTime } from './date-time.js';
import { energyAt, expectLength, PropertyError, u8, writeEnergy, type RawEnergy } from './edt.js';

/** E0 / E3: the counter, or null (no data / invalid). */
export function decodeEnergyRaw(edt: Uint8Array, epc = 0xe0): number | null {
  return decodeEnergy(edt, epc).raw;
}

/** E0 / E3 with the reason when the counter is null. */
export function decodeEnergy(edt: Uint8Array, epc = 0xe0): RawEnergy {
  expectLength(epc, edt, 4, 'unsigned 32-bit counter');
  return energyAt(edt, 0);
}

/** E0/E3 EDT: the u32 counter, or its no-data sentinel 0xFFFFFFFE when `raw` is null (4 bytes, §8). */
export function encodeEnergy(value: RawEnergy): Buffer {
  const out = Buffer.alloc(4);
  writeEnergy(out, 0, value.raw, value.reason);
  return out;
}

export interface FixedTimeEnergy {
  /** ISO 8601, Japan time: "2022-08-01T20:30:00+09:00" */
  at: string;
  raw: number | null;
  reason?: string;
}

/** EA / EB: YYYY(2) MM DD hh mm ss + u32 (11 bytes). */
export function decodeFixedTimeEnergy(edt: Uint8Array, epc = 0xea): FixedTimeEnergy {
  expectLength(epc, edt, 11, 'date-time (7) + unsigned 32-bit counter');
  const at = isoJst(readDateTime(epc, edt, 0, true));
  const e = energyAt(edt, 7);
  return e.reason === undefined ? { at, raw: e.raw } : { at, raw: e.raw, reason: e.reason };
}

/**
 * EA/EB EDT: date-time with seconds (7 bytes, from the ISO `at` in +09:00) then the u32 counter (11 bytes,
 * §8). Throws BmeterError('DECODE') on a bad date.
 */
export function encodeFixedTimeEnergy(value: FixedTimeEnergy): Buffer {
  const out = Buffer.alloc(11);
  writeDateTime(out, 0, dateTimeFromIso(value.at), true);
  writeEnergy(out, 7, value.raw, value.reason);
  return out;
}

export interface OneMinuteEnergy {
  at: string;
  normal: number | null;
  reverse: number | null;
}

/** D0 (Release R): date-time (7) + normal u32 + reverse u32 (15 bytes). */
export function decodeOneMinuteEnergy(edt: Uint8Array): OneMinuteEnergy {
  expectLength(0xd0, edt, 15, 'Release R layout: date-time (7) + normal u32 + reverse u32');
  return {
    at: isoJst(readDateTime(0xd0, edt, 0, true)),
    normal: energyAt(edt, 7).raw,
    reverse: energyAt(edt, 11).raw,
  };
}

/**
 * D0 EDT: date-time with seconds, then the normal and reverse u32 counters (15 bytes, Release R, §8). Throws
 * BmeterError('DECODE') on a bad date.
 */
export function encodeOneMinuteEnergy(value: OneMinuteEnergy): Buffer {
  const out = Buffer.alloc(15);
  writeDateTime(out, 0, dateTimeFromIso(value.at), true);
  writeEnergy(out, 7, value.normal);
  writeEnergy(out, 11, value.reverse);
  return out;
}

/** E5 day for historical data 1: 0 = today, 1–99 = days ago, 0xFF = default. */
export const HISTORY_DAY_DEFAULT = 0xff;

/**
 * E5 day for historical data 1: 0 = today, 1–99 = days ago, 0xFF = default (1 byte, §8). Throws PropertyError
 * on another length.
 */
export function decodeHistoryDay(edt: Uint8Array): number {
  expectLength(0xe5, edt, 1, 'day 0–99');
  return u8(edt, 0);
}

/** E5 EDT for SetC (1 byte). Throws BmeterError('DECODE') unless `day` is 0–99 or 255. */
export function encodeHistoryDay(day: number): Buffer {
  if (!Number.isInteger(day) || ((day < 0 || day > 99) && day !== HISTORY_DAY_DEFAULT)) {
    throw new BmeterError('DECODE', `cannot encode E5 day ${day}: must be 0–99 (days ago) or 255 (default)`);
  }
  return Buffer.from([day]);
}

export interface HistorySetting {
  /** the newest slot requested, Japan time */
  at: string;
  count: number;
}

/** ED (EC: 1–12 half-hours) / EF (EE: 1–10 minutes): YYYY(2) MM DD hh mm + n (7 bytes). */
export function decodeHistorySetting(edt: Uint8Array, epc = 0xed): HistorySetting {
  expectLength(epc, edt, 7, 'date-time YYYY MM DD hh mm (6) + count (1)');
  return { at: isoJst(readDateTime(epc, edt, 0, false)), count: u8(edt, 6) };
}

/**
 * ED (default) or EF EDT: the newest slot's date-time (YYYY MM DD hh mm) and the count n, 1–12 for ED (minute
 * 00 or 30), 1–10 for EF (§8). Throws PropertyError otherwise.
 */
export function encodeHistorySetting(value: HistorySetting, epc = 0xed): Buffer {
  const max = epc === 0xef ? 10 : 12;
  if (!Number.isInteger(value.count) || value.count < 1 || value.count > max) {
    throw new PropertyError(epc, `cannot encode count ${value.count}: must be 1–${max}`);
  }
  const dt = dateTimeFromIso(value.at);
  if (epc === 0xed && dt.minute !== 0 && dt.minute !== 30) {
    throw new PropertyError(epc, `cannot encode ${value.at}: minute must be 00 or 30`);
  }
  const out = Buffer.alloc(7);
  writeDateTime(out, 0, dt, false);
  out[6] = value.count;
  return out;
}

/**
 * The meter date-time of an ISO 8601 text in Japan time ('2022-08-01T20:30:00+09:00'). Throws
 * BmeterError('DECODE') on any other form.
 */
export function dateTimeFromIso(iso: string): MeterDateTime {
  const dt = parseIsoJst(iso);
  if (!dt) {
    throw new BmeterError('DECODE', `cannot encode date-time "${iso}": expected YYYY-MM-DDThh:mm:ss+09:00`);
  }
  return dt;
}
