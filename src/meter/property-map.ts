/**
 * Property maps 9D (status change), 9E (Set), 9F (Get) — docs/protocol.md §7:
 * 1st byte = count; count < 16 → the EPCs follow as a list; otherwise 16 bytes of bitmap where
 * byte i (0–15), bit b (0–7) ⇒ EPC 0x80 + 0x10·b + i. (One published decoder switches at > 10: wrong, §7.)
 */
import { BmeterError } from '../errors.js';
import { expectLength, expectMinLength, u8 } from './edt.js';

export const PROPERTY_MAP_LIST_LIMIT = 16;

/** The EPCs of the map, ascending. */
export function decodePropertyMap(edt: Uint8Array, epc = 0x9f): number[] {
  expectMinLength(epc, edt, 1, 'count + EPC list or bitmap');
  const count = u8(edt, 0);
  if (count < PROPERTY_MAP_LIST_LIMIT) {
    expectLength(epc, edt, 1 + count, `count ${count} + ${count} EPC(s) (list form, count < 16)`);
    return Array.from(edt.subarray(1)).sort((a, b) => a - b);
  }
  expectLength(epc, edt, 17, `count ${count} + 16-byte bitmap (count ≥ 16)`);
  const epcs: number[] = [];
  for (let b = 0; b < 8; b++) {
    for (let i = 0; i < 16; i++) {
      if ((u8(edt, 1 + i) >> b) & 1) epcs.push(0x80 + 0x10 * b + i);
    }
  }
  // A count that disagrees with the bitmap is tolerated: the bitmap is what the meter supports.
  return epcs;
}

/**
 * 9D/9E/9F property map EDT: count then the EPC list below 16 properties, else count + 16-byte bitmap (§7).
 * Throws BmeterError('DECODE') for an EPC outside 0x80–0xFF.
 */
export function encodePropertyMap(epcs: readonly number[]): Buffer {
  const unique = [...new Set(epcs)].sort((a, b) => a - b);
  for (const e of unique) {
    if (!Number.isInteger(e) || e < 0x80 || e > 0xff) {
      throw new BmeterError('DECODE', `cannot encode property map: EPC ${e} is outside 0x80–0xFF`);
    }
  }
  if (unique.length < PROPERTY_MAP_LIST_LIMIT) return Buffer.from([unique.length, ...unique]);
  const out = Buffer.alloc(17);
  out[0] = unique.length;
  for (const e of unique) {
    const i = e & 0x0f;
    const b = (e - 0x80) >> 4;
    out[1 + i] = (out[1 + i] ?? 0) | (1 << b);
  }
  return out;
}
