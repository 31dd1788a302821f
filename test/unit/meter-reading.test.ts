import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, type EchonetProperty } from '../../src/echonet/frame.js';
import { buildReading, isoWithOffset, READING_FIELDS } from '../../src/meter/reading.js';
import { captureFrame } from '../fixtures/captures.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const prop = (epc: number, edt: string): EchonetProperty => ({ epc, edt: hex(edt) });
const originalTz = process.env.TZ;

function withTz<T>(tz: string, fn: () => T): T {
  process.env.TZ = tz;
  try {
    return fn();
  } finally {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  }
}

describe('READING_FIELDS', () => {
  it('lists the record fields in the documented order, without source', () => {
    assert.deepEqual(
      [...READING_FIELDS],
      [
        'timestamp',
        'power_w',
        'current_r_a',
        'current_t_a',
        'energy_normal_kwh',
        'energy_reverse_kwh',
        'fixed_normal_at',
        'fixed_normal_kwh',
        'fixed_reverse_at',
        'fixed_reverse_kwh',
      ],
    );
  });
});

describe('isoWithOffset', () => {
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('writes Japan time with +09:00', () => {
    const s = withTz('Asia/Tokyo', () => isoWithOffset(new Date('2026-11-28T14:10:00.000Z')));
    assert.equal(s, '2026-11-28T23:10:00.000+09:00');
  });

  it('writes UTC as +00:00, never Z', () => {
    const s = withTz('UTC', () => isoWithOffset(new Date('2026-11-28T14:10:00.5Z')));
    assert.equal(s, '2026-11-28T14:10:00.500+00:00');
  });

  it('writes a negative offset with its minutes', () => {
    const s = withTz('America/St_Johns', () => isoWithOffset(new Date('2026-01-15T12:00:00.000Z')));
    assert.equal(s, '2026-01-15T08:30:00.000-03:30');
  });
});

describe('buildReading', () => {
  const at = new Date('2026-11-28T14:10:00.000Z');

  it('fills power, currents and both counters from one multi-EPC Get_Res (capture wisun2mqtt-binary-crlf-inside-data)', () => {
    const frame = decodeFrame(captureFrame('wisun2mqtt-binary-crlf-inside-data'));
    const r = withTz('UTC', () => buildReading(frame.properties, { unitCode: 0x01, coefficient: 1 }, at, 'poll'));
    assert.deepEqual(r, {
      timestamp: '2026-11-28T14:10:00.000+00:00',
      power_w: 1688,
      current_r_a: 16,
      current_t_a: 333.8,
      energy_normal_kwh: 32460.5, // 0x0004F3FD = 4 × 65536 + 0xF3FD (62461) = 324605 × 0.1
      energy_reverse_kwh: 1.1, // 0x0000000B = 11 × 0.1
      fixed_normal_at: null,
      fixed_normal_kwh: null,
      fixed_reverse_at: null,
      fixed_reverse_kwh: null,
      source: 'poll',
    });
  });

  it('fills the fixed-time fields from an INF EA+EB as a notification (capture yakumo-inf-ea-eb)', () => {
    const frame = decodeFrame(captureFrame('yakumo-inf-ea-eb'));
    const r = buildReading(frame.properties, { unitCode: 0x01 }, at, 'notification');
    assert.equal(r.fixed_normal_at, '2022-06-21T15:30:00+09:00');
    assert.equal(r.fixed_normal_kwh, 9335.1);
    assert.equal(r.fixed_reverse_at, '2022-06-21T15:30:00+09:00');
    assert.equal(r.fixed_reverse_kwh, 0.5);
    assert.equal(r.power_w, null);
    assert.equal(r.source, 'notification');
  });

  it('keeps energy null when the unit is unknown, and uses an E1/D3 in the same properties', () => {
    const counters = [prop(0xe0, '00004E20')]; // 20000
    assert.equal(buildReading(counters, {}, at).energy_normal_kwh, null);
    const withUnit = [...counters, prop(0xe1, '02'), prop(0xd3, '0000000A')];
    assert.equal(buildReading(withUnit, {}, at).energy_normal_kwh, 2000); // 20000 × 10 × 0.01
  });

  it('gives null for sentinels, PDC 0 and malformed EDTs, never throwing', () => {
    const props = [
      prop(0xe7, '7FFFFFFE'),
      prop(0xe8, '00627FFE'),
      prop(0xe0, ''),
      prop(0xe3, 'FFFFFFFF'),
      prop(0xea, '07EA0D'),
    ];
    const r = buildReading(props, { unitCode: 1 }, at);
    assert.equal(r.power_w, null);
    assert.equal(r.current_r_a, 9.8);
    assert.equal(r.current_t_a, null);
    assert.equal(r.energy_normal_kwh, null);
    assert.equal(r.energy_reverse_kwh, null);
    assert.equal(r.fixed_normal_at, null);
    assert.equal(r.source, 'poll');
  });

  it('gives reverse-flow power as a negative number (capture futomi-e7-neg524)', () => {
    const frame = decodeFrame(captureFrame('futomi-e7-neg524'));
    assert.equal(buildReading(frame.properties, {}, at).power_w, -524);
  });

  it('puts the fields in READING_FIELDS order, then source', () => {
    assert.deepEqual(Object.keys(buildReading([], {}, at)), [...READING_FIELDS, 'source']);
  });
});
