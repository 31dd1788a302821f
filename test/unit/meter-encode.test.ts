import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BmeterError } from '../../src/errors.js';
import { encodeHistoryDay, encodeHistorySetting } from '../../src/meter/energy.js';
import { encodeCurrents, encodePower } from '../../src/meter/instantaneous.js';
import { NODE_PROFILE_PROPERTIES, PROPERTIES, type PropertySpec } from '../../src/meter/properties.js';
import { encodePropertyMap } from '../../src/meter/property-map.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** EDTs written by hand from the docs/protocol.md §7/§8 tables (or taken from the captures named). */
const METER_EDTS: Record<number, string> = {
  0x80: '30', // cracker-80
  0x81: '61', // cracker-81
  0x82: '00004600', // cracker-82
  0x88: '42', // cracker-88
  0x8a: '000016', // futomi-8a-toshiba
  0x8d: '463234473336363530350000', // captured "F24G366505\0\0"
  0x97: '0E1A', // cracker-97
  0x98: '07EA0514', // captured 2026-05-20
  0x9d: '03808188', // cracker-9d
  0x9e: '0381E5ED', // cracker-9e
  0x9f: '1941414160404000624300414040430202', // captured bitmap of 25 EPCs
  0xc0: '00000016000102030405060708090A0B',
  0xd0: '07EA05140E1E000001AB25FFFFFFFE',
  0xd3: '00000001', // cracker-d3
  0xd7: '06', // cracker-d7
  0xe0: '0001AB25', // futomi-e0-109349
  0xe1: '02', // ak1211-bp35a1-e1-unit
  0xe2: '0000' + '001807A4'.repeat(39) + 'FFFFFFFE'.repeat(9),
  0xe3: 'FFFFFFFF',
  0xe4: '00FF' + 'FFFFFFFE'.repeat(48),
  0xe5: '00', // ak1211app-e5-day0
  0xe7: 'FFFFFDF4', // futomi-e7-neg524
  0xe8: '00627FFE',
  0xea: '07E60801141E0000012D02', // ak1211-bp35a1-ea-inf-2030
  0xeb: '07EA0518161E0000000016', // cracker-eb
  0xec: '07EA0514001E02000000640000000A00000060FFFFFFFE',
  0xed: '07EA05140E1E0C',
  0xee: '07EA05140E01010000001000000001',
  0xef: '07EA05140E1F0A',
};

const NODE_EDTS: Record<number, string> = {
  0x82: '010D0100',
  0x83: 'FE00001600000000000000000000000001',
  0xd3: '000001',
  0xd4: '0002',
  0xd5: '01028801', // rswsuha-skjoin-pana-sequence
  0xd6: '01028801',
  0xd7: '010288',
};

function roundTrip(table: Record<number, PropertySpec<never>>, edts: Record<number, string>): void {
  for (const [epcText, edtHex] of Object.entries(edts)) {
    const epc = Number(epcText);
    const spec = table[epc] as unknown as PropertySpec<object> | undefined;
    assert.ok(spec, `no table entry for ${epc.toString(16)}`);
    const bytes = hex(edtHex);
    assert.deepEqual(spec.encode(spec.decode(bytes, { unitCode: 1 })), bytes, `EPC ${epc.toString(16).toUpperCase()}`);
  }
}

describe('property encoders', () => {
  it('re-encode every meter property to the same hand-written EDT after decoding it', () => {
    roundTrip(PROPERTIES as unknown as Record<number, PropertySpec<never>>, METER_EDTS);
  });

  it('re-encode every node-profile property to the same hand-written EDT after decoding it', () => {
    roundTrip(NODE_PROFILE_PROPERTIES as unknown as Record<number, PropertySpec<never>>, NODE_EDTS);
  });

  it('write E7 sentinels for null power by reason', () => {
    assert.deepEqual(encodePower({ watts: null, reason: 'no data' }), hex('7FFFFFFE'));
    assert.deepEqual(encodePower({ watts: null, reason: 'overflow' }), hex('7FFFFFFF'));
    assert.deepEqual(encodePower({ watts: null, reason: 'underflow' }), hex('80000000'));
    assert.deepEqual(encodePower({ watts: -524 }), hex('FFFFFDF4'));
  });

  it('write E8 deci-amperes, 9.8 A as 0x0062, and 0x7FFE for a missing T phase', () => {
    assert.deepEqual(encodeCurrents({ r: 9.8, t: null }), hex('00627FFE'));
    assert.deepEqual(encodeCurrents({ r: -1, t: 3.4 }), hex('FFF60022'));
  });

  it('write a property map of 16 or more EPCs as a bitmap and fewer as a list', () => {
    const sixteen = [0x80, 0x81, 0x82, 0x88, 0x8a, 0x8d, 0x97, 0x98, 0x9d, 0x9e, 0x9f, 0xd3, 0xd7, 0xe0, 0xe1, 0xe7];
    // By hand from docs/protocol.md §7 (byte i, bit b ⇔ EPC 0x80 + 0x10·b + i): count 0x10, then
    // byte 0 = 80 (b0) + E0 (b6) = 41, byte 1 = 81 + E1 = 41, byte 2 = 82 = 01, byte 3 = D3 (b5) = 20,
    // byte 7 = 97 (b1) + D7 (b5) + E7 (b6) = 62, byte 8 = 88 + 98 = 03, byte 10 = 8A = 01,
    // byte 13 = 8D + 9D = 03, byte 14 = 9E = 02, byte 15 = 9F = 02, the rest 00.
    assert.deepEqual(encodePropertyMap(sixteen), hex('10 41 41 01 20 00 00 00 62 03 00 01 00 00 03 02 02'));
    assert.deepEqual(encodePropertyMap([0x88, 0x80, 0x81]), hex('03808188'));
  });

  it('refuse values outside their ranges with a typed error', () => {
    assert.throws(
      () => encodePower({ watts: 0x7ffffffe }),
      (err: unknown) =>
        err instanceof BmeterError &&
        err.code === 'DECODE' &&
        /cannot encode E7 power 2147483646 W: outside/.test(err.message),
    );
    assert.throws(() => encodeCurrents({ r: 0.05, t: 0 }), /multiple of 0.1 A/);
    assert.throws(() => encodeHistoryDay(100), /0–99/);
    assert.throws(
      () => encodeHistorySetting({ at: '2026-05-20T14:15:00+09:00', count: 1 }, 0xed),
      /minute must be 00 or 30/,
    );
    assert.throws(() => encodeHistorySetting({ at: '2026-05-20T14:30:00+09:00', count: 13 }, 0xed), /1–12/);
    assert.throws(() => encodeHistorySetting({ at: '2026-05-20 14:30', count: 1 }, 0xef), /YYYY-MM-DDThh:mm:ss\+09:00/);
    assert.throws(() => encodePropertyMap([0x10]), /outside 0x80–0xFF/);
  });
});
