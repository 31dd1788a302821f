/**
 * The reading record: one shape for JSON lines and CSV (field order = READING_FIELDS). Every field
 * the meter did not give (not asked, PDC 0, sentinel, malformed EDT, unit unknown) is null.
 * `source` is kept outside READING_FIELDS: JSON adds it, CSV does not.
 */
import type { EchonetProperty } from '../echonet/frame.js';
import { decodeEnergy, decodeFixedTimeEnergy } from './energy.js';
import { energyValue } from './energy-values.js';
import { decodeCurrents, decodePower } from './instantaneous.js';
import { contextFromProperties } from './properties.js';
import type { EnergyContext } from './units.js';

export const READING_FIELDS = [
  'timestamp',
  'power_w',
  'current_r_a',
  'current_t_a',
  'energy_normal_kwh',
  'energy_reverse_kwh',
  'fixed_normal_at',
  'fixed_normal_kwh',
  'fixed_reverse_at',
  'fixed_reverse_kwh',
] as const;

export type ReadingSource = 'poll' | 'notification';

export interface ReadingValues {
  /** host clock, ISO 8601 with the host's local offset */
  timestamp: string;
  power_w: number | null;
  current_r_a: number | null;
  current_t_a: number | null;
  energy_normal_kwh: number | null;
  energy_reverse_kwh: number | null;
  /** meter time, ISO 8601 +09:00 */
  fixed_normal_at: string | null;
  fixed_normal_kwh: number | null;
  fixed_reverse_at: string | null;
  fixed_reverse_kwh: number | null;
}

export type Reading = ReadingValues & { source: ReadingSource };

/**
 * Builds a reading from the properties of one or more frames (E7, E8, E0, E3, EA, EB). E1/D3
 * among the properties override `ctx` (the unit/coefficient read at start-up). Never throws.
 */
export function buildReading(
  properties: readonly EchonetProperty[],
  ctx: EnergyContext,
  timestamp: Date,
  source: ReadingSource = 'poll',
): Reading {
  const context = contextFromProperties(properties, ctx);
  const edt = (epc: number): Buffer | undefined => {
    let found: Buffer | undefined;
    for (const p of properties) if (p.epc === epc && p.edt.length > 0) found = p.edt; // last wins
    return found;
  };
  const power = attempt(edt(0xe7), (b) => decodePower(b).watts);
  const currents = attempt(edt(0xe8), (b) => decodeCurrents(b));
  const kwh = (epc: number) => attempt(edt(epc), (b) => energyValue(decodeEnergy(b, epc), context).kwh);
  const fixed = (epc: number) =>
    attempt(edt(epc), (b) => {
      const f = decodeFixedTimeEnergy(b, epc);
      return { at: f.at, kwh: energyValue({ raw: f.raw }, context).kwh };
    });
  const fixedNormal = fixed(0xea);
  const fixedReverse = fixed(0xeb);
  return {
    timestamp: isoWithOffset(timestamp),
    power_w: power ?? null,
    current_r_a: currents?.r ?? null,
    current_t_a: currents?.t ?? null,
    energy_normal_kwh: kwh(0xe0) ?? null,
    energy_reverse_kwh: kwh(0xe3) ?? null,
    fixed_normal_at: fixedNormal?.at ?? null,
    fixed_normal_kwh: fixedNormal?.kwh ?? null,
    fixed_reverse_at: fixedReverse?.at ?? null,
    fixed_reverse_kwh: fixedReverse?.kwh ?? null,
    source,
  };
}

/** "2026-11-28T23:10:00.000+09:00" — the host clock with its local offset ("+00:00", never "Z"). */
export function isoWithOffset(date: Date): string {
  const offsetMin = -date.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${p(date.getFullYear(), 4)}-${p(date.getMonth() + 1)}-${p(date.getDate())}` +
    `T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}.${p(date.getMilliseconds(), 3)}` +
    `${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)}`
  );
}

function attempt<T>(edt: Buffer | undefined, fn: (edt: Buffer) => T): T | undefined {
  if (edt === undefined) return undefined;
  try {
    return fn(edt);
  } catch {
    return undefined; // malformed EDT: the field stays null (the poll layer logs the frame)
  }
}
