/**
 * Historical cumulative energy (docs/protocol.md §8, §11 quirk 16):
 * - E2 / E4 (history 1): day u16 + 48 × u32, OLDEST first: slot k is at 00:00 + 30 min × k.
 * - EC (history 2): YYYY(2) MM DD hh mm + n + n × (normal u32, reverse u32), NEWEST first:
 *   item i is at date-time − 30 min × i (§8 EC, as smdn TryParseCumulativeElectricEnergyLog2).
 * - EE (history 3, Release R): like EC in 1-minute steps.
 */
import { BmeterError } from '../errors.js';
import { addMinutes, isoJst, readDateTime, writeDateTime } from './date-time.js';
import { dateTimeFromIso } from './energy.js';
import { energyAt, expectLength, expectMinLength, PropertyError, u16, u8, writeEnergy, type RawEnergy } from './edt.js';

export const HISTORY1_SLOTS = 48;
export const HISTORY1_LENGTH = 2 + HISTORY1_SLOTS * 4; // 194

export interface History1 {
  /** 0 = today, 1–99 days ago; 0x00FF = default */
  day: number;
  /** 48 raw counters, oldest first (00:00 … 23:30); null = no data / invalid */
  raw: (number | null)[];
}

/**
 * E2/E4 (historical cumulative energy 1): the day (u16) and 48 raw half-hour counters, 00:00 first, null
 * where the meter has no data (194 bytes, §8). Throws PropertyError on another length.
 */
export function decodeHistory1(edt: Uint8Array, epc = 0xe2): History1 {
  return { day: u16(edt, 0), raw: history1Slots(edt, epc).map((s) => s.raw) };
}

/** The 48 slots of E2/E4 with the reason for each null. */
export function history1Slots(edt: Uint8Array, epc = 0xe2): RawEnergy[] {
  expectLength(epc, edt, HISTORY1_LENGTH, 'day u16 + 48 × u32');
  return Array.from({ length: HISTORY1_SLOTS }, (_, k) => energyAt(edt, 2 + 4 * k));
}

/** "HH:MM" of E2/E4 slot k (0 → "00:00", 47 → "23:30"). */
export function history1SlotTime(k: number): string {
  const minutes = 30 * k;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * E2/E4 EDT from a day and exactly 48 raw counters (null → 0xFFFFFFFE), 194 bytes. Throws
 * BmeterError('DECODE') on another count or day.
 */
export function encodeHistory1(value: History1): Buffer {
  if (value.raw.length !== HISTORY1_SLOTS) {
    throw new BmeterError('DECODE', `cannot encode E2/E4: ${value.raw.length} slots given, 48 needed`);
  }
  if (!Number.isInteger(value.day) || value.day < 0 || value.day > 0xffff) {
    throw new BmeterError('DECODE', `cannot encode E2/E4 day ${value.day}`);
  }
  const out = Buffer.alloc(HISTORY1_LENGTH);
  out.writeUInt16BE(value.day, 0);
  value.raw.forEach((raw, k) => writeEnergy(out, 2 + 4 * k, raw));
  return out;
}

export interface HistoryItem {
  /** ISO 8601, Japan time */
  at: string;
  normal: number | null;
  reverse: number | null;
}

export interface History2 {
  /** date-time of the newest item (item 0) */
  at: string;
  /** newest first */
  items: HistoryItem[];
}

/** EC: items 30 minutes apart, newest first. */
export function decodeHistory2(edt: Uint8Array): History2 {
  return decodeStepped(edt, 0xec, 30);
}

/** EE (Release R): items 1 minute apart, newest first. */
export function decodeHistory3(edt: Uint8Array): History2 {
  return decodeStepped(edt, 0xee, 1);
}

/**
 * EC EDT (historical cumulative energy 2): newest half hour first, at most 12 pairs of normal/reverse
 * counters (§8). Throws BmeterError('DECODE') on bad input.
 */
export function encodeHistory2(value: History2): Buffer {
  return encodeStepped(value, 0xec, 12);
}

/**
 * EE EDT (historical cumulative energy 3, one-minute steps, Release R): newest first, at most 10 pairs (§8).
 * Throws BmeterError('DECODE') on bad input.
 */
export function encodeHistory3(value: History2): Buffer {
  return encodeStepped(value, 0xee, 10);
}

function decodeStepped(edt: Uint8Array, epc: number, stepMinutes: number): History2 {
  const layout = 'date-time YYYY MM DD hh mm (6) + n (1) + n × (normal u32, reverse u32)';
  expectMinLength(epc, edt, 7, layout);
  const n = u8(edt, 6);
  if (edt.length !== 7 + 8 * n) {
    throw new PropertyError(epc, `n = ${n} needs ${7 + 8 * n} bytes (${layout}) but got ${edt.length}`);
  }
  const newest = readDateTime(epc, edt, 0, false);
  const items: HistoryItem[] = [];
  for (let i = 0; i < n; i++) {
    items.push({
      at: isoJst(addMinutes(newest, -stepMinutes * i)),
      normal: energyAt(edt, 7 + 8 * i).raw,
      reverse: energyAt(edt, 11 + 8 * i).raw,
    });
  }
  return { at: isoJst(newest), items };
}

/** Item times are implied by `at` and the step; only the newest date-time is on the wire. */
function encodeStepped(value: History2, epc: number, max: number): Buffer {
  const n = value.items.length;
  if (n < 1 || n > max) {
    throw new PropertyError(epc, `cannot encode ${n} items: must be 1–${max}`);
  }
  const out = Buffer.alloc(7 + 8 * n);
  writeDateTime(out, 0, dateTimeFromIso(value.at), false);
  out[6] = n;
  value.items.forEach((item, i) => {
    writeEnergy(out, 7 + 8 * i, item.normal);
    writeEnergy(out, 11 + 8 * i, item.reverse);
  });
  return out;
}
