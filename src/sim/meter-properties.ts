/**
 * EDTs of the simulated low-voltage smart meter (class 0x0288) and its node profile (0x0EF0),
 * built directly from docs/protocol.md §7–§8 with Buffer writes — deliberately independent of the
 * client's decoders in src/meter/.
 */
import {
  DIGITS,
  type JstParts,
  MeterValues,
  NO_DATA_U32,
  UNIT_CODE,
  jstDayStart,
  jstParts,
  lastHalfHour,
} from './meter-values.js';

const MINUTE = 60_000;
const SLOT = 30 * MINUTE;
const DAY = 24 * 60 * MINUTE;

/** Toshiba's maker code, as on the captured meters (§8 8A). */
export const MAKER_CODE = '000016' as const;

/** Settable state of the meter (E5, ED, EF). */
export interface HistoryCursor {
  /** E5: day for historical data 1 (0 = today). */
  day: number;
  /** ED: start (ms) and count of historical data 2; null until set (latest :00/:30, 12). */
  ec: { at: number; n: number } | null;
  /** EF: start (ms) and count of 1-minute historical data 3 (Rel. R); null until set. */
  ee: { at: number; n: number } | null;
}

export interface MeterConfig {
  coefficient: number | null;
  release: string;
  /** Reverse-direction properties E3, E4, EB exist (req_c). */
  reverse: boolean;
}

export type Getter = (now: number) => Buffer;
export type Setter = (edt: Buffer) => boolean;

/** One-byte EDT of `n` (low 8 bits). */
export function u8(n: number): Buffer {
  return Buffer.from([n & 0xff]);
}

/** Four-byte big-endian EDT of `n` (as unsigned 32 bits). */
export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

function dateTime(p: JstParts, withSeconds: boolean): Buffer {
  const b = Buffer.alloc(withSeconds ? 7 : 6);
  b.writeUInt16BE(p.year, 0);
  b.writeUInt8(p.month, 2);
  b.writeUInt8(p.day, 3);
  b.writeUInt8(p.hour, 4);
  b.writeUInt8(p.minute, 5);
  if (withSeconds) b.writeUInt8(p.second, 6);
  return b;
}

/** 9D/9E/9F (§7): a count then a list when count < 16, else a 16-byte bitmap. */
export function propertyMap(epcs: readonly number[]): Buffer {
  const sorted = [...new Set(epcs)].sort((a, b) => a - b);
  if (sorted.length < 16) return Buffer.from([sorted.length, ...sorted]);
  const map = Buffer.alloc(17);
  map[0] = sorted.length;
  for (const epc of sorted) {
    const i = epc & 0x0f;
    map[1 + i] = (map[1 + i] ?? 0) | (1 << ((epc >> 4) - 8));
  }
  return map;
}

/** Parses a 7-byte ED/EF value (YYYY MM DD hh mm + n); null when out of range. */
function parseCursor(edt: Buffer, maxN: number, slotAligned: boolean): { at: number; n: number } | null {
  if (edt.length !== 7) return null;
  const [y, mo, d, h, mi, n] = [edt.readUInt16BE(0), edt[2] ?? 0, edt[3] ?? 0, edt[4] ?? 0, edt[5] ?? 0, edt[6] ?? 0];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || n < 1 || n > maxN) return null;
  if (slotAligned && mi !== 0 && mi !== 30) return null;
  return { at: Date.UTC(y, mo - 1, d, h, mi) - 9 * 60 * MINUTE, n };
}

/** The meter's properties: EPC → getter (and setter where §8 allows Set). */
export function meterProperties(values: MeterValues, cursor: HistoryCursor, cfg: MeterConfig) {
  const get = new Map<number, Getter>();
  const set = new Map<number, Setter>();
  const releaseR = cfg.release >= 'R';
  const normal = (t: number) => values.normalRaw(t);
  const reverse = (t: number) => values.reverseRaw(t);

  const fixed = (raw: (t: number) => number) => (now: number) => {
    const t = lastHalfHour(now);
    return Buffer.concat([dateTime(jstParts(t), true), u32(raw(t))]);
  };
  const history1 = (raw: (t: number) => number) => (now: number) => {
    const start = jstDayStart(now) - cursor.day * DAY;
    const out: Buffer[] = [Buffer.from([0, cursor.day])];
    for (let k = 0; k < 48; k++) {
      const t = start + k * SLOT;
      out.push(u32(t > now ? NO_DATA_U32 : raw(t)));
    }
    return Buffer.concat(out);
  };
  const pairs = (start: number, n: number, step: number, now: number) => {
    const out: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const t = start - i * step; // newest first (S2, S6: 「新しい順」)
      out.push(u32(t > now ? NO_DATA_U32 : normal(t)), u32(t > now ? NO_DATA_U32 : reverse(t)));
    }
    return out;
  };
  const ecCursor = (now: number) => cursor.ec ?? { at: lastHalfHour(now), n: 12 };
  const eeCursor = (now: number) => cursor.ee ?? { at: Math.floor(now / MINUTE) * MINUTE, n: 10 };

  get.set(0x80, () => u8(0x30));
  get.set(0x81, () => u8(0x61));
  get.set(0x82, () => Buffer.from([0x00, 0x00, cfg.release.charCodeAt(0), 0x00]));
  get.set(0x88, () => u8(0x42));
  get.set(0x8a, () => Buffer.from(MAKER_CODE, 'hex'));
  get.set(0x8d, () => Buffer.from('SIM000000001', 'latin1'));
  get.set(0x97, (now) => {
    const p = jstParts(now);
    return Buffer.from([p.hour, p.minute]);
  });
  get.set(0x98, (now) => dateTime(jstParts(now), false).subarray(0, 4));
  if (releaseR) {
    get.set(0xc0, () =>
      Buffer.concat([Buffer.from([0x00]), Buffer.from(MAKER_CODE, 'hex'), Buffer.from('SIMROUTEB001', 'latin1')]),
    );
    get.set(0xd0, (now) => {
      const t = Math.floor(now / MINUTE) * MINUTE;
      return Buffer.concat([dateTime(jstParts(t), true), u32(normal(t)), u32(reverse(t))]);
    });
  }
  if (cfg.coefficient !== null) get.set(0xd3, () => u32(cfg.coefficient ?? 1));
  get.set(0xd7, () => u8(DIGITS));
  get.set(0xe0, (now) => u32(normal(now)));
  get.set(0xe1, () => u8(UNIT_CODE));
  get.set(0xe2, history1(normal));
  if (cfg.reverse) {
    get.set(0xe3, (now) => u32(reverse(now)));
    get.set(0xe4, history1(reverse));
  }
  get.set(0xe5, () => u8(cursor.day));
  get.set(0xe7, (now) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(values.powerW(now));
    return b;
  });
  get.set(0xe8, (now) => {
    const [r, t] = values.currentsDeciAmps(now);
    const b = Buffer.alloc(4);
    b.writeInt16BE(r, 0);
    b.writeInt16BE(t, 2); // NO_DATA_I16 (0x7FFE, single-phase 2-wire) is a positive int16 too
    return b;
  });
  get.set(0xea, fixed(normal));
  if (cfg.reverse) get.set(0xeb, fixed(reverse));
  get.set(0xec, (now) => {
    const c = ecCursor(now);
    return Buffer.concat([dateTime(jstParts(c.at), false), u8(c.n), ...pairs(c.at, c.n, SLOT, now)]);
  });
  get.set(0xed, (now) => {
    const c = ecCursor(now);
    return Buffer.concat([dateTime(jstParts(c.at), false), u8(c.n)]);
  });
  if (releaseR) {
    get.set(0xee, (now) => {
      const c = eeCursor(now);
      return Buffer.concat([dateTime(jstParts(c.at), false), u8(c.n), ...pairs(c.at, c.n, MINUTE, now)]);
    });
    get.set(0xef, (now) => {
      const c = eeCursor(now);
      return Buffer.concat([dateTime(jstParts(c.at), false), u8(c.n)]);
    });
  }

  set.set(0x81, (edt) => edt.length === 1);
  set.set(0xe5, (edt) => {
    const day = edt[0];
    if (edt.length !== 1 || day === undefined || (day > 99 && day !== 0xff)) return false;
    cursor.day = day === 0xff ? 0 : day;
    return true;
  });
  set.set(0xed, (edt) => {
    const c = parseCursor(edt, 12, true);
    if (c) cursor.ec = c;
    return c !== null;
  });
  if (releaseR)
    set.set(0xef, (edt) => {
      const c = parseCursor(edt, 10, false);
      if (c) cursor.ee = c;
      return c !== null;
    });

  const inf = [0x80, 0x81, 0x88, 0xea, ...(cfg.reverse ? [0xeb] : [])];
  get.set(0x9d, () => propertyMap(inf));
  get.set(0x9e, () => propertyMap([...set.keys()]));
  get.set(0x9f, () => propertyMap([...get.keys(), 0x9f]));
  return { get, set };
}

/** Node profile 0x0EF0 instance 01 (§7, the MRA's node profile): enough for discovery. */
export function nodeProfileProperties(): Map<number, Getter> {
  const get = new Map<number, Getter>();
  get.set(0x80, () => u8(0x30));
  get.set(0x82, () => Buffer.from([0x01, 0x0d, 0x01, 0x00]));
  get.set(0x83, () =>
    Buffer.concat([Buffer.from([0xfe]), Buffer.from(MAKER_CODE, 'hex'), Buffer.from('SIMNODE000001', 'latin1')]),
  );
  get.set(0x8a, () => Buffer.from(MAKER_CODE, 'hex'));
  get.set(0xd3, () => Buffer.from([0x00, 0x00, 0x01]));
  get.set(0xd4, () => Buffer.from([0x00, 0x02]));
  get.set(0xd5, () => Buffer.from('01028801', 'hex'));
  get.set(0xd6, () => Buffer.from('01028801', 'hex'));
  get.set(0xd7, () => Buffer.from('010288', 'hex'));
  get.set(0x9d, () => propertyMap([0x80, 0xd5]));
  get.set(0x9e, () => propertyMap([]));
  get.set(0x9f, () => propertyMap([...get.keys(), 0x9f]));
  return get;
}
