import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame } from '../../src/echonet/frame.js';
import { BmeterError } from '../../src/errors.js';
import { PropertyError } from '../../src/meter/edt.js';
import { decodeCurrents, decodePower } from '../../src/meter/instantaneous.js';
import { decodeEnergyRaw, decodeFixedTimeEnergy } from '../../src/meter/energy.js';
import {
  decodeCoefficient,
  decodeDigits,
  decodeMeterDate,
  decodeMeterTime,
  decodeUnitCode,
} from '../../src/meter/device-info.js';
import { decodePropertyMap } from '../../src/meter/property-map.js';
import {
  contextFromProperties,
  decodeProperty,
  NODE_PROFILE_PROPERTIES,
  PROPERTIES,
} from '../../src/meter/properties.js';
import { captureFrame } from '../fixtures/captures.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const value = (epc: number, edtHex: string, ctx = {}, eoj?: string) => decodeProperty(epc, hex(edtHex), ctx, eoj).value;
/** The first property's EDT of a capture's frame. */
const captureEdt = (id: string, index = 0) => {
  const p = decodeFrame(captureFrame(id)).properties[index];
  assert.ok(p, `${id} has no property ${index}`);
  return p.edt;
};

function throwsPropertyError(fn: () => unknown, message: RegExp): void {
  assert.throws(
    fn,
    (err: unknown) =>
      err instanceof PropertyError && err instanceof BmeterError && err.code === 'DECODE' && message.test(err.message),
  );
}

describe('E7 instantaneous power (signed 32-bit W)', () => {
  it('decodes 1192 W (capture ak1211-bp35a1-e7-1192w)', () => {
    assert.deepEqual(decodePower(captureEdt('ak1211-bp35a1-e7-1192w')), { watts: 1192 });
  });

  it('decodes reverse flow as negative watts: −524 W (capture futomi-e7-neg524)', () => {
    assert.deepEqual(decodePower(captureEdt('futomi-e7-neg524')), { watts: -524 });
  });

  it('gives null with a reason for no data 0x7FFFFFFE, overflow 0x7FFFFFFF and underflow 0x80000000', () => {
    assert.deepEqual(decodePower(hex('7FFFFFFE')), { watts: null, reason: 'no data' });
    assert.deepEqual(decodePower(hex('7FFFFFFF')), { watts: null, reason: 'overflow' });
    assert.deepEqual(decodePower(hex('80000000')), { watts: null, reason: 'underflow' });
  });

  it('decodes the extremes next to the sentinels as numbers', () => {
    assert.deepEqual(decodePower(hex('7FFFFFFD')), { watts: 2147483645 });
    assert.deepEqual(decodePower(hex('80000001')), { watts: -2147483647 });
  });

  it('carries its unit in the table value', () => {
    assert.deepEqual(value(0xe7, 'FFFFFDF4'), { watts: -524, unit: 'W' });
    assert.deepEqual(value(0xe7, '7FFFFFFE'), { watts: null, unit: 'W', reason: 'no data' });
  });

  it('rejects an EDT that is not 4 bytes', () => {
    throwsPropertyError(() => decodePower(hex('0004A8')), /EPC E7: expected 4 bytes .* but got 3/);
  });
});

describe('E8 instantaneous currents (2 × signed 16-bit, 0.1 A, R then T)', () => {
  it('decodes 0x0062 as 9.8 A, not 9.0 (capture ak1211-bp35a1-e8-98-34)', () => {
    assert.deepEqual(decodeCurrents(captureEdt('ak1211-bp35a1-e8-98-34')), { r: 9.8, t: 3.4 });
  });

  it('decodes R 1.5 A and T 1.7 A (capture ak1211app-e8-1.5-1.7)', () => {
    assert.deepEqual(decodeCurrents(captureEdt('ak1211app-e8-1.5-1.7')), { r: 1.5, t: 1.7 });
  });

  it('decodes negative currents (reverse flow): 0xFFF6 is −1.0 A', () => {
    assert.deepEqual(decodeCurrents(hex('FFF6 FF9C')), { r: -1, t: -10 });
  });

  it('gives a null T phase for 0x7FFE (single-phase 2-wire meter / no data)', () => {
    assert.deepEqual(decodeCurrents(hex('0062 7FFE')), {
      r: 9.8,
      t: null,
      tReason: 'no data (or T phase of a single-phase 2-wire meter)',
    });
  });

  it('gives null with a reason for overflow 0x7FFF and underflow 0x8000', () => {
    assert.deepEqual(decodeCurrents(hex('7FFF 8000')), { r: null, t: null, rReason: 'overflow', tReason: 'underflow' });
    assert.deepEqual(decodeCurrents(hex('7FFE 0001')), { r: null, t: 0.1, rReason: 'no data' });
  });

  it('carries amperes in the table value', () => {
    assert.deepEqual(value(0xe8, '00280028'), { r_a: 4, t_a: 4, unit: 'A' });
  });

  it('rejects an EDT that is not 4 bytes', () => {
    throwsPropertyError(() => decodeCurrents(hex('0062')), /EPC E8: expected 4 bytes/);
  });
});

describe('E0 / E3 cumulative energy (u32)', () => {
  it('decodes E0 109349 as 10934.9 kWh with unit 0.1 (capture futomi-e0-109349)', () => {
    assert.equal(decodeEnergyRaw(captureEdt('futomi-e0-109349')), 109349);
    assert.deepEqual(value(0xe0, '0001AB25', { unitCode: 0x01 }), { raw: 109349, kwh: 10934.9, unit: 'kWh' });
  });

  it('decodes E0 1575631 as 15756.31 kWh with unit 0.01 and coefficient 1 (capture ak1211app-e0)', () => {
    assert.deepEqual(value(0xe0, '00180ACF', { unitCode: 0x02, coefficient: 1 }), {
      raw: 1575631,
      kwh: 15756.31,
      unit: 'kWh',
    });
  });

  it('gives kWh null with a reason when the unit is unknown, keeping the raw counter', () => {
    assert.deepEqual(value(0xe3, '0000000B'), {
      raw: 11,
      kwh: null,
      unit: 'kWh',
      reason: 'unit unknown (E1 not read)',
    });
  });

  it('gives null for 0xFFFFFFFE (no data) and 0xFFFFFFFF (invalid)', () => {
    assert.equal(decodeEnergyRaw(hex('FFFFFFFE')), null);
    assert.equal(decodeEnergyRaw(hex('FFFFFFFF')), null);
    assert.deepEqual(value(0xe0, 'FFFFFFFE', { unitCode: 1 }), {
      raw: null,
      kwh: null,
      unit: 'kWh',
      reason: 'no data',
    });
    assert.deepEqual(value(0xe3, 'FFFFFFFF', { unitCode: 1 }), {
      raw: null,
      kwh: null,
      unit: 'kWh',
      reason: 'invalid (0xFFFFFFFF)',
    });
  });
});

describe('E1 unit, D3 coefficient, D7 digits', () => {
  it('decodes E1 0x02 as 0.01 kWh per count (capture ak1211-bp35a1-e1-unit)', () => {
    assert.equal(decodeUnitCode(captureEdt('ak1211-bp35a1-e1-unit')), 0x02);
    assert.deepEqual(value(0xe1, '02'), { code: '02', kwh_per_unit: 0.01, unit: 'kWh' });
  });

  it('decodes E1 0x0A as 10 kWh and an unknown code as null with a reason', () => {
    assert.deepEqual(value(0xe1, '0A'), { code: '0A', kwh_per_unit: 10, unit: 'kWh' });
    assert.deepEqual(value(0xe1, '05'), {
      code: '05',
      kwh_per_unit: null,
      unit: 'kWh',
      reason: 'unknown unit code 0x05',
    });
  });

  it('decodes D3 coefficient 1 (capture cracker-d3)', () => {
    assert.equal(decodeCoefficient(captureEdt('cracker-d3')), 1);
  });

  it('decodes D7 digits 7 and 6 (captures ak1211-bp35a1-d7-digits, cracker-d7)', () => {
    assert.equal(decodeDigits(captureEdt('ak1211-bp35a1-d7-digits')), 7);
    assert.equal(decodeDigits(captureEdt('cracker-d7')), 6);
  });

  it('rejects D7 digits outside 1–8', () => {
    throwsPropertyError(() => decodeDigits(hex('09')), /EPC D7: effective digits 9 outside 1–8/);
    throwsPropertyError(() => decodeDigits(hex('00')), /outside 1–8/);
  });

  it('takes E1/D3/D7 of a frame as the energy context, over the given one', () => {
    const props = [
      { epc: 0xe1, edt: hex('01') },
      { epc: 0xd3, edt: hex('0000000A') },
      { epc: 0xd7, edt: hex('06') },
    ];
    assert.deepEqual(contextFromProperties(props, { unitCode: 2, coefficient: 1 }), {
      unitCode: 1,
      coefficient: 10,
      digits: 6,
    });
    assert.deepEqual(contextFromProperties([{ epc: 0xd3, edt: Buffer.alloc(0) }], { unitCode: 2 }), { unitCode: 2 });
  });
});

describe('EA / EB cumulative energy at fixed time', () => {
  it('decodes the 20:30 INF EA: 77058 raw, 770.58 kWh at 0.01 (capture ak1211-bp35a1-ea-inf-2030)', () => {
    assert.deepEqual(decodeFixedTimeEnergy(captureEdt('ak1211-bp35a1-ea-inf-2030')), {
      at: '2022-08-01T20:30:00+09:00',
      raw: 77058,
    });
    assert.deepEqual(value(0xea, '07E60801141E0000012D02', { unitCode: 0x02 }), {
      at: '2022-08-01T20:30:00+09:00',
      raw: 77058,
      kwh: 770.58,
      unit: 'kWh',
    });
  });

  it('decodes EB 22 raw at 2026-05-24 22:30 (capture cracker-eb)', () => {
    assert.deepEqual(decodeFixedTimeEnergy(captureEdt('cracker-eb'), 0xeb), {
      at: '2026-05-24T22:30:00+09:00',
      raw: 22,
    });
  });

  it('decodes EA and EB of one INF frame (capture yakumo-inf-ea-eb)', () => {
    assert.deepEqual(decodeFixedTimeEnergy(captureEdt('yakumo-inf-ea-eb', 0)), {
      at: '2022-06-21T15:30:00+09:00',
      raw: 93351,
    });
    assert.deepEqual(decodeFixedTimeEnergy(captureEdt('yakumo-inf-ea-eb', 1), 0xeb), {
      at: '2022-06-21T15:30:00+09:00',
      raw: 5,
    });
  });

  it('gives raw null with a reason for a no-data counter, keeping the time', () => {
    assert.deepEqual(decodeFixedTimeEnergy(hex('07EA0514 000000 FFFFFFFE')), {
      at: '2026-05-20T00:00:00+09:00',
      raw: null,
      reason: 'no data',
    });
  });

  it('rejects an impossible date-time (month 13) or a wrong length', () => {
    throwsPropertyError(
      () => decodeFixedTimeEnergy(hex('07EA0D01 000000 00000001')),
      /EPC EA: invalid date-time 2026-13-01 .*month out of range/,
    );
    throwsPropertyError(() => decodeFixedTimeEnergy(hex('07EA0229 000000 00000001')), /day out of range/);
    throwsPropertyError(() => decodeFixedTimeEnergy(hex('07EA05')), /expected 11 bytes/);
  });
});

describe('D0 1-minute cumulative energy (Release R)', () => {
  it('decodes date-time + normal + reverse, scaled', () => {
    assert.deepEqual(value(0xd0, '07EA 05 14 0E 1E 00  0001AB25  FFFFFFFE', { unitCode: 0x01 }), {
      at: '2026-05-20T14:30:00+09:00',
      normal_raw: 109349,
      normal_kwh: 10934.9,
      reverse_raw: null,
      reverse_kwh: null,
      unit: 'kWh',
    });
  });

  it('rejects the 1-byte D0 of releases A–E (power classification)', () => {
    throwsPropertyError(() => decodeProperty(0xd0, hex('01')), /EPC D0: expected 15 bytes \(Release R layout/);
  });
});

describe('superclass properties', () => {
  it('80: 0x30 is ON (capture cracker-80), 0x31 OFF, anything else an error', () => {
    assert.deepEqual(value(0x80, '30'), { on: true });
    assert.deepEqual(value(0x80, '31'), { on: false });
    throwsPropertyError(() => value(0x80, '32'), /EPC 80: value 0x32 is not 0x30 or 0x31/);
  });

  it('81: 0x61 is garden/outer perimeter, number 1 (capture cracker-81)', () => {
    assert.deepEqual(value(0x81, '61'), { location: 'garden/outer perimeter', code: 12, number: 1, raw: '61' });
    assert.deepEqual(value(0x81, '00'), { location: 'not set', raw: '00' });
    assert.deepEqual(value(0x81, 'FF'), { location: 'indeterminate', raw: 'FF' });
  });

  it('82: byte 3 is the release letter, 00004600 = F (capture cracker-82)', () => {
    assert.deepEqual(value(0x82, '00004600'), { release: 'F' });
    assert.deepEqual(value(0x82, '00005200'), { release: 'R' });
    throwsPropertyError(() => value(0x82, '00000100'), /not an ASCII release letter/);
  });

  it('88: 0x42 is no fault (capture cracker-88), 0x41 a fault', () => {
    assert.deepEqual(value(0x88, '42'), { fault: false });
    assert.deepEqual(value(0x88, '41'), { fault: true });
  });

  it('8A: maker code 000016 (capture futomi-8a-toshiba)', () => {
    assert.deepEqual(value(0x8a, captureEdt('futomi-8a-toshiba').toString('hex')), { maker_code: '000016' });
  });

  it('8D: ASCII production number with the NUL padding trimmed (captured F24G366505\\0\\0)', () => {
    assert.deepEqual(value(0x8d, '463234473336363530350000'), { production_number: 'F24G366505' });
  });

  it('97: 0E 1A is 14:26 (capture cracker-97); 24:00 is an error', () => {
    assert.equal(decodeMeterTime(captureEdt('cracker-97')), '14:26');
    throwsPropertyError(() => decodeMeterTime(hex('1800')), /invalid time/);
  });

  it('98: 07EA 05 14 is 2026-05-20 (captured)', () => {
    assert.equal(decodeMeterDate(hex('07EA0514')), '2026-05-20');
    throwsPropertyError(() => decodeMeterDate(hex('07EA0014')), /invalid date/);
  });

  it('9D / 9E list form: 03 80 81 88 and 03 81 E5 ED (captures cracker-9d, cracker-9e)', () => {
    assert.deepEqual(value(0x9d, captureEdt('cracker-9d').toString('hex')), { epcs: ['80', '81', '88'] });
    assert.deepEqual(value(0x9e, captureEdt('cracker-9e').toString('hex')), { epcs: ['81', 'E5', 'ED'] });
  });

  it('9F bitmap form for 25 EPCs (captured, docs/protocol.md §7)', () => {
    const epcs = decodePropertyMap(hex('19 41 41 41 60 40 40 00 62 43 00 41 40 40 43 02 02'));
    assert.deepEqual(
      epcs.map((e) => e.toString(16).toUpperCase()),
      [
        '80',
        '81',
        '82',
        '88',
        '8A',
        '8D',
        '97',
        '98',
        '9D',
        '9E',
        '9F',
        'D3',
        'D7',
        'E0',
        'E1',
        'E2',
        'E3',
        'E4',
        'E5',
        'E7',
        'E8',
        'EA',
        'EB',
        'EC',
        'ED',
      ],
    );
  });

  it('uses the list form up to 15 EPCs: a count of 11 is still a list (one published decoder switched at > 10, wrongly)', () => {
    const list = '0B 80 81 82 88 8A 8D 97 98 9D 9E 9F';
    assert.equal(decodePropertyMap(hex(list)).length, 11);
  });

  it('rejects a list whose length does not match its count', () => {
    throwsPropertyError(() => decodePropertyMap(hex('03 80 81'), 0x9d), /EPC 9D: expected 4 bytes/);
  });

  it('C0: 0x00 + maker code + 12 bytes', () => {
    assert.deepEqual(value(0xc0, '00 000016 0102030405060708090A0B0C'), {
      maker_code: '000016',
      id: '000000160102030405060708090A0B0C',
    });
  });
});

describe('E5 / ED / EF history settings', () => {
  it('E5 day 0 (capture ak1211app-e5-day0)', () => {
    assert.deepEqual(value(0xe5, captureEdt('ak1211app-e5-day0').toString('hex')), { day: 0 });
  });

  it('ED: 2026-05-20 14:30, 12 items', () => {
    assert.deepEqual(value(0xed, '07EA 05 14 0E 1E 0C'), { at: '2026-05-20T14:30:00+09:00', count: 12 });
  });

  it('EF: 2026-05-20 14:31, 10 items', () => {
    assert.deepEqual(value(0xef, '07EA 05 14 0E 1F 0A'), { at: '2026-05-20T14:31:00+09:00', count: 10 });
  });
});

describe('node profile D5 / D6 instance lists', () => {
  it('decodes D5 = 01 028801 (capture rswsuha-skjoin-pana-sequence)', () => {
    const frame = decodeFrame(captureFrame('rswsuha-skjoin-pana-sequence'));
    const p = frame.properties[0];
    assert.ok(p);
    assert.deepEqual(decodeProperty(p.epc, p.edt, {}, frame.seoj).value, { instances: ['028801'] });
  });

  it('decodes D6 with two instances and rejects a count that disagrees with the length', () => {
    assert.deepEqual(value(0xd6, '02 028801 05FF01', {}, '0EF001'), { instances: ['028801', '05FF01'] });
    throwsPropertyError(() => value(0xd5, '02 028801', {}, '0EF001'), /EPC D5: count 2 lists 2 EOJ/);
  });

  it('decodes D3 of the node profile as the 3-byte instance count, not the meter coefficient', () => {
    assert.deepEqual(value(0xd3, '000001', {}, '0EF001'), { count: 1 });
  });
});

describe('decodeProperty', () => {
  it('gives value null with a note for PDC 0 (Get request or Get_SNA)', () => {
    assert.deepEqual(decodeProperty(0xd3, Buffer.alloc(0)), {
      epc: 'D3',
      name: 'coefficient',
      pdc: 0,
      edt: '',
      value: null,
      note: 'no data (PDC 0)',
    });
  });

  it('gives value null with a note for a property it has no decoder for', () => {
    const d = decodeProperty(0x9c, hex('00'));
    assert.equal(d.name, 'unknown');
    assert.equal(d.value, null);
    assert.equal(d.note, 'no decoder for this property');
  });

  it('covers every property the issue lists', () => {
    const meter = [
      0x80, 0x81, 0x82, 0x88, 0x8a, 0x8d, 0x97, 0x98, 0x9d, 0x9e, 0x9f, 0xc0, 0xd0, 0xd3, 0xd7, 0xe0, 0xe1, 0xe2, 0xe3,
      0xe4, 0xe5, 0xe7, 0xe8, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef,
    ];
    for (const epc of meter) assert.ok((PROPERTIES as Record<number, unknown>)[epc], `meter EPC ${epc.toString(16)}`);
    for (const epc of [0xd5, 0xd6]) assert.ok((NODE_PROFILE_PROPERTIES as Record<number, unknown>)[epc]);
  });
});
