/**
 * The JSON-friendly values of the meter's instantaneous and unit properties (E7 power, E8
 * currents, E1 unit; PROTOCOL.md §8) and the small conversions properties.ts uses between decoded
 * values and the encoders' inputs.
 */
import type { EnergyValue, PairValue } from './energy-values.js';
import { expectLength, hex2, u16 } from './edt.js';
import { decodeCurrents, decodePower, type encodeCurrents } from './instantaneous.js';
import { unitMultiplier } from './units.js';

export interface PowerValue {
  watts: number | null;
  unit: 'W';
  reason?: string;
}
export interface CurrentsValue {
  r_a: number | null;
  t_a: number | null;
  unit: 'A';
  r_reason?: string;
  t_reason?: string;
}
export interface UnitValue {
  code: string;
  kwh_per_unit: number | null;
  unit: 'kWh';
  reason?: string;
}

/** E1 unit code → multiplier in kWh (null with a reason for an unknown code). */
export function unitValue(code: number): UnitValue {
  const m = unitMultiplier(code);
  const v: UnitValue = { code: hex2(code), kwh_per_unit: m, unit: 'kWh' };
  if (m === null) v.reason = `unknown unit code 0x${hex2(code)}`;
  return v;
}

/** E7 EDT → watts (null with a reason for "no data"). */
export function powerValue(edt: Uint8Array): PowerValue {
  const p = decodePower(edt);
  return p.reason === undefined ? { watts: p.watts, unit: 'W' } : { watts: p.watts, unit: 'W', reason: p.reason };
}

/** E8 EDT → R and T phase currents in A (null with a reason for "no data"). */
export function currentsValue(edt: Uint8Array): CurrentsValue {
  const c = decodeCurrents(edt);
  const v: CurrentsValue = { r_a: c.r, t_a: c.t, unit: 'A' };
  if (c.rReason !== undefined) v.r_reason = c.rReason;
  if (c.tReason !== undefined) v.t_reason = c.tReason;
  return v;
}

/** A decoded E8 value back to the encoder's input. */
export function currentsOf(v: CurrentsValue): Parameters<typeof encodeCurrents>[0] {
  const c: Parameters<typeof encodeCurrents>[0] = { r: v.r_a, t: v.t_a };
  if (v.r_reason !== undefined) c.rReason = v.r_reason;
  if (v.t_reason !== undefined) c.tReason = v.t_reason;
  return c;
}

/** A decoded energy counter back to its raw value. */
export function rawOf(v: EnergyValue): { raw: number | null; reason?: string } {
  return v.reason === undefined ? { raw: v.raw } : { raw: v.raw, reason: v.reason };
}

/** A history item as the encoder takes it: time and raw counters. */
export function pairItem(v: PairValue): { at: string; normal: number | null; reverse: number | null } {
  return { at: v.at, normal: v.normal_raw, reverse: v.reverse_raw };
}

/** D4 (number of classes) EDT → count; throws PropertyError for a wrong length. */
export function classCount(edt: Uint8Array): number {
  expectLength(0xd4, edt, 2, 'number of classes (2 bytes)');
  return u16(edt, 0);
}
