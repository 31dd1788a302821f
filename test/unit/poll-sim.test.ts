/**
 * runPoll in-process against the simulator (src/sim) with a fixed sim clock: the expected values
 * come from the sim's own model (MeterValues, E1 = 0.1 kWh, D3 = 1), never from our decoder.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SimStick } from '../../src/sim/transport.js';
import type { SimOptions } from '../../src/sim/options.js';
import { runPoll, type PollOptions } from '../../src/poll/poll.js';
import { disposeSimRigs, simMeterRig } from '../fixtures/sim-meter-rig.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

const ALL = [0xe7, 0xe8, 0xe0, 0xe3, 0xea, 0xeb];
const CLOCK_MS = Date.parse('2024-05-01T12:10:00+09:00');

afterEach(disposeSimRigs);

interface Rig {
  stick: SimStick;
  records: Record<string, unknown>[];
  commands: string[];
  options: (over?: Partial<PollOptions>) => PollOptions;
  clock: { ms: number };
}

/** A rig on `sim`; `timers`, when given, runs the stick's timers (a VirtualClock that bmeter runs on too). */
async function rig(sim: Partial<SimOptions> = {}, timers?: VirtualClock): Promise<Rig> {
  const { stick, clock, commands, common } = await simMeterRig(sim, {
    startMs: CLOCK_MS,
    rttMs: 2,
    dirPrefix: 'bmeter-poll-',
    ...(timers && { timers }),
  });
  const records: Record<string, unknown>[] = [];
  const options = (over: Partial<PollOptions> = {}): PollOptions => ({
    ...common(),
    properties: ALL,
    sink: { closed: false, write: async (r) => void records.push(r) },
    ...over,
  });
  return { stick, records, commands, options, clock };
}

/** The record the sim's model implies at `ms` (E1 0x01 = 0.1 kWh, D3 1). */
function expected(stick: SimStick, ms: number): Record<string, unknown> {
  const v = stick.meter.values;
  const [r, t] = v.currentsDeciAmps(ms);
  const half = Math.floor(ms / 1_800_000) * 1_800_000;
  return {
    power_w: v.powerW(ms),
    current_r_a: r / 10,
    current_t_a: t / 10,
    energy_normal_kwh: v.normalRaw(ms) / 10,
    energy_reverse_kwh: v.reverseRaw(ms) / 10,
    fixed_normal_at: '2024-05-01T12:00:00+09:00',
    fixed_normal_kwh: v.normalRaw(half) / 10,
    fixed_reverse_at: '2024-05-01T12:00:00+09:00',
    fixed_reverse_kwh: v.reverseRaw(half) / 10,
  };
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((res) => setTimeout(res, 5));
  }
}

function values(record: Record<string, unknown>): Record<string, unknown> {
  const { timestamp: _t, source: _s, ...rest } = record;
  return rest;
}

describe('poll against the simulator', () => {
  it('joins and writes one record with the values the meter holds', async () => {
    const r = await rig();
    const summary = await runPoll(r.options());
    assert.equal(summary.readings, 1);
    assert.equal(summary.joined, true);
    assert.equal(r.records.length, 1);
    assert.deepEqual(values(r.records[0] ?? {}), expected(r.stick, CLOCK_MS));
    assert.equal(r.records[0]?.['source'], 'poll');
    assert.equal(r.commands.filter((c) => c === 'SKSENDTO').length, 1, 'one radio round trip per reading');
    assert.ok(!r.commands.includes('SKTERM'), 'a one-shot poll keeps the session');
  });

  it('reads on the kept session in the next run without SKJOIN', async () => {
    const r = await rig();
    await runPoll(r.options());
    r.commands.length = 0;
    const summary = await runPoll(r.options());
    assert.equal(summary.joined, false);
    assert.ok(!r.commands.includes('SKJOIN'), `commands: ${r.commands.join(' ')}`);
    assert.equal(r.commands.filter((c) => c === 'SKSENDTO').length, 1);
    assert.equal(r.records.length, 2);
  });

  it('joins when the kept session is gone (FAIL ER10 on the first Get)', async () => {
    const r = await rig();
    await runPoll(r.options());
    r.stick.session.reset(); // e.g. the meter dropped the session while bmeter was not running
    r.commands.length = 0;
    const summary = await runPoll(r.options());
    assert.equal(summary.joined, true);
    assert.ok(r.commands.includes('SKJOIN'));
    assert.equal(r.records.length, 2);
  });

  it('reads only the properties asked for, in one frame', async () => {
    const r = await rig();
    await runPoll(r.options({ properties: [0xe7, 0xe8] }));
    const rec = r.records[0] ?? {};
    assert.equal(rec['power_w'], r.stick.meter.values.powerW(CLOCK_MS));
    assert.equal(rec['energy_normal_kwh'], null);
    assert.equal(rec['fixed_normal_kwh'], null);
  });

  it('fails with AUTH and the documented message on a wrong password', async () => {
    const r = await rig();
    const o = r.options();
    await assert.rejects(
      runPoll({ ...o, creds: { id: o.creds.id, password: 'WRONGPASSWD1' } }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'AUTH');
        assert.match(
          err.message,
          // EVENT 24, then a scan of all channels that finds the meter where it was: the credentials.
          /^SKJOIN failed: EVENT 24 from FE80:[0-9A-F:]+ \(authentication rejected\) — check the Route-B ID and password \(BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD, or routeB in the config file\): a scan of all channels found the meter where the scan file says$/,
        );
        assert.ok(!err.message.includes('WRONGPASSWD1'));
        return true;
      },
    );
    assert.equal(r.commands.filter((c) => c === 'SKJOIN').length, 2, 'retried once (retries.join = 1)');
    assert.ok(r.commands.includes('SKSCAN'), 'then a scan of all channels');
  });

  it('survives EVENT 29, EVENT 26, a dropped reply and a Get_SNA without losing a reading', async () => {
    // request 1 = first reading; later requests: 2 dropped, 4 → EVENT 29, 6 → EVENT 26, 8 → Get_SNA for EB
    // bmeter and the stick on one virtual time: the dropped reply's timeout fires once nothing else is under way,
    // and no other reply times out because a loaded machine was slow (as it did at 300 ms of real time).
    const clock = new VirtualClock(CLOCK_MS);
    const r = await rig(
      { faults: (await import('../../src/sim/faults.js')).parseFaults('drop@2,event29@4,event26@6,sna:EB@8') },
      clock,
    );
    const summary = await runPoll(r.options({ intervalSeconds: 0.05, count: 6, clock })).finally(() => clock.stop());
    assert.equal(summary.failed, 0);
    assert.equal(summary.readings, 6);
    assert.equal(r.records.length, 6);
    const sna = r.records.filter((x) => x['fixed_reverse_kwh'] === null);
    assert.equal(sna.length, 1, 'the Get_SNA reading keeps the other values');
    assert.equal(sna[0]?.['power_w'], r.stick.meter.values.powerW(CLOCK_MS));
  });

  it('writes the meter’s half-hourly INF as a record with source "notification"', async () => {
    const r = await rig();
    const abort = new AbortController();
    const run = runPoll(r.options({ intervalSeconds: 0.05, signal: abort.signal }));
    await until(() => r.records.length >= 1);
    r.clock.ms = Date.parse('2024-05-01T12:30:05+09:00');
    r.stick.tick();
    await until(() => r.records.some((x) => x['source'] === 'notification'));
    abort.abort();
    await run;
    const notes = r.records.filter((x) => x['source'] === 'notification');
    assert.equal(notes.length, 1);
    const half = Date.parse('2024-05-01T12:30:00+09:00');
    assert.equal(notes[0]?.['fixed_normal_at'], '2024-05-01T12:30:00+09:00');
    assert.equal(notes[0]?.['fixed_normal_kwh'], r.stick.meter.values.normalRaw(half) / 10);
    assert.equal(notes[0]?.['power_w'], null);
  });

  it('stops on the abort signal, sends SKTERM and returns', async () => {
    const r = await rig();
    const abort = new AbortController();
    const run = runPoll(r.options({ intervalSeconds: 0.05, signal: abort.signal }));
    await until(() => r.records.length >= 2);
    abort.abort();
    const summary = await run;
    assert.equal(summary.stoppedBy, 'signal');
    assert.ok(summary.readings >= 2);
    assert.ok(r.commands.includes('SKTERM'));
  });

  it('stops quietly when the output is closed', async () => {
    const r = await rig();
    let closed = false;
    const sink = {
      get closed() {
        return closed;
      },
      write: async () => {
        closed = true;
      },
    };
    const summary = await runPoll(r.options({ intervalSeconds: 0.05, sink }));
    assert.equal(summary.stoppedBy, 'output-closed');
    assert.equal(summary.readings, 1);
  });
});
