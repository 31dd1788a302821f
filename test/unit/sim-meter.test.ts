import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimMeter, type SimMeterOptions } from '../../src/sim/meter.js';

const BASE: SimMeterOptions = {
  pv: false,
  wiring: '1p3w',
  initialKwh: 12345.6,
  coefficient: 1,
  release: 'F',
  seed: 1,
  clock: () => new Date(),
};

function meterAt(iso: string, extra: Partial<SimMeterOptions> = {}) {
  let now = Date.parse(iso);
  const meter = new SimMeter({ ...BASE, ...extra, clock: () => new Date(now) });
  return {
    meter,
    set: (t: string) => {
      now = Date.parse(t);
    },
  };
}

/** Get request (TID 0001, 05FF01 → 028801) for EPCs, by hand from §7. */
function get(...epcs: number[]): Buffer {
  return Buffer.concat([
    Buffer.from('1081000105FF010288016200', 'hex').fill(epcs.length, 11, 12),
    Buffer.from(epcs.flatMap((e) => [e, 0])),
  ]);
}

/** The EDT of the only (or first matching) property of a single-frame answer. */
function edt(answer: Buffer | null, epc: number): Buffer {
  assert.ok(answer);
  let at = 12;
  for (let i = 0; i < (answer[11] ?? 0); i++) {
    const pdc = answer[at + 1] ?? 0;
    if (answer[at] === epc) return answer.subarray(at + 2, at + 2 + pdc);
    at += 2 + pdc;
  }
  throw new Error(`EPC ${epc.toString(16)} not in ${answer.toString('hex')}`);
}

test('Get of D3, E1 and D7 answers coefficient 1, unit 0.1 kWh and 6 digits', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00');
  assert.equal(
    meter
      .handle(get(0xd3, 0xe1, 0xd7))
      ?.toString('hex')
      .toUpperCase(),
    '1081000102880105FF017203D30400000001E10101D70106',
  );
});

test('the Get property map 9F lists the same 25 EPCs as the captured Release F meter, as a bitmap', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00');
  // The cracker script's captured 9F as quoted in docs/protocol.md §7 (real-captures.jsonl has no 9F entry):
  // 19 41 41 41 60 40 40 00 62 43 00 41 40 40 43 02 02
  assert.equal(
    edt(meter.handle(get(0x9f)), 0x9f)
      .toString('hex')
      .toUpperCase(),
    '1941414160404000624300414040430202',
  );
});

test('without D3 a Get answers Get_SNA with D3 PDC 0 (capture ak1211-bp35a1-d3-get-sna)', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00', { coefficient: null });
  assert.equal(meter.handle(get(0xd3))?.toString('hex').toUpperCase(), '1081000102880105FF015201D300');
});

test('the instance-list INF D5 matches the captured bytes (capture rswsuha-skjoin-pana-sequence)', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00');
  assert.equal(meter.instanceListInf().toString('hex').toUpperCase(), '108100000EF0010EF0017301D50401028801');
});

test('E8 currents agree with E7 power at 100 V per leg, and E7 is a signed 32-bit value', () => {
  const { meter } = meterAt('2026-05-20T19:40:00+09:00');
  const answer = meter.handle(get(0xe7, 0xe8));
  const watts = edt(answer, 0xe7).readInt32BE(0);
  const e8 = edt(answer, 0xe8);
  const amps = (e8.readInt16BE(0) + e8.readInt16BE(2)) / 10;
  assert.ok(watts > 0 && watts < 3000, `E7 ${watts}`);
  assert.ok(Math.abs(amps * 100 - watts) <= 10, `${amps} A vs ${watts} W`);
});

test('a single-phase 2-wire meter reports T phase as 0x7FFE', () => {
  const { meter } = meterAt('2026-05-20T19:40:00+09:00', { wiring: '1p2w' });
  assert.equal(edt(meter.handle(get(0xe8)), 0xe8).readUInt16BE(2), 0x7ffe);
});

test('with PV the midday power goes negative and the reverse counter grows', () => {
  const { meter, set } = meterAt('2026-05-20T12:00:00+09:00', { pv: true });
  assert.ok(edt(meter.handle(get(0xe7)), 0xe7).readInt32BE(0) < 0);
  const before = edt(meter.handle(get(0xe3)), 0xe3).readUInt32BE(0);
  set('2026-05-20T13:00:00+09:00');
  const after = edt(meter.handle(get(0xe3)), 0xe3).readUInt32BE(0);
  assert.ok(after - before >= 10, `reverse ${before} → ${after} (0.1 kWh units)`);
});

test('the normal counter grows with the energy used', () => {
  const { meter, set } = meterAt('2026-05-20T18:00:00+09:00');
  const e0 = () => edt(meter.handle(get(0xe0)), 0xe0).readUInt32BE(0);
  const before = e0();
  set('2026-05-20T20:00:00+09:00');
  const grown = e0() - before;
  // a 260 W base load plus the evening peak: between 0.5 and 3 kWh in two hours
  assert.ok(grown >= 5 && grown <= 30, `grew ${grown} × 0.1 kWh`);
});

test('EA is the counter at the last :30 and E2 of today agrees with it, future slots having no data', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00');
  const ea = edt(meter.handle(get(0xea)), 0xea);
  assert.equal(ea.subarray(0, 7).toString('hex').toUpperCase(), '07EA05140E1E00', '2026-05-20 14:30:00');
  const e2 = edt(meter.handle(get(0xe2)), 0xe2);
  assert.equal(e2.length, 194);
  assert.equal(e2.readUInt16BE(0), 0);
  const slots = Array.from({ length: 48 }, (_, k) => e2.readUInt32BE(2 + 4 * k));
  assert.equal(slots[29], ea.readUInt32BE(7), 'slot 29 = 14:30 = EA');
  assert.ok(slots.slice(30).every((v) => v === 0xfffffffe));
  for (let k = 1; k <= 29; k++) assert.ok((slots[k] ?? 0) >= (slots[k - 1] ?? 0));
  const e0 = edt(meter.handle(get(0xe0)), 0xe0).readUInt32BE(0);
  assert.ok(e0 >= ea.readUInt32BE(7));
});

test('SetC E5 answers Set_Res with PDC 0 and selects the day E2 reports', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00');
  const setC = Buffer.from('1081000205FF0102880161 01 E5 01 01'.replace(/ /g, ''), 'hex');
  assert.equal(meter.handle(setC)?.toString('hex').toUpperCase(), '1081000202880105FF017101E500');
  const e2 = edt(meter.handle(get(0xe2)), 0xe2);
  assert.equal(e2.readUInt16BE(0), 1);
  const yesterdayLast = e2.readUInt32BE(2 + 4 * 47);
  assert.notEqual(yesterdayLast, 0xfffffffe);
  assert.equal(meter.handle(setC.fill(0x05, 15))?.toString('hex').toUpperCase().slice(20), '7101E500');
});

test('SetC of a property that cannot be set answers SetC_SNA echoing its data', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00');
  const setC = Buffer.from('1081000305FF0102880161 01 E7 04 00000001'.replace(/ /g, ''), 'hex');
  assert.equal(meter.handle(setC)?.toString('hex').toUpperCase(), '1081000302880105FF015101E70400000001');
});

test('EC returns the set number of half-hours newest first', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00');
  // ED = 2026-05-20 14:00, 3 items
  const setEd = Buffer.from('1081000405FF0102880161 01 ED 07 07EA05140E0003'.replace(/ /g, ''), 'hex');
  assert.equal(meter.handle(setEd)?.toString('hex').toUpperCase().slice(20), '7101ED00');
  const ec = edt(meter.handle(get(0xec)), 0xec);
  assert.equal(ec.subarray(0, 7).toString('hex').toUpperCase(), '07EA05140E0003');
  assert.equal(ec.length, 7 + 3 * 8);
  const e2 = edt(meter.handle(get(0xe2)), 0xe2);
  assert.equal(ec.readUInt32BE(7), e2.readUInt32BE(2 + 4 * 28), 'item 0 = 14:00 = E2 slot 28');
  assert.equal(ec.readUInt32BE(7 + 8), e2.readUInt32BE(2 + 4 * 27), 'item 1 = 13:30');
});

test('Release R adds EE, EF and D0 and reports R in 0x82; Release F answers them with Get_SNA', () => {
  const r = meterAt('2026-05-20T14:40:00+09:00', { release: 'R' }).meter;
  assert.equal(edt(r.handle(get(0x82)), 0x82).toString('hex'), '00005200');
  assert.equal(r.handle(get(0xee, 0xef, 0xd0))?.[10], 0x72);
  const f = meterAt('2026-05-20T14:40:00+09:00').meter;
  assert.equal(f.handle(get(0xee))?.toString('hex').toUpperCase(), '1081000102880105FF015201EE00');
});

test('the node profile answers its instance list (D6)', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00');
  const req = Buffer.from('1081000505FF010EF0016201D600', 'hex');
  assert.equal(meter.handle(req)?.toString('hex').toUpperCase(), '108100050EF00105FF017201D60401028801');
});

test('frames that are not ECHONET Lite or not for the meter get no answer', () => {
  const { meter } = meterAt('2026-05-20T14:40:00+09:00');
  assert.equal(meter.handle(Buffer.from('3130383130303031', 'hex')), null);
  assert.equal(meter.handle(Buffer.from('1081000105FF010130016201E700', 'hex')), null);
});
