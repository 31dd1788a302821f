/**
 * SIGINT/SIGTERM (the run's abort signal) ends a poll within about two seconds at every wait —
 * the first SKJOIN, the first Get after it, a later Get the meter does not answer with its retries
 * (test/unit/stop-signal-waits.test.ts goes through the others on virtual time) — and an interval run
 * retries a first join that failed instead of ending. In-process against the simulator.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFaults } from '../../src/sim/faults.js';
import type { Transport } from '../../src/transport/transport.js';
import { runPoll, type PollOptions } from '../../src/poll/poll.js';
import { disposeSimRigs, simMeterRig } from '../fixtures/sim-meter-rig.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

const clocks: VirtualClock[] = [];
afterEach(() => {
  for (const c of clocks.splice(0)) c.stop();
  disposeSimRigs();
});

const CLOCK_MS = Date.parse('2024-05-01T12:10:00+09:00');

/** A rig whose port swallows the first `swallowJoins` SKJOIN lines (the stick never sees them). */
async function rig(o: {
  swallowJoins?: number;
  faults?: string;
  commandMs?: number;
  responseMs?: number;
  joinRetries?: number;
  /** bmeter and the stick on one virtual time (for the tests that do not measure how fast a signal ends a run) */
  virtualTime?: boolean;
}) {
  const clock = o.virtualTime === true ? new VirtualClock(Date.now()) : undefined;
  if (clock !== undefined) clocks.push(clock);
  const base = await simMeterRig(o.faults === undefined ? {} : { faults: parseFaults(o.faults) }, {
    startMs: CLOCK_MS,
    rttMs: 2,
    dirPrefix: 'bmeter-signals-',
    ...(clock !== undefined && { timers: clock }),
  });
  const written: string[] = [];
  let swallow = o.swallowJoins ?? 0;
  const openPort = async (): Promise<Transport> => {
    const t = await base.openPort();
    return {
      ...t,
      write: async (data) => {
        const text = Buffer.from(data as Uint8Array).toString('latin1');
        written.push(text.split(/[ \r]/)[0] ?? text);
        if (text.startsWith('SKJOIN ') && swallow > 0) {
          swallow -= 1;
          return;
        }
        return t.write(data);
      },
    };
  };
  const records: Record<string, unknown>[] = [];
  const config = {
    ...base.config,
    timeouts: {
      ...base.config.timeouts,
      // Unless a test is about them, waits only a hang outlasts (a starved test process must not time out).
      commandMs: o.commandMs ?? 5000,
      responseMs: o.responseMs ?? 5000,
      joinMs: 60_000,
    },
    retries: { ...base.config.retries, join: o.joinRetries ?? 1 },
  };
  const options = (signal: AbortSignal, over: Partial<PollOptions> = {}): PollOptions => ({
    ...base.common(),
    ...(clock !== undefined && { clock }),
    config,
    openPort,
    signal,
    reuseSession: false,
    properties: [0xe7],
    intervalSeconds: 0.05,
    sink: { closed: false, write: async (r) => void records.push(r) },
    ...over,
  });
  return { written, records, options };
}

describe('poll and the stop signal', () => {
  it('abandons a first SKJOIN that gets no answer within two seconds of the signal, without SKTERM', async () => {
    const r = await rig({ swallowJoins: 1, commandMs: 60_000 });
    const summary = await stoppedWhen(r, () => r.written.includes('SKJOIN'));
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.readings, 0);
    assert.ok(!r.written.includes('SKTERM'), 'not joined: nothing to terminate');
  });

  it('abandons the Get retries of a meter that stopped answering within two seconds, then sends SKTERM', async () => {
    // request 1 = the first reading; every later one is dropped; 10 s per try, 2 retries.
    const r = await rig({ faults: 'drop@2+', responseMs: 10_000 });
    const summary = await stoppedWhen(
      r,
      () => r.records.length >= 1 && r.written.filter((w) => w === 'SKSENDTO').length >= 2,
    );
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.readings, 1);
    assert.equal(summary.failed, 0, 'the reading the signal cut short is not a failed one');
    assert.ok(r.written.includes('SKTERM'));
  });

  it('abandons the first Get after the join, which the meter does not answer, within two seconds of the signal', async () => {
    // Every request unanswered: 10 s per try, 2 retries — the first reading's Get alone is 30 s.
    const r = await rig({ faults: 'drop@1+', responseMs: 10_000 });
    const summary = await stoppedWhen(r, () => r.written.includes('SKSENDTO'));
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.readings, 0);
    assert.ok(r.written.includes('SKTERM'), 'joined: the session is ended');
  });

  it('retries a failed first join in an interval run and then reads', async () => {
    // The first two SKJOIN (the attempt and its one retry) vanish: a TIMEOUT after 300 ms each.
    const r = await rig({ swallowJoins: 2, commandMs: 300, virtualTime: true });
    const abort = new AbortController();
    const summary = await runPoll(r.options(abort.signal, { count: 3 }));
    assert.equal(r.written.filter((w) => w === 'SKJOIN').length, 3, 'attempt, retry, then the rejoin of the recovery');
    assert.equal(summary.failed, 1);
    assert.equal(summary.readings, 3, '--count 3: three readings recorded');
  });

  it('still ends a one-shot poll whose join failed, with the join error', async () => {
    const r = await rig({ swallowJoins: 2, commandMs: 300, virtualTime: true });
    const { intervalSeconds: _i, ...oneShot } = r.options(new AbortController().signal);
    await assert.rejects(runPoll(oneShot), /SKJOIN/);
  });
});

/**
 * Runs an interval poll on rig `r`, sends the stop signal once `cond` holds, and returns the run's summary after
 * checking that the run ended within two seconds of the signal (real time).
 */
async function stoppedWhen(r: Awaited<ReturnType<typeof rig>>, cond: () => boolean) {
  const abort = new AbortController();
  const run = runPoll(r.options(abort.signal));
  await until(cond);
  const stopped = Date.now();
  abort.abort();
  const summary = await run;
  const took = Date.now() - stopped;
  assert.ok(took < 2000, `took ${took} ms`);
  return summary;
}

/** Waits for `cond`; the limit only turns a hang into a failure. */
async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('still waiting');
    await new Promise((res) => setTimeout(res, 5));
  }
}

describe('a reading the stick refused to send', () => {
  it('is sent again after the rejoin when SKSENDTO answers FAIL ER10, in the same slot', async () => {
    const r = await rig({ faults: 'fail:SKSENDTO@2' });
    const summary = await runPoll(r.options(new AbortController().signal, { count: 3 }));
    assert.equal(summary.failed, 0);
    assert.equal(summary.readings, 3);
    assert.equal(r.written.filter((w) => w === 'SKJOIN').length, 2, 'the first join and the rejoin after ER10');
  });
});
