/**
 * runHistory in-process against the simulator (src/sim) with a fixed sim clock. Expected values
 * come from the sim's own model (stick.meter.values: raw counters at any instant; E1 = 0.1 kWh,
 * D3 = 1, D7 = 6 digits per src/sim/meter-values.ts), converted by hand — never by our decoder.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBmeterError } from '../../src/errors.js';
import type { SimStick } from '../../src/sim/transport.js';
import type { SimOptions } from '../../src/sim/options.js';
import { runHistory, type HistoryOptions } from '../../src/history/history.js';
import { disposeSimRigs, simMeterRig } from '../fixtures/sim-meter-rig.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

const MIN = 60_000;
const HALF = 30 * MIN;
const CLOCK_MS = Date.parse('2024-05-01T12:10:00+09:00');

afterEach(disposeSimRigs);

interface Rig {
  stick: SimStick;
  records: Record<string, unknown>[];
  sent: Buffer[];
  clock: { ms: number };
  options: (over?: Partial<HistoryOptions>) => HistoryOptions;
}

async function rig(sim: Partial<SimOptions> = {}, startMs = CLOCK_MS, timers?: VirtualClock): Promise<Rig> {
  const { stick, clock, sent, common } = await simMeterRig(sim, {
    startMs,
    rttMs: 1,
    dirPrefix: 'bmeter-history-',
    ...(timers !== undefined && { timers }),
  });
  const records: Record<string, unknown>[] = [];
  const options = (over: Partial<HistoryOptions> = {}): HistoryOptions => ({
    ...common(),
    sink: { closed: false, write: async (r) => void records.push(r) },
    ...over,
  });
  return { stick, records, sent, clock, options };
}

const p2 = (n: number): string => String(n).padStart(2, '0');
/** "2024-05-01T12:00:00+09:00" written by hand from a JST wall clock. */
function jst(ms: number): string {
  const d = new Date(ms + 9 * 3_600_000);
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:00+09:00`;
}

/** The record the sim's model implies for the slot at `ms`; `prev` = null when no difference. */
function expected(stick: SimStick, ms: number, hasPrev: boolean, reverse = true): Record<string, unknown> {
  const v = stick.meter.values;
  const diff = (now: number, before: number): number => ((now - before + 1_000_000) % 1_000_000) / 10;
  return {
    slot_start: jst(ms),
    energy_normal_kwh: v.normalRaw(ms) / 10,
    energy_reverse_kwh: reverse ? v.reverseRaw(ms) / 10 : null,
    consumed_kwh: hasPrev ? diff(v.normalRaw(ms), v.normalRaw(ms - HALF)) : null,
    exported_kwh: hasPrev && reverse ? diff(v.reverseRaw(ms), v.reverseRaw(ms - HALF)) : null,
  };
}

const MAY1 = Date.parse('2024-05-01T00:00:00+09:00');
const DAY = 24 * 60 * MIN;

describe('bmeter history against the simulator', () => {
  it("backfills three days slot by slot as the meter holds them, oldest first, without today's future slots", async () => {
    const r = await rig({ pv: true });
    const summary = await runHistory(r.options({ days: 3 }));
    assert.equal(summary.days, 3);
    // 04-29 and 04-30 whole (48 each), 05-01 from 00:00 to 12:00 (25 slots; 12:30… are future)
    assert.equal(r.records.length, 48 + 48 + 25);
    const start = MAY1 - 2 * DAY;
    r.records.forEach((rec, i) => assert.deepEqual(rec, expected(r.stick, start + i * HALF, i > 0), `slot ${i}`));
    assert.equal(r.records.at(-1)?.['slot_start'], '2024-05-01T12:00:00+09:00');
    assert.ok(
      r.records.some((rec) => (rec['exported_kwh'] as number) > 0),
      'PV exports at midday',
    );
    assert.equal(r.stick.meter.cursor.day, 0, 'the last SetC E5 selected today');
  });

  it('takes the difference modulo 10^D7 when the counter wraps inside a day', async () => {
    // 100000.4 kWh at 12:10 is raw 1000004 → 4 with 6 digits: the counter passed 999999 this morning.
    const r = await rig({ initialKwh: 100000.4 });
    await runHistory(r.options({ day: 0 }));
    const raws = r.records.map((_, k) => r.stick.meter.values.normalRaw(MAY1 + k * HALF));
    const wrapAt = raws.findIndex((raw, k) => k > 0 && raw < (raws[k - 1] ?? 0));
    assert.ok(wrapAt > 0, `the sim counter wrapped today (${raws.join(',')})`);
    r.records.forEach((rec, k) => assert.deepEqual(rec, expected(r.stick, MAY1 + k * HALF, k > 0), `slot ${k}`));
    const across = r.records[wrapAt]?.['consumed_kwh'] as number;
    assert.ok(across > 0 && across < 5, `a small positive consumption across the wrap, got ${across}`);
  });

  it('writes only the slots after --since, with their differences', async () => {
    const r = await rig();
    await runHistory(r.options({ sinceMs: Date.parse('2024-05-01T11:00:00+09:00') }));
    assert.deepEqual(
      r.records.map((x) => x['slot_start']),
      ['2024-05-01T11:30:00+09:00', '2024-05-01T12:00:00+09:00'],
    );
    assert.deepEqual(r.records[0], expected(r.stick, MAY1 + 23 * HALF, true));
  });

  it('fetches back to the day of --since when no --days is given, so the first new slot after midnight has its difference', async () => {
    const r = await rig();
    await runHistory(r.options({ sinceMs: Date.parse('2024-04-29T23:30:00+09:00') }));
    assert.equal(r.records[0]?.['slot_start'], '2024-04-30T00:00:00+09:00');
    assert.equal(r.records.length, 48 + 25);
    assert.deepEqual(r.records[0], expected(r.stick, MAY1 - DAY, true));
  });

  it('gives null reverse values without an error on a meter without reverse metering (no E4 in 9F)', async () => {
    const r = await rig({ reverse: false });
    const summary = await runHistory(r.options({ days: 1 }));
    assert.equal(summary.reverse, false);
    assert.equal(r.records.length, 25);
    r.records.forEach((rec, k) => assert.deepEqual(rec, expected(r.stick, MAY1 + k * HALF, k > 0, false), `slot ${k}`));
    const asked = r.sent.map((b) => b.toString('latin1')).filter((s) => s.includes('\x01\xe2\x00'));
    assert.ok(asked.length > 0 && asked.every((s) => !s.includes('\xe4\x00')), 'E4 is not asked for');
  });

  it("waits past the meter's midnight before a day is fetched, then uses the new date", async () => {
    const r = await rig({}, Date.parse('2024-05-01T23:59:30+09:00'));
    const waits: number[] = [];
    await runHistory(
      r.options({
        days: 2,
        sleep: async (ms) => {
          waits.push(ms);
          r.clock.ms = Date.parse('2024-05-02T00:01:10+09:00');
        },
      }),
    );
    assert.equal(waits.length, 1);
    assert.ok((waits[0] ?? 0) > 60_000 && (waits[0] ?? 0) <= 3 * 60_000, `waited ${waits[0]} ms`);
    // 04-30 and 05-01 (the days asked at 23:59), both whole: E5 = 2 and 1 after the date change
    assert.equal(r.records.length, 96);
    assert.equal(r.records[0]?.['slot_start'], '2024-04-30T00:00:00+09:00');
    assert.equal(r.records.at(-1)?.['slot_start'], '2024-05-01T23:30:00+09:00');
    r.records.forEach((rec, i) => assert.deepEqual(rec, expected(r.stick, MAY1 - DAY + i * HALF, i > 0), `slot ${i}`));
  });

  it("with nearMidnight 'defer' (serve) stops before the meter's midnight instead of waiting, saying how long", async () => {
    const r = await rig({}, Date.parse('2024-05-01T23:59:30+09:00'));
    let slept = false;
    const summary = await runHistory(
      r.options({
        days: 2,
        nearMidnight: 'defer',
        sleep: async () => {
          slept = true;
        },
      }),
    );
    assert.equal(slept, false, 'no wait');
    assert.deepEqual(r.records, []);
    assert.equal(summary.days, 0);
    // The meter's 23:59 plus the guard: past 00:01 of the next day, within three minutes.
    const deferred = summary.deferredMs ?? 0;
    assert.ok(deferred > 60_000 && deferred <= 3 * 60_000, `deferred ${deferred} ms`);
  });

  it('ends like a poll on SIGINT/SIGTERM mid-exchange: the days written stay, no error', async (t) => {
    // bmeter and the stick on one virtual time: the 100 ms to the signal and the 200 ms round trip cost no real
    // time, and the signal lands mid-exchange however loaded the machine.
    const clock = new VirtualClock(Date.now());
    t.after(() => clock.stop());
    const r = await rig({ rttMs: 200 }, CLOCK_MS, clock);
    const abort = new AbortController();
    let timer: unknown;
    const summary = await runHistory(
      r.options({
        days: 3,
        signal: abort.signal,
        clock,
        // The first day's records are written at once; the signal lands while the second day's SetC E5 waits.
        sink: {
          closed: false,
          write: async (rec) => {
            r.records.push(rec);
            timer ??= clock.setTimeout(() => abort.abort(), 100);
          },
        },
      }),
    );
    assert.equal(summary.days, 1);
    assert.equal(r.records.length, 48);
    assert.equal(r.records[0]?.['slot_start'], '2024-04-29T00:00:00+09:00');
  });

  it('reads the recent half-hours from EC/ED, oldest first', async () => {
    const r = await rig({ pv: true });
    await runHistory(r.options({ recent: { resolution: '30m', count: 4 } }));
    assert.deepEqual(
      r.records.map((x) => x['slot_start']),
      ['10:30', '11:00', '11:30', '12:00'].map((t) => `2024-05-01T${t}:00+09:00`),
    );
    r.records.forEach((rec, i) => assert.deepEqual(rec, expected(r.stick, MAY1 + (21 + i) * HALF, i > 0), `item ${i}`));
  });

  it('reads one-minute values from D0 and EE/EF on a Release R meter', async () => {
    const r = await rig({ release: 'R' });
    await runHistory(r.options({ recent: { resolution: '1m', count: 12 } }));
    assert.equal(r.records.length, 12);
    const v = r.stick.meter.values;
    r.records.forEach((rec, i) => {
      const ms = CLOCK_MS - (11 - i) * MIN;
      assert.equal(rec['slot_start'], jst(ms));
      assert.equal(rec['energy_normal_kwh'], v.normalRaw(ms) / 10);
      assert.equal(
        rec['consumed_kwh'],
        i === 0 ? null : ((v.normalRaw(ms) - v.normalRaw(ms - MIN) + 1_000_000) % 1_000_000) / 10,
      );
    });
  });

  it('fails naming D0, EE and EF on a meter without one-minute history', async () => {
    const r = await rig({ release: 'F' });
    await assert.rejects(runHistory(r.options({ recent: { resolution: '1m' } })), (err: unknown) => {
      assert.ok(isBmeterError(err, 'PROTOCOL'), String(err));
      assert.match((err as Error).message, /D0, EE, EF/);
      return true;
    });
    assert.equal(r.records.length, 0);
  });
});
