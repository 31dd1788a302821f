/**
 * The API `bmeter serve` builds on: one interval poll whose session also backfills the meter's
 * half-hour history between readings (runPoll's `between` hook + historyOnSession), with one
 * SKJOIN for both. In-process against the simulator; expected values from the sim's model.
 */
import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { historyOnSession } from '../../src/history/history.js';
import { runPoll } from '../../src/poll/poll.js';
import type { MeterSession } from '../../src/session/meter-session.js';
import { disposeSimRigs, simMeterRig } from '../fixtures/sim-meter-rig.js';

afterEach(disposeSimRigs);

const CLOCK_MS = Date.parse('2024-05-01T12:10:00+09:00');

it('backfills yesterday’s half hours between two readings on the poll’s own session, joining once', async () => {
  const { stick, commands, common } = await simMeterRig(
    {},
    { startMs: CLOCK_MS, rttMs: 1, dirPrefix: 'bmeter-serve-api-' },
  );
  const readings: Record<string, unknown>[] = [];
  const halfHours: Record<string, unknown>[] = [];
  let seen: MeterSession | undefined;
  let backfilled = false;
  const base = common();
  const summary = await runPoll({
    ...base,
    reuseSession: false,
    properties: [0xe7],
    intervalSeconds: 0.05,
    count: 2,
    sink: { closed: false, write: async (r) => void readings.push(r) },
    onSession: (session) => (seen = session),
    between: async (session, signal) => {
      if (backfilled) return;
      backfilled = true;
      const sink = { closed: false, write: async (r: Record<string, unknown>) => void halfHours.push(r) };
      const got = await historyOnSession(session, { sink, signal, logger: base.logger, now: base.now, day: 1 });
      assert.equal(got.days, 1);
    },
  });
  assert.equal(summary.readings, 2);
  assert.ok(seen !== undefined, 'onSession was called');
  assert.equal(commands.filter((c) => c === 'SKJOIN').length, 1, 'one join for readings and history');
  assert.equal(halfHours.length, 48, 'yesterday: 48 half hours');
  assert.equal(halfHours[0]?.['slot_start'], '2024-04-30T00:00:00+09:00');
  const slot = Date.parse('2024-04-30T00:00:00+09:00');
  assert.equal(halfHours[0]?.['energy_normal_kwh'], stick.meter.values.normalRaw(slot) / 10);
  assert.equal(readings.at(-1)?.['power_w'], stick.meter.values.powerW(CLOCK_MS));
});
