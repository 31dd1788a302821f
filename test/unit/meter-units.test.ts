import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BmeterError } from '../../src/errors.js';
import { energyKwh, formatKwh, scaleEnergy, unitMultiplier, wrapDelta } from '../../src/meter/units.js';

describe('energyKwh: exact decimal kWh = raw × coefficient × unit (docs/protocol.md §8.1)', () => {
  it('gives 1314 for 13140 × 0.1, with no float artefact', () => {
    const kwh = energyKwh(13140, 1, 0x01);
    assert.equal(kwh, 1314);
    assert.equal(String(kwh), '1314');
  });

  it('gives 769.99 for 76999 × 0.01 (the §8.1 example), whose String() is exactly "769.99"', () => {
    assert.equal(String(energyKwh(76999, 1, 0x02)), '769.99');
  });

  it('gives 10934.9 for E0 109349 with multiplier 0.1 (capture futomi-e0-109349)', () => {
    assert.equal(String(energyKwh(109349, 1, 0x01)), '10934.9');
  });

  it('scales by every E1 code of the §8 table, small and large', () => {
    const cases: [number, string][] = [
      [0x00, '12345'],
      [0x01, '1234.5'],
      [0x02, '123.45'],
      [0x03, '12.345'],
      [0x04, '1.2345'],
      [0x0a, '123450'],
      [0x0b, '1234500'],
      [0x0c, '12345000'],
      [0x0d, '123450000'],
    ];
    for (const [code, expected] of cases) {
      assert.equal(formatKwh(12345, 1, code), expected, `E1 0x${code.toString(16)}`);
      assert.equal(String(energyKwh(12345, 1, code)), expected, `E1 0x${code.toString(16)}`);
    }
  });

  it('multiplies by the D3 coefficient before the unit', () => {
    assert.equal(String(energyKwh(76999, 40, 0x02)), '30799.6');
    assert.equal(formatKwh(3, 7, 0x04), '0.0021');
  });

  it('keeps small fractions exact: 1 × 0.0001 is "0.0001" and 0 is "0"', () => {
    assert.equal(formatKwh(1, 1, 0x04), '0.0001');
    assert.equal(formatKwh(0, 1, 0x02), '0');
    assert.equal(formatKwh(100, 1, 0x02), '1');
  });

  it('returns null for an unknown E1 code, never a number', () => {
    assert.equal(energyKwh(100, 1, 0x05), null);
    assert.equal(energyKwh(100, 1, 0x09), null);
    assert.equal(energyKwh(100, 1, 0x0e), null);
    assert.equal(unitMultiplier(0x05), null);
  });

  it('returns null for a negative or fractional raw value or coefficient', () => {
    assert.equal(energyKwh(-1, 1, 0x01), null);
    assert.equal(energyKwh(1.5, 1, 0x01), null);
    assert.equal(energyKwh(1, 0.5, 0x01), null);
    assert.equal(energyKwh(1, 1_000_000, 0x01), null);
  });
});

describe('unitMultiplier', () => {
  it('maps E1 codes to kWh per count: 0x02 → 0.01, 0x0A → 10, 0x0D → 10000', () => {
    assert.equal(unitMultiplier(0x00), 1);
    assert.equal(unitMultiplier(0x02), 0.01);
    assert.equal(unitMultiplier(0x04), 0.0001);
    assert.equal(unitMultiplier(0x0a), 10);
    assert.equal(unitMultiplier(0x0d), 10000);
  });
});

describe('scaleEnergy', () => {
  it('uses coefficient 1 when D3 is absent', () => {
    assert.deepEqual(scaleEnergy(77058, { unitCode: 0x02 }), { kwh: 770.58 });
  });

  it('gives null with a reason when the unit is not known', () => {
    assert.deepEqual(scaleEnergy(77058, {}), { kwh: null, reason: 'unit unknown (E1 not read)' });
    assert.deepEqual(scaleEnergy(77058, { unitCode: 0x07 }), { kwh: null, reason: 'unknown unit code 0x07 (E1)' });
  });
});

describe('wrapDelta: consumption modulo 10^D7 (docs/protocol.md §8.1)', () => {
  it('is the plain difference when the counter did not wrap', () => {
    assert.equal(wrapDelta(1575631, 1574820, 7), 811);
  });

  it('wraps past 999999 with 6 digits: 000005 after 999990 is 15 counts', () => {
    assert.equal(wrapDelta(5, 999_990, 6), 15);
  });

  it('is 0 for equal readings', () => {
    assert.equal(wrapDelta(42, 42, 8), 0);
  });

  it('rejects effective digits outside 1–8 with a typed error', () => {
    assert.throws(
      () => wrapDelta(1, 0, 0),
      (e: unknown) => e instanceof BmeterError && /1–8/.test(e.message),
    );
    assert.throws(
      () => wrapDelta(1, 0, 9),
      (e: unknown) => e instanceof BmeterError && e.code === 'DECODE' && /1–8, got 9/.test(e.message),
    );
    assert.throws(
      () => wrapDelta(-1, 0, 6),
      (e: unknown) =>
        e instanceof BmeterError && e.code === 'DECODE' && /non-negative integers, got now=-1 prev=0/.test(e.message),
    );
  });
});
