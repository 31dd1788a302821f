/**
 * E7 instantaneous power and E8 instantaneous currents (docs/protocol.md §8, §11 quirk 14).
 * Both are SIGNED: negative power/current is reverse flow (PV export).
 */
import { BmeterError } from '../errors.js';
import { expectLength, s16, s32, u16, u32 } from './edt.js';

/** E7 int32 codes (docs/protocol.md §8 overflow/underflow table; MRA): no data, overflow, underflow. */
export const POWER_CODES = { noData: 0x7ffffffe, overflow: 0x7fffffff, underflow: 0x80000000 } as const;
/** E8 int16 codes (§8 E8): 0x7FFE also = T phase of a single-phase 2-wire meter. */
export const CURRENT_CODES = { noData: 0x7ffe, overflow: 0x7fff, underflow: 0x8000 } as const;

export const REASON_NO_DATA = 'no data';
export const REASON_NO_DATA_T = 'no data (or T phase of a single-phase 2-wire meter)';
export const REASON_OVERFLOW = 'overflow';
export const REASON_UNDERFLOW = 'underflow';

export interface Power {
  watts: number | null;
  reason?: string;
}

/**
 * E7 instantaneous power: signed W (negative = export), or null with the reason for the no-data, overflow and
 * underflow codes (4 bytes, §8). Throws PropertyError on another length.
 */
export function decodePower(edt: Uint8Array): Power {
  expectLength(0xe7, edt, 4, 'signed 32-bit W');
  const code = u32(edt, 0);
  if (code === POWER_CODES.noData) return { watts: null, reason: REASON_NO_DATA };
  if (code === POWER_CODES.overflow) return { watts: null, reason: REASON_OVERFLOW };
  if (code === POWER_CODES.underflow) return { watts: null, reason: REASON_UNDERFLOW };
  return { watts: s32(edt, 0) };
}

/**
 * E7 EDT from W (−2147483647 … 2147483645), or the code of `reason` when `watts` is null. Throws
 * BmeterError('DECODE') outside the range.
 */
export function encodePower(value: Power): Buffer {
  const out = Buffer.alloc(4);
  if (value.watts === null) {
    out.writeUInt32BE(sentinel(value.reason, POWER_CODES), 0);
    return out;
  }
  const w = value.watts;
  if (!Number.isInteger(w) || w < -0x7fffffff || w > 0x7ffffffd) {
    throw new BmeterError('DECODE', `cannot encode E7 power ${w} W: outside −2147483647…2147483645`);
  }
  out.writeInt32BE(w, 0);
  return out;
}

export interface Currents {
  /** amperes, R phase */
  r: number | null;
  /** amperes, T phase */
  t: number | null;
  rReason?: string;
  tReason?: string;
}

/**
 * E8 instantaneous currents: R and T phase in A (signed 0.1 A units), null with the reason for sentinel
 * codes; 0x7FFE on T is a single-phase 2-wire meter (4 bytes, §8). Throws PropertyError on another length.
 */
export function decodeCurrents(edt: Uint8Array): Currents {
  expectLength(0xe8, edt, 4, 'two signed 16-bit values in 0.1 A, R then T');
  const r = phase(edt, 0);
  const t = phase(edt, 2);
  const out: Currents = { r: r.amps, t: t.amps };
  if (r.reason !== undefined) out.rReason = r.reason;
  if (t.reason !== undefined) out.tReason = t.reason === REASON_NO_DATA ? REASON_NO_DATA_T : t.reason;
  return out;
}

/**
 * E8 EDT from R and T in A (multiples of 0.1 A), or the sentinel of each null phase's reason (4 bytes).
 * Throws BmeterError('DECODE') off the 0.1 A grid or outside −3276.7 … 3276.5 A.
 */
export function encodeCurrents(value: Currents): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt16BE(encodePhase(value.r, value.rReason), 0);
  out.writeUInt16BE(encodePhase(value.t, value.tReason), 2);
  return out;
}

function phase(edt: Uint8Array, at: number): { amps: number | null; reason?: string } {
  const code = u16(edt, at);
  if (code === CURRENT_CODES.noData) return { amps: null, reason: REASON_NO_DATA };
  if (code === CURRENT_CODES.overflow) return { amps: null, reason: REASON_OVERFLOW };
  if (code === CURRENT_CODES.underflow) return { amps: null, reason: REASON_UNDERFLOW };
  // deci-amperes → amperes exactly: String(98 / 10) is "9.8" (division by 10 is correctly rounded)
  return { amps: s16(edt, at) / 10 };
}

function encodePhase(amps: number | null, reason: string | undefined): number {
  if (amps === null) return sentinel(reason, CURRENT_CODES);
  const deci = Math.round(amps * 10);
  if (Math.abs(deci - amps * 10) > 1e-6 || deci < -0x7fff || deci > 0x7ffd) {
    throw new BmeterError('DECODE', `cannot encode E8 current ${amps} A: not a multiple of 0.1 A in −3276.7…3276.5`);
  }
  return deci & 0xffff;
}

function sentinel(reason: string | undefined, codes: { noData: number; overflow: number; underflow: number }): number {
  if (reason === REASON_OVERFLOW) return codes.overflow;
  if (reason === REASON_UNDERFLOW) return codes.underflow;
  return codes.noData;
}
