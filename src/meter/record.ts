/**
 * From a meter's answer (or notification) to a reading record (src/meter/reading.ts), and the
 * EPC lists a poll asks for. A Get_SNA (§7, §11 quirk 13) carries the supported properties and
 * PDC 0 for the rest: the record keeps the supported values and null for the others, and the
 * missing EPCs are named — never a lost reading.
 *
 * The energy context (D3 coefficient, E1 unit, D7 digits, §8.1) is asked for in the same Get
 * frame as the first reading of a process (and again after the meter changed), so a cron poll
 * on a kept PANA session still costs one round trip and no cache file can go stale.
 */
import { ESV } from '../echonet/constants.js';
import type { EchonetFrame, EchonetProperty } from '../echonet/frame.js';
import { BmeterError } from '../errors.js';
import { fillContext, type EnergyFallback } from './energy-fallback.js';
import { contextFromProperties, type EnergyContext } from './properties.js';
import { buildReading, READING_FIELDS, type Reading, type ReadingSource } from './reading.js';

/** What a poll can put in a record, by EPC name (§9 periodic set). */
export const READABLE_EPCS: Readonly<Record<string, number>> = {
  E7: 0xe7, // instantaneous power
  E8: 0xe8, // instantaneous currents
  E0: 0xe0, // cumulative energy, normal
  E3: 0xe3, // cumulative energy, reverse
  EA: 0xea, // fixed-time energy, normal
  EB: 0xeb, // fixed-time energy, reverse
};

/** D3 coefficient, D7 digits, E1 unit: read once per process (§9 start-up set). */
export const CONTEXT_EPCS: readonly number[] = [0xd3, 0xd7, 0xe1];

/**
 * Record columns in order, for every format: the CSV header is exactly READING_FIELDS (the
 * foundation issue's record shape); JSON adds `source` after them (the sink appends keys that
 * are not columns) and the text format shows it in each record's heading line.
 */
export function columnsFor(_format: 'text' | 'json' | 'csv'): readonly string[] {
  return READING_FIELDS;
}

/** Units shown by the text format. */
export const READING_UNITS: Readonly<Record<string, string>> = {
  power_w: 'W',
  current_r_a: 'A',
  current_t_a: 'A',
  energy_normal_kwh: 'kWh',
  energy_reverse_kwh: 'kWh',
  fixed_normal_kwh: 'kWh',
  fixed_reverse_kwh: 'kWh',
};

/**
 * An EPC as it is written in the spec and in bmeter's messages: two upper-case hex digits (0xE7 → "E7").
 */
export function epcName(epc: number): string {
  return epc.toString(16).toUpperCase().padStart(2, '0');
}

/** `--properties E7,E8` (or the config's list) → EPCs, in the order given, without repeats. */
export function parsePropertyList(list: string | readonly string[]): number[] {
  const names = (typeof list === 'string' ? list.split(',') : list)
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
  if (names.length === 0) throw new BmeterError('USAGE', 'no properties given: use e.g. --properties E7,E8');
  const out: number[] = [];
  for (const name of names) {
    const epc = READABLE_EPCS[name.replace(/^0X/, '')];
    if (epc === undefined) {
      throw new BmeterError(
        'USAGE',
        `cannot poll property ${name}: choose from ${Object.keys(READABLE_EPCS).join(', ')} (e.g. --properties E7,E8)`,
      );
    }
    if (!out.includes(epc)) out.push(epc);
  }
  return out;
}

/** The EPCs of one reading's Get frame: the requested ones, plus D3/D7/E1 while not known. */
export function requestEpcs(requested: readonly number[], needContext: boolean): number[] {
  const out = [...requested];
  if (needContext) for (const epc of CONTEXT_EPCS) if (!out.includes(epc)) out.push(epc);
  return out;
}

/** Whether a context is complete enough to stop asking: E1 known (D3 absent means 1, §8). */
export function contextKnown(ctx: EnergyContext | undefined): boolean {
  return ctx?.unitCode !== undefined;
}

export interface ContextUpdate {
  ctx: EnergyContext;
  /** Whether this frame answered the context EPCs (so they need not be asked again). */
  answered: boolean;
  /** Context EPCs the meter did not supply (PDC 0 or absent). */
  missing: number[];
  /** Of those, the ones no setting (--unit, --coefficient, --digits) replaced. */
  unset: number[];
}

/**
 * Takes D3/D7/E1 from an answer; what the meter left out comes from `fallback` (the user's
 * --unit/--coefficient/--digits), D3 else 1 (§8 D3, capture S12).
 */
export function updateContext(
  previous: EnergyContext | undefined,
  frame: EchonetFrame,
  fallback: EnergyFallback = {},
): ContextUpdate {
  const asked = frame.properties.filter((p) => CONTEXT_EPCS.includes(p.epc));
  if (asked.length === 0) return { ctx: previous ?? {}, answered: false, missing: [], unset: [] };
  const missing = CONTEXT_EPCS.filter((epc) => !asked.some((p) => p.epc === epc && p.edt.length > 0));
  const { ctx, unset } = fillContext(contextFromProperties(frame.properties, previous ?? {}), missing, fallback);
  return { ctx, answered: true, missing, unset };
}

export interface AssembledReading {
  reading: Reading;
  /** Requested EPCs the answer did not carry a value for (Get_SNA PDC 0, or left out). */
  missing: number[];
  /** The answer was a Get_SNA (0x52). */
  partial: boolean;
}

/** The record for one answer: values for the supported EPCs, null for the rest. */
export function assembleReading(
  frame: EchonetFrame,
  requested: readonly number[],
  ctx: EnergyContext,
  timestamp: Date,
  source: ReadingSource = 'poll',
): AssembledReading {
  const supplied = (epc: number): EchonetProperty | undefined =>
    frame.properties.find((p) => p.epc === epc && p.edt.length > 0);
  const wanted = frame.properties.filter((p) => requested.includes(p.epc) && p.edt.length > 0);
  const reading = buildReading(wanted, ctx, timestamp, source);
  const missing = requested.filter((epc) => supplied(epc) === undefined);
  return { reading, missing, partial: frame.esv === ESV.Get_SNA };
}

/** The EPCs of a notification that a record can hold (EA/EB every 30 minutes, §7). */
export function notificationEpcs(frame: EchonetFrame): number[] {
  const readable = Object.values(READABLE_EPCS);
  return frame.properties.filter((p) => readable.includes(p.epc) && p.edt.length > 0).map((p) => p.epc);
}

/** "meter answered Get_SNA: E3, EB not available — recorded as null". */
export function missingMessage(missing: readonly number[], partial: boolean): string {
  const names = missing.map(epcName).join(', ');
  return `${partial ? 'meter answered Get_SNA' : 'meter left out properties'}: ${names} not available — recorded as null`;
}
