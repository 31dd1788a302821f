/**
 * Descriptive and configuration properties (docs/protocol.md §8): superclass 80, 81, 82, 88, 8A, 8D,
 * 97, 98 and class 0x0288's C0, D3, D7, E1.
 */
import { BmeterError } from '../errors.js';
import { dateTimeFault, pad } from './date-time.js';
import { expectLength, PropertyError, toHex, u16, u32, u8 } from './edt.js';

/** 80: 0x30 ON, 0x31 OFF. */
export function decodeOperationStatus(edt: Uint8Array): boolean {
  expectLength(0x80, edt, 1, '0x30 ON / 0x31 OFF');
  return oneOf(0x80, u8(edt, 0), { 0x30: true, 0x31: false });
}

/** 80 operation status EDT: 0x30 when `on`, 0x31 otherwise (1 byte, §8). */
export function encodeOperationStatus(on: boolean): Buffer {
  return Buffer.from([on ? 0x30 : 0x31]);
}

/** 81 location codes, bits 6–3 of the 1-byte form (ECHONET Lite Appendix, superclass 0x81). */
export const LOCATION_CODES = [
  'unknown',
  'living room',
  'dining room',
  'kitchen',
  'bathroom',
  'lavatory',
  'washroom',
  'passageway',
  'room',
  'stairway',
  'front door',
  'storeroom',
  'garden/outer perimeter',
  'garage',
  'veranda/balcony',
  'others',
] as const;

export interface InstallationLocation {
  location: string;
  /** location code (bits 6–3) and number (bits 2–0), when the standard 1-byte form is used */
  code?: number;
  number?: number;
  raw: string;
}

/** 81: 1 byte (or 17 bytes: 0x01 + position information). */
export function decodeInstallationLocation(edt: Uint8Array): InstallationLocation {
  const raw = toHex(edt);
  if (edt.length === 17 && u8(edt, 0) === 0x01) return { location: 'position information', raw };
  expectLength(0x81, edt, 1, 'location byte (or 0x01 + 16 bytes of position information)');
  const b = u8(edt, 0);
  if (b === 0x00) return { location: 'not set', raw };
  if (b === 0xff) return { location: 'indeterminate', raw };
  if (b & 0x80) return { location: 'free definition', raw };
  if (b < 0x08) return { location: 'reserved', raw };
  const code = (b >> 3) & 0x0f;
  return { location: LOCATION_CODES[code] ?? 'unknown', code, number: b & 0x07, raw };
}

/**
 * 81 installation location EDT from its `raw` hex (1 byte, or 17 bytes of position information). Throws
 * BmeterError('DECODE') for any other length.
 */
export function encodeInstallationLocation(value: InstallationLocation): Buffer {
  const bytes = Buffer.from(value.raw, 'hex');
  if (bytes.length !== 1 && bytes.length !== 17) {
    throw new BmeterError('DECODE', `cannot encode 81: raw "${value.raw}" must be 1 or 17 bytes of hex`);
  }
  return bytes;
}

/** 82: 00 00 <release letter ASCII> 00 → 'F' (§8: "byte 3 is the release letter"). */
export function decodeStandardVersion(edt: Uint8Array): string {
  expectLength(0x82, edt, 4, '00 00 <release letter> 00');
  const c = u8(edt, 2);
  if (c < 0x41 || c > 0x5a) {
    throw new PropertyError(0x82, `byte 3 is 0x${c.toString(16).toUpperCase()}, not an ASCII release letter A–Z`);
  }
  return String.fromCharCode(c);
}

/**
 * 82 standard version EDT: 00 00 <release letter> 00 (4 bytes, §8). Throws BmeterError('DECODE') unless
 * `release` is one letter A–Z.
 */
export function encodeStandardVersion(release: string): Buffer {
  if (!/^[A-Z]$/.test(release)) {
    throw new BmeterError('DECODE', `cannot encode 82: release "${release}" is not one letter A–Z`);
  }
  return Buffer.from([0x00, 0x00, release.charCodeAt(0), 0x00]);
}

/** 88: 0x41 fault, 0x42 no fault → true when a fault is reported. */
export function decodeFaultStatus(edt: Uint8Array): boolean {
  expectLength(0x88, edt, 1, '0x41 fault / 0x42 no fault');
  return oneOf(0x88, u8(edt, 0), { 0x41: true, 0x42: false });
}

/** 88 fault status EDT: 0x41 when `fault`, 0x42 otherwise (1 byte, §8). */
export function encodeFaultStatus(fault: boolean): Buffer {
  return Buffer.from([fault ? 0x41 : 0x42]);
}

/** 8A: 3-byte maker code as 6 hex digits ('000016' = Toshiba). */
export function decodeMakerCode(edt: Uint8Array): string {
  expectLength(0x8a, edt, 3, 'maker code');
  return toHex(edt);
}

/** 8A maker code EDT from 6 hex digits, e.g. '000016' (3 bytes). Throws BmeterError('DECODE') on other input. */
export function encodeMakerCode(code: string): Buffer {
  return hexBytes(0x8a, code, 3);
}

/** 8D: 12 bytes ASCII, NUL-padded; trailing NULs removed. */
export function decodeProductionNumber(edt: Uint8Array): string {
  expectLength(0x8d, edt, 12, 'ASCII, NUL-padded');
  return Buffer.from(edt).toString('latin1').replace(/\0+$/, '');
}

/**
 * 8D production number EDT: up to 12 printable ASCII characters, NUL-padded to 12 bytes. Throws
 * BmeterError('DECODE') on longer or non-printable text.
 */
export function encodeProductionNumber(text: string): Buffer {
  if (!/^[\x20-\x7e]{0,12}$/.test(text)) {
    throw new BmeterError('DECODE', `cannot encode 8D: "${text}" is not up to 12 printable ASCII characters`);
  }
  const out = Buffer.alloc(12);
  out.write(text, 'latin1');
  return out;
}

/** 97: hh mm → "14:26". */
export function decodeMeterTime(edt: Uint8Array): string {
  expectLength(0x97, edt, 2, 'hour, minute');
  const hour = u8(edt, 0);
  const minute = u8(edt, 1);
  if (hour > 23 || minute > 59) throw new PropertyError(0x97, `invalid time ${hour}:${pad(minute)}`);
  return `${pad(hour)}:${pad(minute)}`;
}

/** 97 current time EDT from 'HH:MM' (2 bytes: hour, minute). Throws BmeterError('DECODE') on anything else. */
export function encodeMeterTime(hhmm: string): Buffer {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  const hour = Number(m?.[1]);
  const minute = Number(m?.[2]);
  if (!m || hour > 23 || minute > 59) throw new BmeterError('DECODE', `cannot encode 97: "${hhmm}" is not HH:MM`);
  return Buffer.from([hour, minute]);
}

/** 98: YYYY(2) MM DD → "2026-05-20". */
export function decodeMeterDate(edt: Uint8Array): string {
  expectLength(0x98, edt, 4, 'year (2), month, day');
  const year = u16(edt, 0);
  const month = u8(edt, 2);
  const day = u8(edt, 3);
  const fault = dateTimeFault({ year, month, day, hour: 0, minute: 0, second: 0 });
  if (fault !== undefined) throw new PropertyError(0x98, `invalid date ${year}-${pad(month)}-${pad(day)}: ${fault}`);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/**
 * 98 current date EDT from 'YYYY-MM-DD' (4 bytes: year u16, month, day). Throws BmeterError('DECODE') on
 * anything else.
 */
export function encodeMeterDate(date: string): Buffer {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new BmeterError('DECODE', `cannot encode 98: "${date}" is not YYYY-MM-DD`);
  const out = Buffer.alloc(4);
  out.writeUInt16BE(Number(m[1]), 0);
  out[2] = Number(m[2]);
  out[3] = Number(m[3]);
  return out;
}

export interface RouteBId {
  maker_code: string;
  /** all 16 bytes as hex */
  id: string;
}

/** C0 (Release R): 0x00 + maker code (3) + free (12). */
export function decodeRouteBId(edt: Uint8Array): RouteBId {
  expectLength(0xc0, edt, 16, '0x00 + maker code (3) + 12 bytes');
  return { maker_code: toHex(edt.subarray(1, 4)), id: toHex(edt) };
}

/**
 * C0 Route B identification number EDT from its 32 hex digits (16 bytes: 0x00, maker code, free). Throws
 * BmeterError('DECODE') on other input.
 */
export function encodeRouteBId(value: RouteBId): Buffer {
  return hexBytes(0xc0, value.id, 16);
}

/** D3 coefficient: u32 (0–999,999). Absent (Get_SNA) means 1 (§8). */
export function decodeCoefficient(edt: Uint8Array): number {
  expectLength(0xd3, edt, 4, 'unsigned 32-bit coefficient');
  return u32(edt, 0);
}

/** D3 coefficient EDT (u32 big-endian, 0–999,999; §8). Throws BmeterError('DECODE') outside that range. */
export function encodeCoefficient(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 999_999) {
    throw new BmeterError('DECODE', `cannot encode D3 coefficient ${n}: must be an integer 0–999999`);
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(n, 0);
  return out;
}

/** D7 effective digits of the energy counters: 1–8. */
export function decodeDigits(edt: Uint8Array): number {
  expectLength(0xd7, edt, 1, 'digits 1–8');
  const d = u8(edt, 0);
  if (d < 1 || d > 8) throw new PropertyError(0xd7, `effective digits ${d} outside 1–8`);
  return d;
}

/** D7 effective digits EDT (1 byte, 1–8; §8.1). Throws BmeterError('DECODE') outside that range. */
export function encodeDigits(d: number): Buffer {
  if (!Number.isInteger(d) || d < 1 || d > 8)
    throw new BmeterError('DECODE', `cannot encode D7 digits ${d}: must be 1–8`);
  return Buffer.from([d]);
}

/** E1 unit code (see units.ts for its meaning). Unknown codes are returned as they are. */
export function decodeUnitCode(edt: Uint8Array): number {
  expectLength(0xe1, edt, 1, 'unit code');
  return u8(edt, 0);
}

/**
 * E1 unit code EDT (1 byte, any code 0x00–0xFF; units.ts gives the meaning). Throws BmeterError('DECODE')
 * outside a byte.
 */
export function encodeUnitCode(code: number): Buffer {
  if (!Number.isInteger(code) || code < 0 || code > 0xff)
    throw new BmeterError('DECODE', `cannot encode E1 code ${code}`);
  return Buffer.from([code]);
}

function oneOf<T>(epc: number, byte: number, table: Record<number, T>): T {
  const v = table[byte];
  if (v === undefined) {
    const allowed = Object.keys(table)
      .map((k) => `0x${Number(k).toString(16).toUpperCase()}`)
      .join(' or ');
    throw new PropertyError(epc, `value 0x${byte.toString(16).toUpperCase().padStart(2, '0')} is not ${allowed}`);
  }
  return v;
}

function hexBytes(epc: number, hex: string, length: number): Buffer {
  if (!new RegExp(`^[0-9A-Fa-f]{${length * 2}}$`).test(hex)) {
    throw new PropertyError(epc, `cannot encode "${hex}": expected ${length * 2} hex digits`);
  }
  return Buffer.from(hex, 'hex');
}
