/**
 * The JSON-friendly values of the energy properties, with kWh computed exactly from the raw
 * counter and the context (D3 coefficient, E1 unit; docs/protocol.md §8.1). Used by the property table.
 */
import { decodeEnergy, decodeFixedTimeEnergy, decodeOneMinuteEnergy } from './energy.js';
import { decodeHistory2, decodeHistory3, history1Slots, history1SlotTime, type History2 } from './history.js';
import type { RawEnergy } from './edt.js';
import { u16 } from './edt.js';
import { scaleEnergy, type EnergyContext } from './units.js';

export interface EnergyValue {
  raw: number | null;
  kwh: number | null;
  unit: 'kWh';
  /** why raw or kwh is null */
  reason?: string;
}

/**
 * A raw energy counter with its kWh: raw × D3 × E1 from `ctx` (§8.1), or kWh null with the reason (no data,
 * no unit known yet …).
 */
export function energyValue(e: RawEnergy, ctx: EnergyContext | undefined): EnergyValue {
  if (e.raw === null) return { raw: null, kwh: null, unit: 'kWh', reason: e.reason ?? 'no data' };
  const s = scaleEnergy(e.raw, ctx);
  return s.reason === undefined
    ? { raw: e.raw, kwh: s.kwh, unit: 'kWh' }
    : { raw: e.raw, kwh: s.kwh, unit: 'kWh', reason: s.reason };
}

/** E0 / E3 */
export function counterValue(edt: Uint8Array, epc: number, ctx?: EnergyContext): EnergyValue {
  return energyValue(decodeEnergy(edt, epc), ctx);
}

export type FixedTimeValue = EnergyValue & { at: string };

/** EA / EB */
export function fixedTimeValue(edt: Uint8Array, epc: number, ctx?: EnergyContext): FixedTimeValue {
  const f = decodeFixedTimeEnergy(edt, epc);
  const e: RawEnergy = f.reason === undefined ? { raw: f.raw } : { raw: f.raw, reason: f.reason };
  return { at: f.at, ...energyValue(e, ctx) };
}

export interface PairValue {
  at: string;
  normal_raw: number | null;
  normal_kwh: number | null;
  reverse_raw: number | null;
  reverse_kwh: number | null;
  unit: 'kWh';
}

/** D0 (Release R) */
export function oneMinuteValue(edt: Uint8Array, ctx?: EnergyContext): PairValue {
  const d = decodeOneMinuteEnergy(edt);
  return pair(d.at, d.normal, d.reverse, ctx);
}

export interface SlotValue extends EnergyValue {
  time: string;
}

export interface History1Value {
  day: number;
  /** oldest first, 00:00 … 23:30 */
  slots: SlotValue[];
}

/** E2 / E4 */
export function history1Value(edt: Uint8Array, epc: number, ctx?: EnergyContext): History1Value {
  const slots = history1Slots(edt, epc).map((s, k) => ({ time: history1SlotTime(k), ...energyValue(s, ctx) }));
  return { day: u16(edt, 0), slots };
}

export interface History2Value {
  at: string;
  /** newest first */
  items: PairValue[];
}

/** EC (30-minute steps) / EE (1-minute steps) */
export function history2Value(edt: Uint8Array, epc: number, ctx?: EnergyContext): History2Value {
  const h: History2 = epc === 0xee ? decodeHistory3(edt) : decodeHistory2(edt);
  return { at: h.at, items: h.items.map((i) => pair(i.at, i.normal, i.reverse, ctx)) };
}

function pair(at: string, normal: number | null, reverse: number | null, ctx?: EnergyContext): PairValue {
  return {
    at,
    normal_raw: normal,
    normal_kwh: normal === null ? null : scaleEnergy(normal, ctx).kwh,
    reverse_raw: reverse,
    reverse_kwh: reverse === null ? null : scaleEnergy(reverse, ctx).kwh,
    unit: 'kWh',
  };
}
