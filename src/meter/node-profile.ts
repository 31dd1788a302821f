/**
 * Node profile 0x0EF0 properties (docs/protocol.md §7, the MRA's node profile):
 * D5 instance list notification / D6 self-node instance list S: count (1 byte) + EOJs (3 bytes each,
 * at most 84 listed); D3 number of instances (3 bytes); D7 class list S: count + class codes (2 bytes
 * each, at most 8 listed); 82 version: major, minor, format bitmap, 0x00; 83 identification: 0xFE +
 * maker code (3) + unique (13), or 9 bytes.
 */
import { BmeterError } from '../errors.js';
import { expectLength, expectMinLength, PropertyError, toHex, u8 } from './edt.js';

export const MAX_LISTED_INSTANCES = 84;
export const MAX_LISTED_CLASSES = 8;

/** D5 / D6 → ['028801']. */
export function decodeInstanceList(edt: Uint8Array, epc = 0xd5): string[] {
  return decodeCodeList(edt, epc, 3, MAX_LISTED_INSTANCES, 'EOJ');
}

/**
 * D5/D6 instance list EDT: count then 3-byte EOJs given as 6 hex digits, at most 84 (§7). Throws
 * BmeterError('DECODE') on bad input.
 */
export function encodeInstanceList(eojs: readonly string[]): Buffer {
  return encodeCodeList(eojs, 3, MAX_LISTED_INSTANCES, 'EOJ');
}

/** D7 → ['0288']. */
export function decodeClassList(edt: Uint8Array): string[] {
  return decodeCodeList(edt, 0xd7, 2, MAX_LISTED_CLASSES, 'class code');
}

/**
 * D7 class list EDT: count then 2-byte class codes given as 4 hex digits (§7). Throws BmeterError('DECODE')
 * on bad input.
 */
export function encodeClassList(classes: readonly string[]): Buffer {
  return encodeCodeList(classes, 2, MAX_LISTED_CLASSES, 'class code');
}

/** D3: number of instances, 3 bytes. */
export function decodeInstanceCount(edt: Uint8Array): number {
  expectLength(0xd3, edt, 3, 'number of instances (3 bytes)');
  return ((edt[0] ?? 0) << 16) | ((edt[1] ?? 0) << 8) | (edt[2] ?? 0);
}

/**
 * Node profile D3 EDT: number of instances as 3 bytes big-endian. Throws BmeterError('DECODE') outside 0 …
 * 0xFFFFFF.
 */
export function encodeInstanceCount(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffff) throw new BmeterError('DECODE', `cannot encode D3 count ${n}`);
  return Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

/** 82 of the node profile: "1.13" (major.minor). */
export function decodeNodeVersion(edt: Uint8Array): string {
  expectLength(0x82, edt, 4, 'major, minor, message formats, 0x00');
  return `${u8(edt, 0)}.${u8(edt, 1)}`;
}

/**
 * Node profile 82 EDT from 'major.minor': major, minor, 0x01 (format 1 supported), 0x00 (4 bytes, §7). Throws
 * BmeterError('DECODE') on another form.
 */
export function encodeNodeVersion(version: string): Buffer {
  const m = /^(\d{1,3})\.(\d{1,3})$/.exec(version);
  if (!m || Number(m[1]) > 255 || Number(m[2]) > 255) {
    throw new BmeterError('DECODE', `cannot encode node version "${version}": expected major.minor`);
  }
  // format bitmap 0x01: specified message format (format 1) supported
  return Buffer.from([Number(m[1]), Number(m[2]), 0x01, 0x00]);
}

export interface Identification {
  maker_code: string;
  id: string;
}

/** 83: 0xFE + maker code (3) + unique (13) = 17 bytes; 9-byte forms exist too (echowand accepts 9 or 17). */
export function decodeIdentification(edt: Uint8Array): Identification {
  if (edt.length !== 9) expectLength(0x83, edt, 17, '0xFE + maker code (3) + 13 bytes (or 9 bytes)');
  return { maker_code: toHex(edt.subarray(1, 4)), id: toHex(edt) };
}

/**
 * Node profile 83 identification EDT: 'FE' + maker code + unique id as hex (17 or 9 bytes, §7). Throws
 * BmeterError('DECODE') on another form.
 */
export function encodeIdentification(value: Identification): Buffer {
  if (!/^FE(?:[0-9A-F]{16}|[0-9A-F]{32})$/i.test(value.id)) {
    throw new BmeterError('DECODE', `cannot encode 83: id "${value.id}" must be FE + 32 (or 16) hex digits`);
  }
  return Buffer.from(value.id, 'hex');
}

function decodeCodeList(edt: Uint8Array, epc: number, size: number, max: number, what: string): string[] {
  expectMinLength(epc, edt, 1, `count + ${what}s`);
  const count = u8(edt, 0);
  const listed = Math.min(count, max);
  const body = edt.length - 1;
  if (body !== listed * size) {
    throw new PropertyError(
      epc,
      `count ${count} lists ${listed} ${what}(s) of ${size} bytes (${1 + listed * size} bytes) but got ${edt.length}`,
    );
  }
  const out: string[] = [];
  for (let i = 0; i < listed; i++) out.push(toHex(edt.subarray(1 + i * size, 1 + (i + 1) * size)));
  return out;
}

function encodeCodeList(codes: readonly string[], size: number, max: number, what: string): Buffer {
  if (codes.length > max) throw new BmeterError('DECODE', `cannot encode more than ${max} ${what}s`);
  const re = new RegExp(`^[0-9A-Fa-f]{${size * 2}}$`);
  for (const c of codes) {
    if (!re.test(c)) throw new BmeterError('DECODE', `cannot encode ${what} "${c}": expected ${size * 2} hex digits`);
  }
  return Buffer.concat([Buffer.from([codes.length]), ...codes.map((c) => Buffer.from(c, 'hex'))]);
}
