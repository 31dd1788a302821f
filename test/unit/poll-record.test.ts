import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame } from '../../src/echonet/frame.js';
import { createLogger } from '../../src/log/logger.js';
import { ReadingContext } from '../../src/poll/reading-context.js';
import {
  assembleReading,
  missingMessage,
  parsePropertyList,
  requestEpcs,
  updateContext,
} from '../../src/meter/record.js';

const frame = (hex: string) => decodeFrame(Buffer.from(hex.replace(/ /g, ''), 'hex'));
const AT = new Date('2024-05-01T09:30:00.000+09:00');
const ALL = [0xe7, 0xe8, 0xe0, 0xe3, 0xea, 0xeb];

describe('reading records', () => {
  it('keeps the supported values of a Get_SNA, nulls the rest and names the missing EPCs', () => {
    // Get_SNA: E7 = 0x04A8 (1192 W), E3 and EB with PDC 0 (not available)
    const f = frame('1081 0007 028801 05FF01 52 03 E7 04 000004A8 E3 00 EB 00');
    const { reading, missing, partial } = assembleReading(f, [0xe7, 0xe3, 0xeb], { unitCode: 1, coefficient: 1 }, AT);
    assert.equal(partial, true);
    assert.equal(reading.power_w, 1192);
    assert.equal(reading.energy_reverse_kwh, null);
    assert.equal(reading.fixed_reverse_kwh, null);
    assert.equal(reading.fixed_reverse_at, null);
    assert.equal(reading.source, 'poll');
    assert.deepEqual(missing, [0xe3, 0xeb]);
    assert.match(missingMessage(missing, partial), /Get_SNA: E3, EB not available/);
  });

  it('leaves unrequested fields null', () => {
    const f = frame('1081 0001 028801 05FF01 72 01 E7 04 000004A8');
    const { reading, missing } = assembleReading(f, [0xe7], { unitCode: 1 }, AT);
    assert.deepEqual(missing, []);
    assert.equal(reading.power_w, 1192);
    assert.equal(reading.current_r_a, null);
    assert.equal(reading.energy_normal_kwh, null);
  });

  it('takes coefficient 1 when D3 comes back with PDC 0, and the unit from E1', () => {
    // capture ak1211app-e0: E0 0x00180ACF = 1575631, E1 0x02 (0.01 kWh), D3 not implemented → 15756.31 kWh
    const f = frame('1081 0001 028801 05FF01 52 04 E0 04 00180ACF D3 00 D7 01 07 E1 01 02');
    const update = updateContext(undefined, f);
    assert.equal(update.answered, true);
    assert.deepEqual(update.ctx, { coefficient: 1, digits: 7, unitCode: 2 });
    assert.deepEqual(update.missing, [0xd3]);
    const { reading, missing } = assembleReading(f, [0xe0], update.ctx, AT);
    assert.equal(reading.energy_normal_kwh, 15756.31);
    assert.deepEqual(missing, [], 'the context EPCs are not reported as missing readings');
  });

  it('marks a notification record with source "notification"', () => {
    // capture yakumo-inf-ea-eb: EA 2022-06-21 15:30 raw 93351, EB raw 5; E1 0x01 → 9335.1 / 0.5 kWh
    const f = frame('1081A00102880105FF017302EA0B07E606150F1E0000016CA7EB0B07E606150F1E0000000005');
    const { reading } = assembleReading(f, [0xea, 0xeb], { unitCode: 1, coefficient: 1 }, AT, 'notification');
    assert.equal(reading.source, 'notification');
    assert.equal(reading.fixed_normal_kwh, 9335.1);
    assert.equal(reading.fixed_reverse_kwh, 0.5);
    assert.match(String(reading.fixed_normal_at), /^2022-06-21T15:30:00/);
  });

  it('asks for D3, D7 and E1 in the same frame only while the context is unknown', () => {
    assert.deepEqual(requestEpcs(ALL, true), [...ALL, 0xd3, 0xd7, 0xe1]);
    assert.deepEqual(requestEpcs(ALL, false), ALL);
  });

  it('parses --properties and rejects what a record cannot hold', () => {
    assert.deepEqual(parsePropertyList('e7, E8,E7'), [0xe7, 0xe8]);
    assert.deepEqual(parsePropertyList(['E7', 'E8', 'E0', 'E3', 'EA', 'EB']), ALL);
    assert.throws(() => parsePropertyList('E7,9F'), /cannot poll property 9F/);
    assert.throws(() => parsePropertyList(''), /no properties/);
  });
});

describe('the poll session context', () => {
  it('warns once, not every reading, when the meter withholds E1 or a requested property', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (l: string) => lines.push(l) } });
    const context = new ReadingContext(
      logger,
      () => AT,
      () => undefined,
    );
    // Get_SNA: E7 = 1192 W; E3, D3, D7, E1 not available (PDC 0)
    const sna = frame('1081 0007 028801 05FF01 52 05 E7 04 000004A8 E3 00 D3 00 D7 00 E1 00');
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(context.epcsFor([0xe7, 0xe3]), [0xe7, 0xe3, 0xd3, 0xd7, 0xe1], 'E1 still unknown: asked again');
      assert.equal(context.reading(sna, [0xe7, 0xe3]).power_w, 1192);
    }
    const warns = lines.map((l) => JSON.parse(l) as { level: string; msg: string }).filter((l) => l.level === 'warn');
    assert.deepEqual(
      warns.map((w) => w.msg),
      [
        "the meter did not give its energy unit (E1): kWh values stay empty — set --unit <E1 code> (meter.unit in the config file), e.g. --unit 01 for 0.1 kWh, 02 for 0.01 kWh (see the meter's nameplate)",
        "the meter did not give its coefficient (D3): using 1 — set --coefficient <n> (meter.coefficient in the config file) if the meter's nameplate gives another multiplier",
        'meter answered Get_SNA: E3 not available — recorded as null',
      ],
    );
  });
});
