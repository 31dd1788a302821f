/**
 * Exact decimal kWh for the 0x0288 energy counters (docs/protocol.md §8.1):
 *   kWh = raw × coefficient (D3, 1 when absent) × unit (E1)
 * computed with BigInt and a power-of-ten exponent, never binary floats, so 13140 × 0.1 is 1314
 * and 76999 × 0.01 is 769.99 (not 769.9900000001).
 */
import { BmeterError } from '../errors.js';

/** E1 code → power-of-ten exponent of kWh (§8 table: 0x00–0x04, 0x0A–0x0D). */
export const UNIT_EXPONENTS = {
  0x00: 0,
  0x01: -1,
  0x02: -2,
  0x03: -3,
  0x04: -4,
  0x0a: 1,
  0x0b: 2,
  0x0c: 3,
  0x0d: 4,
} as const satisfies Record<number, number>;

/** D3 range 0–999,999 (§8 table). */
export const MAX_COEFFICIENT = 999_999;

export interface EnergyContext {
  /** D3; 1 when the meter does not implement it (Get_SNA, §11 quirk 13). */
  coefficient?: number;
  /** E1 code. Without it no kWh can be computed. */
  unitCode?: number;
  /** D7 effective digits, for wrapDelta. */
  digits?: number;
}

export interface ScaledEnergy {
  kwh: number | null;
  reason?: string;
}

/** The exponent of the E1 code, or undefined for an unknown code. */
export function unitExponent(code: number): number | undefined {
  return (UNIT_EXPONENTS as Record<number, number | undefined>)[code];
}

/** kWh per raw count for an E1 code (0x02 → 0.01), or null for an unknown code. */
export function unitMultiplier(code: number): number | null {
  const exp = unitExponent(code);
  return exp === undefined ? null : Number(decimalString(1n, exp));
}

/** Exact kWh as a JS number (String() of it is the exact decimal), or null when not computable. */
export function energyKwh(raw: number, coefficient: number, unitCode: number): number | null {
  const s = formatKwh(raw, coefficient, unitCode);
  return s === null ? null : Number(s);
}

/** Exact kWh as a decimal string without float artefacts ("769.99", "1314"), or null. */
export function formatKwh(raw: number, coefficient: number, unitCode: number): string | null {
  const exp = unitExponent(unitCode);
  if (exp === undefined || !isCount(raw) || !isCoefficient(coefficient)) return null;
  return decimalString(BigInt(raw) * BigInt(coefficient), exp);
}

/** kWh for a raw counter value under a context, with the reason when it cannot be given. */
export function scaleEnergy(raw: number | null, ctx: EnergyContext | undefined): ScaledEnergy {
  if (raw === null) return { kwh: null, reason: 'no value' };
  const unitCode = ctx?.unitCode;
  if (unitCode === undefined) return { kwh: null, reason: 'unit unknown (E1 not read)' };
  if (unitExponent(unitCode) === undefined) {
    return { kwh: null, reason: `unknown unit code 0x${hex2(unitCode)} (E1)` };
  }
  const coefficient = ctx?.coefficient ?? 1;
  if (!isCoefficient(coefficient)) {
    return { kwh: null, reason: `coefficient ${coefficient} is not an integer 0–${MAX_COEFFICIENT}` };
  }
  return { kwh: energyKwh(raw, coefficient, unitCode) };
}

/**
 * Consumption between two raw counter readings, in raw units: the counter wraps to 0 after
 * 10^digits − 1 (D7, §8.1), so the difference is taken modulo 10^digits before any scaling.
 */
export function wrapDelta(now: number, prev: number, digits: number): number {
  if (!Number.isInteger(digits) || digits < 1 || digits > 8) {
    throw new BmeterError('DECODE', `effective digits (D7) must be an integer 1–8, got ${digits}`);
  }
  if (!isCount(now) || !isCount(prev)) {
    throw new BmeterError('DECODE', `energy counters must be non-negative integers, got now=${now} prev=${prev}`);
  }
  const modulus = 10 ** digits;
  return (((now - prev) % modulus) + modulus) % modulus;
}

/** value × 10^exp written as an exact decimal, trailing zeros of the fraction removed. */
export function decimalString(value: bigint, exp: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  let out: string;
  if (exp >= 0) {
    out = value === 0n ? '0' : digits + '0'.repeat(exp);
  } else {
    const places = -exp;
    const padded = digits.padStart(places + 1, '0');
    const intPart = padded.slice(0, padded.length - places);
    const frac = padded.slice(padded.length - places).replace(/0+$/, '');
    out = frac === '' ? intPart : `${intPart}.${frac}`;
  }
  return negative && out !== '0' ? `-${out}` : out;
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function isCoefficient(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_COEFFICIENT;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, '0');
}
