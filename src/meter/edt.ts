/**
 * Shared helpers for the property decoders: a typed error for an EDT that does not fit its
 * property's layout, length checks, big-endian readers, and the ECHONET sentinel codes
 * (docs/protocol.md §8, overflow/underflow table).
 */
import { BmeterError } from '../errors.js';

/** An EDT whose length or content does not fit the property's layout (docs/protocol.md §8). */
export class PropertyError extends BmeterError {
  readonly epc: number;

  constructor(epc: number, message: string) {
    super('DECODE', `EPC ${hex2(epc)}: ${message}`);
    this.epc = epc;
  }
}

/**
 * Throws PropertyError for EPC `epc` unless the EDT is exactly `length` bytes; `layout` names the expected
 * layout in the message.
 */
export function expectLength(epc: number, edt: Uint8Array, length: number, layout: string): void {
  if (edt.length !== length) {
    throw new PropertyError(epc, `expected ${length} bytes (${layout}) but got ${edt.length}`);
  }
}

/**
 * Throws PropertyError for EPC `epc` when the EDT is shorter than `length` bytes; `layout` names the expected
 * layout.
 */
export function expectMinLength(epc: number, edt: Uint8Array, length: number, layout: string): void {
  if (edt.length < length) {
    throw new PropertyError(epc, `expected at least ${length} bytes (${layout}) but got ${edt.length}`);
  }
}

/** Unsigned byte at `at` (0 past the end: callers check the length first). */
export function u8(edt: Uint8Array, at: number): number {
  return edt[at] ?? 0;
}

/** Unsigned big-endian 16-bit value at `at`. */
export function u16(edt: Uint8Array, at: number): number {
  return ((edt[at] ?? 0) << 8) | (edt[at + 1] ?? 0);
}

/** Unsigned big-endian 32-bit value at `at` (0 … 0xFFFFFFFF, never negative). */
export function u32(edt: Uint8Array, at: number): number {
  return (((edt[at] ?? 0) << 24) >>> 0) + (((edt[at + 1] ?? 0) << 16) | ((edt[at + 2] ?? 0) << 8) | (edt[at + 3] ?? 0));
}

/** Signed (two's complement) big-endian 16-bit value at `at`, as E8 uses (§8). */
export function s16(edt: Uint8Array, at: number): number {
  const v = u16(edt, at);
  return v >= 0x8000 ? v - 0x10000 : v;
}

/** Signed (two's complement) big-endian 32-bit value at `at`, as E7 uses (§8). */
export function s32(edt: Uint8Array, at: number): number {
  return u32(edt, at) | 0;
}

/** Sentinels of an unsigned 32-bit energy counter (§8: E0, E3, E2/E4 items, EA/EB, EC, D0, EE). */
export const ENERGY_NO_DATA = 0xfffffffe;
export const ENERGY_INVALID = 0xffffffff;

export interface RawEnergy {
  raw: number | null;
  reason?: string;
}

/** u32 energy counter at `at`: 0xFFFFFFFE = no data (未計測), 0xFFFFFFFF = invalid → null. */
export function energyAt(edt: Uint8Array, at: number): RawEnergy {
  const v = u32(edt, at);
  if (v === ENERGY_NO_DATA) return { raw: null, reason: 'no data' };
  if (v === ENERGY_INVALID) return { raw: null, reason: 'invalid (0xFFFFFFFF)' };
  return { raw: v };
}

/** Writes a raw counter, or its sentinel when null (reason 'invalid…' → 0xFFFFFFFF, else no data). */
export function writeEnergy(out: Buffer, at: number, raw: number | null, reason?: string): void {
  if (raw === null) {
    out.writeUInt32BE(reason?.startsWith('invalid') ? ENERGY_INVALID : ENERGY_NO_DATA, at);
    return;
  }
  if (!Number.isInteger(raw) || raw < 0 || raw >= ENERGY_NO_DATA) {
    throw new BmeterError('DECODE', `cannot encode energy counter ${raw}: not a u32 below 0xFFFFFFFE`);
  }
  out.writeUInt32BE(raw, at);
}

/** The low byte of `n` as two upper-case hex digits: hex2(0xe7) → 'E7'. */
export function hex2(n: number): string {
  return (n & 0xff).toString(16).toUpperCase().padStart(2, '0');
}

/** An EDT as upper-case hex text without separators: [0x04, 0xa8] → '04A8'. */
export function toHex(edt: Uint8Array): string {
  return Buffer.from(edt).toString('hex').toUpperCase();
}
