/**
 * SIGINT/SIGTERM (the run's abort signal) ends a run within about two seconds whatever it waits for
 * (README: poll, history, serve): the first Get after the join and the Get on the session the stick
 * kept, a one-shot poll's only Get, a send held by the ARIB limit, SKSENDTO and the commands before
 * SKJOIN on a stick that stopped answering, the closing SKTERM, every rung of the recovery ladder
 * (rejoin, scan of the known channel, full rescan, port reopen with its drain and stick checks), the
 * stick checks at the start; history's first Get, its backfill on a poll's session and its wait past
 * midnight; serve's first reading and backfill. In-process against the simulator at its real timings
 * (timeScale 1), bmeter and the stick on one virtual clock: the time from the signal to the end of the
 * run is virtual time, so a wait that ignores the signal shows as the seconds it runs on, at no real cost.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBmeterError } from '../../src/errors.js';
import { historyOnSession, runHistory } from '../../src/history/history.js';
import { runPoll, type PollOptions } from '../../src/poll/poll.js';
import { ServeEvents } from '../../src/serve/events.js';
import { Health } from '../../src/serve/health.js';
import { runServe } from '../../src/serve/serve.js';
import type { ServeStore } from '../../src/serve/store-port.js';
import { parseFaults } from '../../src/sim/faults.js';
import type { SimOptions } from '../../src/sim/options.js';
import type { SimStick } from '../../src/sim/transport.js';
import type { Transport } from '../../src/transport/transport.js';
import { disposeSimRigs, simMeterRig, type RigCommon } from '../fixtures/sim-meter-rig.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

const CLOCK_MS = Date.parse('2024-05-01T12:10:00+09:00');
/** The sim meter's channel 59: bit 26 of the SKSCAN mask; every channel: FFFFFFFF. */
const KNOWN_CHANNEL_SCAN = 'SKSCAN 2 04000000';
const FULL_SCAN = 'SKSCAN 2 FFFFFFFF';
/** README: a stop takes "about two seconds whatever it waits for". */
const STOP_MS = 2000;

const clocks: VirtualClock[] = [];
afterEach(() => {
  for (const c of clocks.splice(0)) c.stop();
  disposeSimRigs();
});

interface Rig {
  stick: SimStick;
  clock: VirtualClock;
  /** The commands bmeter wrote (SKSCAN with its mask, the others by name), in order. */
  written: string[];
  records: Record<string, unknown>[];
  signal: AbortSignal;
  /** Aborts `delayMs` of virtual time after the first write `matches` accepts (from now on). */
  stopAfterWrite: (matches: (command: string, nth: number) => boolean, delayMs: number) => void;
  /** Aborts `delayMs` after the port is opened for the `nth` time (1 = the first open). */
  stopAfterOpen: (nth: number, delayMs: number) => void;
  /** The stick on the port open now stops answering: what bmeter writes is swallowed (a reopen gets a working one). */
  hang: () => void;
  /** Virtual ms from the signal to now. */
  sinceStop: () => number;
  common: () => RigCommon & { clock: VirtualClock; signal: AbortSignal };
  poll: (over?: Partial<PollOptions>) => PollOptions;
}

interface RigOptions {
  faults?: string;
  sim?: Partial<SimOptions>;
  startMs?: number;
  /** Opens after the first take this long (virtual ms): a tcp:// bridge connecting late. */
  slowReopenMs?: number;
  /** Opens after the first reach a stick that answers nothing. */
  silentReopen?: boolean;
  /** The first open reaches a stick that answers nothing. */
  silentFirstOpen?: boolean;
  /** The stick stops answering when this command is first written (it never sees it). */
  hangAt?: string;
  /** The full rescan's last duration (default 7; 4 makes a test that climbs past it quicker). */
  maxScanDuration?: number;
}

/**
 * Polls on rig `r` with the meter falling silent after the first record (the recovery ladder climbs), and
 * checks that the run ended on the signal within STOP_MS of virtual time. Returns the run's summary.
 */
async function silentMeterPollStopped(r: Rig) {
  const summary = await runPoll(r.poll({ sink: sinkThen(r, () => r.stick.setMeterOnAir(false)) }));
  assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
  assert.equal(summary.stoppedBy, 'signal');
  return summary;
}

async function rig(o: RigOptions = {}): Promise<Rig> {
  const clock = new VirtualClock(Date.now());
  clocks.push(clock);
  const base = await simMeterRig(
    { timeScale: 1, ...(o.faults !== undefined && { faults: parseFaults(o.faults) }), ...o.sim },
    { startMs: o.startMs ?? CLOCK_MS, rttMs: 50, dirPrefix: 'bmeter-stop-', timers: clock },
  );
  const abort = new AbortController();
  let stoppedAt: number | undefined;
  const stopIn = (ms: number): void =>
    void clock.setTimeout(() => {
      stoppedAt = clock.now();
      abort.abort();
    }, ms);
  const written: string[] = [];
  let watch: ((command: string) => void) | undefined;
  let opens = 0;
  let hungOpen = 0;
  let openWatch: { nth: number; delayMs: number } | undefined;
  const openPort = async (): Promise<Transport> => {
    opens += 1;
    if (openWatch?.nth === opens) stopIn(openWatch.delayMs);
    const later = opens > 1;
    if (later && o.slowReopenMs !== undefined)
      await new Promise<void>((res) => clock.setTimeout(res, o.slowReopenMs ?? 0));
    const t = await base.openPort();
    const silent = later ? o.silentReopen === true : o.silentFirstOpen === true;
    const nth = opens;
    return {
      ...t,
      write: async (data) => {
        const text = Buffer.from(data as Uint8Array).toString('latin1');
        const command = text.startsWith('SKSCAN ') ? text.slice(0, KNOWN_CHANNEL_SCAN.length) : text.split(/[ \r]/)[0];
        if (command !== undefined && command !== '') {
          written.push(command);
          watch?.(command);
          if (command === o.hangAt && hungOpen === 0) hungOpen = nth;
        }
        if (silent || hungOpen === nth) return;
        return t.write(data);
      },
    };
  };
  const config = {
    ...base.config,
    // The shipped timings (README, src/time/timing.ts), not the rig's short test ones.
    timeouts: { ...base.config.timeouts, commandMs: 5000, joinMs: 40_000, responseMs: 10_000 },
    retries: { ...base.config.retries, join: 3, request: 2 },
    scan: { ...base.config.scan, maxDuration: o.maxScanDuration ?? 7 },
  };
  const records: Record<string, unknown>[] = [];
  const common = () => ({ ...base.common(), clock, config, openPort, signal: abort.signal });
  return {
    stick: base.stick,
    clock,
    written,
    records,
    signal: abort.signal,
    stopAfterWrite: (matches, delayMs) => {
      const counts = new Map<string, number>();
      watch = (command) => {
        const nth = (counts.get(command) ?? 0) + 1;
        counts.set(command, nth);
        if (!matches(command, nth)) return;
        watch = undefined;
        stopIn(delayMs);
      };
    },
    stopAfterOpen: (nth, delayMs) => void (openWatch = { nth, delayMs }),
    hang: () => void (hungOpen = opens),
    sinceStop: () => {
      assert.ok(stoppedAt !== undefined, 'the signal was sent');
      return clock.now() - stoppedAt;
    },
    common,
    poll: (over = {}) => ({
      ...common(),
      reuseSession: false,
      properties: [0xe7],
      intervalSeconds: 5,
      sink: { closed: false, write: async (r) => void records.push(r) },
      ...over,
    }),
  };
}

function count(list: readonly string[], wanted: string): number {
  return list.filter((x) => x === wanted).length;
}

/** A sink that calls `after` once the first record is written (the meter goes silent then, say). */
function sinkThen(r: Rig, after: () => void): PollOptions['sink'] {
  return {
    closed: false,
    write: async (record) => {
      r.records.push(record);
      if (r.records.length === 1) after();
    },
  };
}

describe('a poll stops within two seconds of the signal at every wait', () => {
  it('the first Get after the join, unanswered: no retry after the signal, SKTERM ends the session', async () => {
    const r = await rig({ faults: 'drop@1+' });
    r.stopAfterWrite((c) => c === 'SKSENDTO', 3000);
    const summary = await runPoll(r.poll());
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.readings, 0);
    assert.equal(count(r.written, 'SKSENDTO'), 1, 'the one try sent before the signal');
    assert.equal(count(r.written, 'SKTERM'), 1, 'joined: the session is ended');
  });

  it("a one-shot poll's only Get: stopped as asked, not an error, and the session is kept for the next run", async () => {
    const r = await rig({ faults: 'drop@1+' });
    r.stopAfterWrite((c) => c === 'SKSENDTO', 3000);
    const { intervalSeconds: _i, ...oneShot } = r.poll();
    const summary = await runPoll(oneShot);
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(count(r.written, 'SKTERM'), 0);
  });

  it('the Get on the session the stick kept: no SKJOIN is started after the signal', async () => {
    const r = await rig({ faults: 'drop@2+' });
    const { intervalSeconds: _i, signal: _s, ...oneShot } = r.poll();
    const first = await runPoll({ ...oneShot, signal: new AbortController().signal, reuseSession: true });
    assert.equal(first.readings, 1);
    r.written.length = 0;
    r.stopAfterWrite((c) => c === 'SKSENDTO', 1000);
    const summary = await runPoll(r.poll({ reuseSession: true }));
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.joined, false);
    assert.equal(count(r.written, 'SKJOIN'), 0, r.written.join(' '));
  });

  it('a send held by the ARIB limit (EVENT 32, no EVENT 33 for ten minutes)', async () => {
    const r = await rig({ faults: 'event32@2', sim: { aribHoldS: 600 } });
    r.stopAfterWrite((c, nth) => c === 'SKSENDTO' && nth === 2, 1000);
    const summary = await runPoll(r.poll());
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.readings, 1);
  });

  it('the SKTERM that ends the session, to a meter gone off the air: given 1.5 s, not its 8 s', async () => {
    const r = await rig();
    r.stopAfterWrite((c, nth) => c === 'SKSENDTO' && nth === 2, 3000);
    await silentMeterPollStopped(r);
    assert.equal(r.written.at(-1), 'SKTERM', 'still joined after one unanswered reading: SKTERM is sent');
  });

  it('a stick that stopped answering, with SKSENDTO in flight', async () => {
    const r = await rig();
    r.stopAfterWrite((c, nth) => c === 'SKSENDTO' && nth === 2, 1000);
    const summary = await runPoll(r.poll({ sink: sinkThen(r, () => r.hang()) }));
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.readings, 1);
  });

  it('the commands before SKJOIN, on a stick that stopped answering', async () => {
    const r = await rig({ hangAt: 'SKSETPWD' });
    r.stopAfterWrite((c) => c === 'SKSETPWD', 1000);
    const summary = await runPoll(r.poll());
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(r.written.at(-1), 'SKSETPWD', 'nothing after it: no SKJOIN, and no SKTERM without a session');
  });

  it('the rejoin of the recovery ladder to a meter gone off the air: no SKTERM queued behind the SKJOIN left running', async () => {
    const r = await rig();
    r.stopAfterWrite((c, nth) => c === 'SKJOIN' && nth === 2, 1000);
    await silentMeterPollStopped(r);
    assert.equal(count(r.written, 'SKJOIN'), 2, r.written.join(' '));
    assert.equal(count(r.written, 'SKTERM'), 0, 'not joined: nothing to end');
  });

  it('the scan of the known channel: no further duration after the signal', async () => {
    const r = await rig();
    r.stopAfterWrite((c) => c === KNOWN_CHANNEL_SCAN, 200);
    await silentMeterPollStopped(r);
    assert.equal(count(r.written, KNOWN_CHANNEL_SCAN), 1, r.written.join(' '));
    assert.equal(r.written.at(-1), KNOWN_CHANNEL_SCAN, 'nothing after it: the link is down, so no SKTERM');
  });

  it('the full rescan (up to 66 s of SKSCAN): left at once', async () => {
    const r = await rig();
    r.stopAfterWrite((c) => c === FULL_SCAN, 1000);
    await silentMeterPollStopped(r);
    assert.equal(count(r.written, FULL_SCAN), 1, r.written.join(' '));
    assert.equal(r.written.at(-1), FULL_SCAN, 'nothing after it: the link is down, so no SKTERM');
  });

  it('the port reopen, when the port takes 20 s to open', async () => {
    const r = await rig({ slowReopenMs: 20_000, maxScanDuration: 4 });
    r.stopAfterOpen(2, 1000);
    await silentMeterPollStopped(r);
  });

  it('the drain and the stick checks of a reopened port whose stick answers nothing', async () => {
    const r = await rig({ silentReopen: true, maxScanDuration: 4 });
    r.stopAfterOpen(2, 1000);
    await silentMeterPollStopped(r);
    assert.equal(
      r.written.at(-1),
      'SKSREG',
      'the first check of the reopened port, then nothing (no SKVER, no SKJOIN)',
    );
  });

  it('the stick checks at the start, on a stick that answers nothing: the stop says where it was', async () => {
    const r = await rig({ silentFirstOpen: true });
    r.stopAfterOpen(1, 1000);
    await assert.rejects(runPoll(r.poll()), (err: unknown) => {
      assert.ok(isBmeterError(err, 'CLOSED'), String(err));
      assert.match((err as Error).message, /^stopped while opening sim:\/\/test/);
      return true;
    });
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
  });
});

describe('a history run stops within two seconds of the signal at every wait', () => {
  it('the first Get after the join, unanswered: ends quietly, nothing written', async () => {
    const r = await rig({ faults: 'drop@1+' });
    r.stopAfterWrite((c) => c === 'SKSENDTO', 3000);
    const summary = await runHistory({ ...r.common(), sink: r.poll().sink, reuseSession: false, days: 2 });
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
    assert.deepEqual({ days: summary.days, records: summary.records }, { days: 0, records: 0 });
    assert.equal(r.records.length, 0);
  });

  it("the wait past the meter's midnight", async () => {
    const r = await rig({ startMs: Date.parse('2024-05-01T23:59:30+09:00') });
    r.stopAfterWrite((c) => c === 'SKSENDTO', 2000);
    const summary = await runHistory({ ...r.common(), sink: r.poll().sink, reuseSession: false, days: 2 });
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
    assert.equal(summary.days, 0);
  });

  it("the backfill on a poll's session (serve), whose first Get goes unanswered", async () => {
    // Request 1 = the first reading; 2 = the backfill's first Get, and none is answered after it.
    const r = await rig({ faults: 'drop@2+' });
    r.stopAfterWrite((c, nth) => c === 'SKSENDTO' && nth === 2, 3000);
    let backfill: unknown = 'not run';
    const summary = await runPoll(
      r.poll({
        between: async (session, signal) => {
          if (backfill !== 'not run') return;
          const { logger, now } = r.common();
          backfill = await historyOnSession(session, { sink: r.poll().sink, signal, logger, now, days: 2 }).catch(
            (err: unknown) => err,
          );
        },
      }),
    );
    assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
    assert.equal(summary.stoppedBy, 'signal');
    assert.deepEqual(backfill, { days: 0, records: 0, reverse: false });
  });
});

/** A store that takes every record and has no half hours yet (serve fetches the last days first). */
function blankStore(): ServeStore {
  return {
    path: '/srv/bmeter/bmeter.db',
    insertReading: () => undefined,
    upsertHalfHours: () => undefined,
    lastSlotMs: () => undefined,
    latestReading: () => undefined,
    readings: () => [],
    halfHours: () => [],
    readingsJson: () => ({ items: '[]', count: 0, last: null }),
    halfHoursJson: () => ({ items: '[]', count: 0, last: null }),
    daily: () => [],
    close: () => undefined,
  };
}

describe('serve stops within two seconds of the signal', () => {
  for (const [wait, faults] of [
    ['the first Get after the join', 'drop@1+'],
    ['the first Get of the backfill after the first reading', 'drop@2+'],
  ] as const) {
    it(`${wait}, unanswered, ending the PANA session`, async () => {
      const r = await rig({ faults });
      r.stopAfterWrite((c, nth) => c === 'SKSENDTO' && nth === (faults === 'drop@1+' ? 1 : 2), 3000);
      const summary = await runServe({
        ...r.poll(),
        clock: r.clock,
        store: blankStore(),
        meter: r.stick.options.meterMac.toLowerCase(),
        intervalSeconds: 30,
        historyDays: 2,
        events: new ServeEvents(),
        health: new Health(r.clock, 30_000),
      });
      assert.ok(r.sinceStop() < STOP_MS, `stopped ${r.sinceStop()} ms after the signal`);
      assert.equal(summary.readings, faults === 'drop@1+' ? 0 : 1);
      assert.equal(summary.sessions, 1);
      assert.equal(r.written.at(-1), 'SKTERM');
    });
  }
});
