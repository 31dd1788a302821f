/**
 * Single-stack vs dual-stack SKSTACK (docs/protocol.md §2), and refusing J11-protocol sticks.
 */
import type { EinfoLine } from './lines.js';

export type Dialect = 'single' | 'dual';
export type DialectSource = 'option' | 'einfo' | 'version' | 'fallback' | 'default';

/**
 * §2 heuristics: EINFO's 5th field is ADDR16 `FFFE` on single-stack and the side `0`/`1` on
 * dual-stack (nbtk/momonga `detect_device`); else EVER 1.5.x = dual-stack edition, 1.2.x = single.
 */
export function detectDialect(
  einfo: EinfoLine | undefined,
  version: string | undefined,
): { dialect: Dialect; source: DialectSource } | undefined {
  const field5 = einfo?.field5.toUpperCase();
  if (field5 !== undefined && /^[0-9A-F]{4}$/.test(field5)) return { dialect: 'single', source: 'einfo' };
  if (field5 === '0' || field5 === '1') return { dialect: 'dual', source: 'einfo' };
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  if (m) {
    const minor = Number(m[2]);
    if (m[1] === '1' && minor >= 5) return { dialect: 'dual', source: 'version' };
    if (m[1] === '1' && minor <= 2) return { dialect: 'single', source: 'version' };
  }
  return undefined;
}

/** ROHM J11 UART frames start with a 4-byte unique code (§2; ak1211 `J11Stack.purs`). */
const J11_CODES = [Buffer.from([0xd0, 0xea, 0x83, 0xfc]), Buffer.from([0xd0, 0xf9, 0xee, 0x5d])] as const;

export const J11_MESSAGE =
  'this looks like a ROHM J11 stick (BP35C0-J11 / BP35C2-J11-T01 / RS-WSUHA-J11), which does not speak SKSTACK IP';

/** Watches the raw byte stream for a J11 unique code, across chunk boundaries. */
export class J11Detector {
  private tail: Buffer = Buffer.alloc(0);
  seen = false;

  push(chunk: Uint8Array): boolean {
    if (this.seen) return true;
    const window = Buffer.concat([this.tail, chunk]);
    this.seen = J11_CODES.some((code) => window.includes(code));
    this.tail = Buffer.from(window.subarray(Math.max(0, window.length - 3)));
    return this.seen;
  }
}
