import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame } from '../../src/echonet/frame.js';
import { PropertyError } from '../../src/meter/edt.js';
import {
  decodeHistory1,
  decodeHistory2,
  decodeHistory3,
  encodeHistory1,
  encodeHistory2,
  history1SlotTime,
} from '../../src/meter/history.js';
import { decodeProperty } from '../../src/meter/properties.js';
import { capture, captureFrame } from '../fixtures/captures.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('E2 / E4 historical cumulative energy 1 (day + 48 half-hours, oldest first)', () => {
  const id = 'ak1211app-e2-day0-with-nodata';
  const edt = () => decodeFrame(captureFrame(id)).properties[0]?.edt ?? Buffer.alloc(0);
  const expected = capture(id).expected as {
    day: number;
    values_raw: number[];
    no_data_slots: number[];
    kWh_first: number;
  };

  it(`decodes day 0 and all 48 slots of capture ${id}, future slots as null`, () => {
    const h = decodeHistory1(edt());
    assert.equal(h.day, expected.day);
    assert.equal(h.raw.length, 48);
    expected.values_raw.forEach((v, k) => {
      assert.equal(h.raw[k], expected.no_data_slots.includes(k) ? null : v, `slot ${k}`);
    });
    assert.equal(h.raw[38], 1575621);
    assert.equal(h.raw[39], null);
  });

  it(`times slot 0 at 00:00 and slot 47 at 23:30, and scales the first slot to 15748.2 kWh at 0.01 (${id}; the same fixture set has E1 = 0.01)`, () => {
    const v = decodeProperty(0xe2, edt(), { unitCode: 0x02 }).value as {
      day: number;
      slots: { time: string; raw: number | null; kwh: number | null; reason?: string }[];
    };
    assert.deepEqual(v.slots[0], { time: '00:00', raw: 1574820, kwh: expected.kWh_first, unit: 'kWh' });
    assert.deepEqual(v.slots[47], { time: '23:30', raw: null, kwh: null, unit: 'kWh', reason: 'no data' });
    assert.equal(history1SlotTime(1), '00:30');
    assert.equal(history1SlotTime(19), '09:30');
  });

  it('decodes E4 (reverse) with the same layout and the default day 0x00FF', () => {
    const bytes = Buffer.concat([hex('00FF'), Buffer.alloc(48 * 4, 0xff)]);
    bytes.writeUInt32BE(5, 2);
    const h = decodeHistory1(bytes, 0xe4);
    assert.equal(h.day, 255);
    assert.equal(h.raw[0], 5);
    assert.equal(h.raw[1], null);
  });

  it('rejects an EDT that is not 194 bytes, naming the EPC', () => {
    assert.throws(
      () => decodeHistory1(hex('0000 00000001'), 0xe4),
      (e: unknown) => e instanceof PropertyError && /EPC E4: expected 194 bytes/.test(e.message),
    );
  });

  it('round-trips through encodeHistory1', () => {
    const value = { day: 3, raw: Array.from({ length: 48 }, (_, k) => (k < 40 ? 1000 + k : null)) };
    assert.deepEqual(decodeHistory1(encodeHistory1(value)), value);
  });
});

describe('EC historical cumulative energy 2 (newest first, 30-minute steps)', () => {
  // 2026-05-20 00:30, n = 3: items at 00:30, 00:00 and 23:30 of the day before
  const bytes = hex('07EA 05 14 00 1E 03  00000064 0000000A  00000060 FFFFFFFE  0000005C 00000008');

  it('dates item i at date-time − 30 min × i, across midnight', () => {
    assert.deepEqual(decodeHistory2(bytes), {
      at: '2026-05-20T00:30:00+09:00',
      items: [
        { at: '2026-05-20T00:30:00+09:00', normal: 100, reverse: 10 },
        { at: '2026-05-20T00:00:00+09:00', normal: 96, reverse: null },
        { at: '2026-05-19T23:30:00+09:00', normal: 92, reverse: 8 },
      ],
    });
  });

  it('crosses a month and year boundary: 2026-01-01 00:00 minus 30 min is 2025-12-31 23:30', () => {
    const h = decodeHistory2(hex('07EA 01 01 00 00 02  00000001 00000000  00000000 00000000'));
    assert.equal(h.items[1]?.at, '2025-12-31T23:30:00+09:00');
  });

  it('scales both directions in the table value', () => {
    const v = decodeProperty(0xec, bytes, { unitCode: 0x01 }).value as { items: unknown[] };
    assert.deepEqual(v.items[1], {
      at: '2026-05-20T00:00:00+09:00',
      normal_raw: 96,
      normal_kwh: 9.6,
      reverse_raw: null,
      reverse_kwh: null,
      unit: 'kWh',
    });
  });

  it('rejects an EDT whose length does not match n', () => {
    assert.throws(
      () => decodeHistory2(hex('07EA 05 14 00 1E 02  00000064 0000000A')),
      /EPC EC: n = 2 needs 23 bytes .* but got 15/,
    );
    assert.throws(
      () => decodeHistory2(hex('07EA05')),
      (e: unknown) => e instanceof PropertyError && /EPC EC: expected at least 7 bytes .* but got 3/.test(e.message),
    );
  });

  it('round-trips through encodeHistory2', () => {
    assert.deepEqual(encodeHistory2(decodeHistory2(bytes)), bytes);
  });
});

describe('EE historical cumulative energy 3 (Release R, 1-minute steps)', () => {
  it('dates item i at date-time − 1 min × i', () => {
    const h = decodeHistory3(hex('07EA 05 14 0E 01 02  00000010 00000001  0000000F 00000001'));
    assert.deepEqual(
      h.items.map((i) => i.at),
      ['2026-05-20T14:01:00+09:00', '2026-05-20T14:00:00+09:00'],
    );
    assert.equal(h.items[1]?.normal, 15);
  });
});
