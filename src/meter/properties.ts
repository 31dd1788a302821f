/**
 * The property table of the low-voltage smart electric energy meter 0x028801 (superclass +
 * class 0x0288, docs/protocol.md §8) and of the node profile 0x0EF001 (§7): EPC → name, decode, encode.
 * decode gives a JSON-friendly value with its unit; encode takes that same value back to EDT bytes
 * (for the simulator and SetC requests).
 */
import { BmeterError } from '../errors.js';
import * as dev from './device-info.js';
import {
  encodeEnergy,
  encodeFixedTimeEnergy,
  encodeHistoryDay,
  encodeHistorySetting,
  encodeOneMinuteEnergy,
  decodeHistoryDay,
  decodeHistorySetting,
  type HistorySetting,
} from './energy.js';
import {
  counterValue,
  fixedTimeValue,
  history1Value,
  history2Value,
  oneMinuteValue,
  type EnergyValue,
  type FixedTimeValue,
  type History1Value,
  type History2Value,
  type PairValue,
} from './energy-values.js';
import { hex2, PropertyError, toHex } from './edt.js';
import { encodeHistory1, encodeHistory2, encodeHistory3 } from './history.js';
import { encodeCurrents, encodePower } from './instantaneous.js';
import * as np from './node-profile.js';
import { decodePropertyMap, encodePropertyMap } from './property-map.js';
import type { EnergyContext } from './units.js';
import {
  classCount,
  currentsOf,
  currentsValue,
  pairItem,
  powerValue,
  rawOf,
  unitValue,
  type CurrentsValue,
  type PowerValue,
  type UnitValue,
} from './property-values.js';

export type { CurrentsValue, PowerValue, UnitValue } from './property-values.js';

export type { EnergyContext } from './units.js';

export interface PropertySpec<V> {
  name: string;
  decode(edt: Uint8Array, ctx?: EnergyContext): V;
  encode(value: V): Buffer;
}

/** What a generic caller (decode command, logs) needs: no encode, so any spec fits. */
export interface PropertyDecoder {
  name: string;
  decode(edt: Uint8Array, ctx?: EnergyContext): object;
}

function spec<V extends object>(
  name: string,
  decode: PropertySpec<V>['decode'],
  encode: PropertySpec<V>['encode'],
): PropertySpec<V> {
  return { name, decode, encode };
}

const energyCounter = (name: string, epc: number): PropertySpec<EnergyValue> =>
  spec(
    name,
    (edt, ctx) => counterValue(edt, epc, ctx),
    (v) => encodeEnergy(rawOf(v)),
  );
const fixedTime = (name: string, epc: number): PropertySpec<FixedTimeValue> =>
  spec(
    name,
    (edt, ctx) => fixedTimeValue(edt, epc, ctx),
    (v) => encodeFixedTimeEnergy({ at: v.at, ...rawOf(v) }),
  );
const history1 = (name: string, epc: number): PropertySpec<History1Value> =>
  spec(
    name,
    (edt, ctx) => history1Value(edt, epc, ctx),
    (v) => encodeHistory1({ day: v.day, raw: v.slots.map((s) => s.raw) }),
  );
const propertyMap = (name: string, epc: number): PropertySpec<{ epcs: string[] }> =>
  spec(
    name,
    (edt) => ({ epcs: decodePropertyMap(edt, epc).map(hex2) }),
    (v) => encodePropertyMap(v.epcs.map((e) => parseInt(e, 16))),
  );
const historySetting = (name: string, epc: number): PropertySpec<HistorySetting> =>
  spec(
    name,
    (edt) => decodeHistorySetting(edt, epc),
    (v) => encodeHistorySetting(v, epc),
  );
const history2 = (name: string, epc: number): PropertySpec<History2Value> =>
  spec(
    name,
    (edt, ctx) => history2Value(edt, epc, ctx),
    (v) => (epc === 0xee ? encodeHistory3 : encodeHistory2)({ at: v.at, items: v.items.map(pairItem) }),
  );

/** Superclass properties shared by the meter and the node profile (§8 superclass table). */
const SUPERCLASS = {
  0x80: spec(
    'operation status',
    (edt) => ({ on: dev.decodeOperationStatus(edt) }),
    (v: { on: boolean }) => dev.encodeOperationStatus(v.on),
  ),
  0x83: spec('identification number', np.decodeIdentification, np.encodeIdentification),
  0x88: spec(
    'fault status',
    (edt) => ({ fault: dev.decodeFaultStatus(edt) }),
    (v: { fault: boolean }) => dev.encodeFaultStatus(v.fault),
  ),
  0x8a: spec(
    'manufacturer code',
    (edt) => ({ maker_code: dev.decodeMakerCode(edt) }),
    (v: { maker_code: string }) => dev.encodeMakerCode(v.maker_code),
  ),
  0x9d: propertyMap('status change announcement property map', 0x9d),
  0x9e: propertyMap('Set property map', 0x9e),
  0x9f: propertyMap('Get property map', 0x9f),
} as const;

/** Low-voltage smart electric energy meter, EOJ 028801. */
export const PROPERTIES = {
  ...SUPERCLASS,
  0x81: spec('installation location', dev.decodeInstallationLocation, dev.encodeInstallationLocation),
  0x82: spec(
    'standard version information',
    (edt) => ({ release: dev.decodeStandardVersion(edt) }),
    (v: { release: string }) => dev.encodeStandardVersion(v.release),
  ),
  0x8d: spec(
    'production number',
    (edt) => ({ production_number: dev.decodeProductionNumber(edt) }),
    (v: { production_number: string }) => dev.encodeProductionNumber(v.production_number),
  ),
  0x97: spec(
    'current time setting',
    (edt) => ({ time: dev.decodeMeterTime(edt) }),
    (v: { time: string }) => dev.encodeMeterTime(v.time),
  ),
  0x98: spec(
    'current date setting',
    (edt) => ({ date: dev.decodeMeterDate(edt) }),
    (v: { date: string }) => dev.encodeMeterDate(v.date),
  ),
  0xc0: spec('Route B identification number', dev.decodeRouteBId, dev.encodeRouteBId),
  0xd0: spec<PairValue>(
    '1-minute cumulative energy (normal and reverse)',
    (edt, ctx) => oneMinuteValue(edt, ctx),
    (v) => encodeOneMinuteEnergy(pairItem(v)),
  ),
  0xd3: spec(
    'coefficient',
    (edt) => ({ coefficient: dev.decodeCoefficient(edt) }),
    (v: { coefficient: number }) => dev.encodeCoefficient(v.coefficient),
  ),
  0xd7: spec(
    'number of effective digits for cumulative energy',
    (edt) => ({ digits: dev.decodeDigits(edt) }),
    (v: { digits: number }) => dev.encodeDigits(v.digits),
  ),
  0xe0: energyCounter('cumulative energy (normal direction)', 0xe0),
  0xe1: spec<UnitValue>(
    'unit for cumulative energy',
    (edt) => unitValue(dev.decodeUnitCode(edt)),
    (v) => dev.encodeUnitCode(parseInt(v.code, 16)),
  ),
  0xe2: history1('historical cumulative energy 1 (normal direction)', 0xe2),
  0xe3: energyCounter('cumulative energy (reverse direction)', 0xe3),
  0xe4: history1('historical cumulative energy 1 (reverse direction)', 0xe4),
  0xe5: spec(
    'day for historical data 1',
    (edt) => ({ day: decodeHistoryDay(edt) }),
    (v: { day: number }) => encodeHistoryDay(v.day),
  ),
  0xe7: spec<PowerValue>(
    'instantaneous power',
    (edt) => powerValue(edt),
    (v) => encodePower(v),
  ),
  0xe8: spec<CurrentsValue>(
    'instantaneous currents',
    (edt) => currentsValue(edt),
    (v) => encodeCurrents(currentsOf(v)),
  ),
  0xea: fixedTime('cumulative energy at fixed time (normal direction)', 0xea),
  0xeb: fixedTime('cumulative energy at fixed time (reverse direction)', 0xeb),
  0xec: history2('historical cumulative energy 2 (normal and reverse)', 0xec),
  0xed: historySetting('day and time for historical data 2', 0xed),
  0xee: history2('historical cumulative energy 3 (1-minute, normal and reverse)', 0xee),
  0xef: historySetting('day and time for historical data 3', 0xef),
} as const;

/** Node profile, EOJ 0EF001 (§7). */
export const NODE_PROFILE_PROPERTIES = {
  ...SUPERCLASS,
  0x82: spec(
    'version information',
    (edt) => ({ version: np.decodeNodeVersion(edt) }),
    (v: { version: string }) => np.encodeNodeVersion(v.version),
  ),
  0xd3: spec(
    'number of self-node instances',
    (edt) => ({ count: np.decodeInstanceCount(edt) }),
    (v: { count: number }) => np.encodeInstanceCount(v.count),
  ),
  0xd4: spec(
    'number of self-node classes',
    (edt) => ({ count: classCount(edt) }),
    (v: { count: number }) => Buffer.from([(v.count >> 8) & 0xff, v.count & 0xff]),
  ),
  0xd5: spec(
    'instance list notification',
    (edt) => ({ instances: np.decodeInstanceList(edt, 0xd5) }),
    (v: { instances: string[] }) => np.encodeInstanceList(v.instances),
  ),
  0xd6: spec(
    'self-node instance list S',
    (edt) => ({ instances: np.decodeInstanceList(edt, 0xd6) }),
    (v: { instances: string[] }) => np.encodeInstanceList(v.instances),
  ),
  0xd7: spec(
    'self-node class list S',
    (edt) => ({ classes: np.decodeClassList(edt) }),
    (v: { classes: string[] }) => np.encodeClassList(v.classes),
  ),
} as const;

export interface DecodedProperty {
  /** 2 upper-case hex digits */
  epc: string;
  name: string;
  pdc: number;
  /** EDT as upper-case hex */
  edt: string;
  /** decoded value with its unit; null when PDC is 0 or the property is unknown */
  value: object | null;
  /** why value is null */
  note?: string;
}

/** The decoder table for an EOJ ('0EF001' → node profile; anything else → the meter table). */
export function propertyTable(eoj?: string): Readonly<Record<number, PropertyDecoder | undefined>> {
  return eoj?.toUpperCase().startsWith('0EF0') ? NODE_PROFILE_PROPERTIES : PROPERTIES;
}

/**
 * Decodes one property. PDC 0 (Get request, Get_SNA) and unknown EPCs give value null with a note.
 * An EDT that does not fit the layout throws PropertyError (BmeterError 'DECODE'), nothing else.
 */
export function decodeProperty(epc: number, edt: Uint8Array, ctx?: EnergyContext, eoj?: string): DecodedProperty {
  const entry = propertyTable(eoj)[epc];
  const base = { epc: hex2(epc), name: entry?.name ?? 'unknown', pdc: edt.length, edt: toHex(edt) };
  if (edt.length === 0) return { ...base, value: null, note: 'no data (PDC 0)' };
  if (!entry) return { ...base, value: null, note: 'no decoder for this property' };
  try {
    return { ...base, value: entry.decode(edt, ctx) };
  } catch (err) {
    if (err instanceof BmeterError) throw err;
    throw new PropertyError(epc, `cannot decode ${base.edt}: ${String(err)}`);
  }
}

/** The energy context given by E1 / D3 / D7 among `properties` (PDC > 0), over `base`. */
export function contextFromProperties(
  properties: readonly { epc: number; edt: Uint8Array }[],
  base: EnergyContext = {},
): EnergyContext {
  const ctx: EnergyContext = { ...base };
  for (const p of properties) {
    if (p.edt.length === 0) continue;
    try {
      if (p.epc === 0xe1) ctx.unitCode = dev.decodeUnitCode(p.edt);
      else if (p.epc === 0xd3) ctx.coefficient = dev.decodeCoefficient(p.edt);
      else if (p.epc === 0xd7) ctx.digits = dev.decodeDigits(p.edt);
    } catch {
      // a malformed E1/D3/D7 is reported by its own decode; it just does not set the context
    }
  }
  return ctx;
}
