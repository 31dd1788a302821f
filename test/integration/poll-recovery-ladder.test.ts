/**
 * The recovery ladder of `bmeter poll --interval` run end to end against the simulator
 * (src/sim), in-process: rejoin → scan of the known channel (SKSCAN mask 1 << (ch − 33)) → full
 * rescan (scan file updated when the meter moved) → reopen the port (docs/protocol.md §3.6, §3.8–§3.11).
 * The meter goes silent with the sim's `drop@N-M` fault (N counts the ECHONET requests that reach
 * it), goes off the air (SimStick.setMeterOnAir) or moves (SimStick.moveMeter); the port wrapper
 * can hang or unplug the stick. One try per reading (retries.request 0) keeps the request count
 * equal to the reading count. bmeter's waits (answer timeouts, slots, command timeouts) and the
 * simulator's run on one virtual clock that jumps ahead whenever nothing is under way
 * (test/fixtures/virtual-clock.ts), so the file takes under a second instead of twenty. Expected commands,
 * masks and channels are written out by hand from docs/protocol.md, not computed by bmeter.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createLogger } from '../../src/log/logger.js';
import { parseFaults } from '../../src/sim/faults.js';
import type { SimOptions } from '../../src/sim/options.js';
import type { SimStick } from '../../src/sim/transport.js';
import type { Transport } from '../../src/transport/transport.js';
import { runPoll, type PollOptions } from '../../src/poll/poll.js';
import { disposeSimRigs, simMeterRig } from '../fixtures/sim-meter-rig.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

const CLOCK_MS = Date.parse('2024-05-01T12:10:00+09:00');
/** The sim meter's default channel is 0x3B = 59: bit 59 − 33 = 26 of the SKSCAN mask. */
const KNOWN_CHANNEL_SCAN = 'SKSCAN 2 04000000';
const FULL_SCAN = 'SKSCAN 2 FFFFFFFF';
const OPEN = '(port opened)';

const clocks: VirtualClock[] = [];
afterEach(() => {
  for (const c of clocks.splice(0)) c.stop();
  disposeSimRigs();
});

interface LogLine {
  level: string;
  msg: string;
}

interface Rig {
  stick: SimStick;
  scanFile: string;
  /** Port opens and the SKJOIN / SKSCAN lines bmeter wrote (SKJOIN without its address), in order. */
  timeline: string[];
  records: Record<string, unknown>[];
  logs: LogLine[];
  options: (over?: Partial<PollOptions>) => PollOptions;
  /** The stick stops answering commands on the port open now (a reopen gets a working one). */
  hangPort: () => void;
  /** The port open now closes under bmeter (the stick unplugged; the next open finds it again). */
  unplug: () => Promise<void>;
}

async function rig(sim: Partial<SimOptions>): Promise<Rig> {
  // bmeter's waits (answer timeouts, slots, command timeouts) and the stick's (answers, scans, joins) run on one
  // virtual time: no real waiting.
  const clock = new VirtualClock(CLOCK_MS);
  clocks.push(clock);
  const base = await simMeterRig(sim, { startMs: CLOCK_MS, rttMs: 2, dirPrefix: 'bmeter-ladder-', timers: clock });
  const timeline: string[] = [];
  const records: Record<string, unknown>[] = [];
  const logs: LogLine[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
  });
  const port = { current: undefined as Transport | undefined, hung: false };
  const openPort = async (): Promise<Transport> => {
    timeline.push(OPEN);
    const t = await base.openPort();
    port.current = t;
    port.hung = false;
    return {
      ...t,
      write: async (data) => {
        if (port.hung && port.current === t) return; // swallowed: the stick never sees it
        const text = Buffer.from(data as Uint8Array).toString('latin1');
        if (text.startsWith('SKJOIN ')) timeline.push('SKJOIN');
        else if (text.startsWith('SKSCAN ')) timeline.push(text.trim());
        return t.write(data);
      },
    };
  };
  const config = {
    ...base.config,
    timeouts: {
      ...base.config.timeouts,
      commandMs: 300,
      skverMs: 300,
      sendToMs: 300,
      terminateMs: 300,
      responseMs: 100,
      joinMs: 2000,
    },
    retries: { ...base.config.retries, join: 1, request: 0 },
    scan: { ...base.config.scan, minDuration: 4, maxDuration: 7, marginMs: 2000 },
  };
  const options = (over: Partial<PollOptions> = {}): PollOptions => ({
    ...base.common(),
    clock,
    config,
    logger,
    openPort,
    properties: [0xe7],
    intervalSeconds: 0.05,
    sink: { closed: false, write: async (r) => void records.push(r) },
    ...over,
  });
  return {
    stick: base.stick,
    scanFile: base.config.scanFile,
    timeline,
    records,
    logs,
    options,
    hangPort: () => void (port.hung = true),
    unplug: async () => port.current?.close(),
  };
}

function warnings(logs: readonly LogLine[]): string[] {
  return logs.filter((l) => l.level === 'warn').map((l) => l.msg);
}

/** Waits for `cond`; the limit only turns a hang into a failure, it is no performance bound. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`still waiting for ${what}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

function opens(r: Rig): number {
  return r.timeline.filter((x) => x === OPEN).length;
}

function countOf(list: readonly string[], wanted: string): number {
  return list.filter((x) => x === wanted).length;
}

describe('the poll recovery ladder against the simulator', () => {
  it('climbs rejoin → known-channel scan while the meter is silent and stops climbing when it answers again', async () => {
    // Request 1 = the first reading; 2–5 get no answer (two readings, the rejoin, two more readings).
    const r = await rig({ faults: parseFaults('drop@2-5') });
    const summary = await runPoll(r.options({ count: 8 }));
    assert.deepEqual(r.timeline, [OPEN, 'SKJOIN', 'SKJOIN', `${KNOWN_CHANNEL_SCAN} 6`, 'SKJOIN']);
    assert.equal(summary.stoppedBy, 'count');
    assert.equal(summary.failed, 4);
    assert.equal(summary.readings, 8, '--count counts readings recorded, not attempts');
    assert.equal(r.records.length, 8);
    assert.equal(r.records.at(-1)?.['power_w'], r.stick.meter.values.powerW(CLOCK_MS));
  });

  it('climbs every rung in order during a long silence, then records readings again without throwing', async () => {
    // Requests 2–9 unanswered: each rung is followed by one unanswered reading on the new session
    // and one more, so the reopen (after requests 8 and 9) is the step that brings it back.
    const r = await rig({ faults: parseFaults('drop@2-9') });
    const summary = await runPoll(r.options({ count: 12 }));
    assert.deepEqual(r.timeline, [
      OPEN,
      'SKJOIN', // first reading
      'SKJOIN', // rung 1: rejoin
      `${KNOWN_CHANNEL_SCAN} 6`, // rung 2: channel 59 only; the meter answers the scan at duration 6
      'SKJOIN',
      `${FULL_SCAN} 4`, // rung 3: every channel, from scan.minDuration 4
      'SKJOIN',
      OPEN, // rung 4: the port reopened
      'SKJOIN',
    ]);
    assert.equal(summary.stoppedBy, 'count');
    assert.equal(summary.failed, 8);
    assert.equal(summary.readings, 12);
    const polls = r.records.filter((x) => x['source'] === 'poll');
    assert.equal(polls.length, 12);
    assert.equal(polls.at(-1)?.['power_w'], r.stick.meter.values.powerW(CLOCK_MS));
    const infos = r.logs.filter((l) => l.level === 'info').map((l) => l.msg);
    assert.equal(countOf(infos, 'the meter answers again; readings recovered'), 1);
  });

  it('keeps climbing the ladder in an interval run while the meter stays silent and never gives up on its own', async () => {
    const r = await rig({ faults: parseFaults('drop@2+') });
    const abort = new AbortController();
    const run = runPoll(r.options({ signal: abort.signal }));
    // Two full climbs: the second rejoin after the first reopen, up to the second reopen.
    await until(() => opens(r) >= 3, 'the second reopen');
    abort.abort();
    const summary = await run;
    assert.equal(summary.stoppedBy, 'signal');
    assert.equal(summary.readings, 1);
    const steps = r.timeline.filter((x) => x !== 'SKJOIN');
    assert.deepEqual(steps.slice(0, 7), [
      OPEN,
      `${KNOWN_CHANNEL_SCAN} 6`,
      `${FULL_SCAN} 4`,
      OPEN,
      `${KNOWN_CHANNEL_SCAN} 6`,
      `${FULL_SCAN} 4`,
      OPEN,
    ]);
  });

  it('finds a meter that moved to another channel with the full rescan and rewrites the scan file', async () => {
    const r = await rig({});
    const before = JSON.parse(await readFile(r.scanFile, 'utf8')) as Record<string, unknown>;
    assert.equal(before['channel'], 59);
    const records = r.records;
    const sink = {
      closed: false,
      write: async (record: Record<string, unknown>) => {
        records.push(record);
        if (records.length === 1) r.stick.moveMeter(33); // right after the first reading
      },
    };
    const summary = await runPoll(r.options({ sink, count: 8 }));
    assert.deepEqual(r.timeline, [
      OPEN,
      'SKJOIN', // first reading on channel 59
      'SKJOIN', // rung 1: rejoin on channel 59 — nobody answers (EVENT 24), retried once (retries.join 1)
      'SKJOIN',
      `${KNOWN_CHANNEL_SCAN} 6`, // rung 2: channel 59 is empty at durations 6, 7 and 8
      `${KNOWN_CHANNEL_SCAN} 7`,
      `${KNOWN_CHANNEL_SCAN} 8`,
      `${FULL_SCAN} 4`, // rung 3: found on channel 33
      'SKJOIN',
    ]);
    assert.equal(summary.stoppedBy, 'count');
    assert.equal(summary.failed, 4, 'two unanswered readings, then the failed rejoin and the failed channel scan');
    assert.equal(summary.readings, 8);
    const after = JSON.parse(await readFile(r.scanFile, 'utf8')) as Record<string, unknown>;
    assert.equal(after['channel'], 33);
    assert.equal(after['channelHex'], '21');
    assert.equal(after['macAddress'], before['macAddress']);
    assert.equal(after['panId'], before['panId']);
    assert.equal(after['ipv6'], before['ipv6']);
    assert.equal(r.stick.registers.get('S02'), '21', 'the stick joined on channel 33');
    assert.equal(
      countOf(
        warnings(r.logs),
        `the meter answers on channel 33, PAN ${String(before['panId'])} now; scan file ${r.scanFile} updated`,
      ),
      1,
    );

    // The next run (cron) starts from the rewritten scan file: it reads on the session the stick
    // kept on channel 33, without a scan or a join.
    r.timeline.length = 0;
    const { intervalSeconds: _interval, ...oneShot } = r.options({ sink });
    const next = await runPoll(oneShot);
    assert.equal(next.joined, false);
    assert.deepEqual(r.timeline, [OPEN]);
    assert.equal(records.length, 9);
  });

  it('logs each ladder step once at warn level, not once per poll, however often the ladder is climbed', async () => {
    const r = await rig({ faults: parseFaults('drop@2+') });
    const abort = new AbortController();
    const run = runPoll(r.options({ signal: abort.signal }));
    await until(() => opens(r) >= 3, 'the second reopen');
    abort.abort();
    await run;
    const warns = warnings(r.logs);
    for (const step of [
      'recovering: rejoining the meter (SKJOIN)',
      'recovering: scanning the known channel for the meter',
      'recovering: scanning all channels for the meter (the scan file will be updated)',
      'recovering: reopening the serial port',
      'every recovery step was tried; retrying them quietly until the meter answers',
    ]) {
      assert.equal(countOf(warns, step), 1, `${step}\nwarnings:\n${warns.join('\n')}`);
    }
    // The failed reading said once, by poll (the session logs it at debug).
    assert.equal(warns.filter((m) => m.startsWith('reading failed:')).length, 0, warns.join('\n'));
    assert.equal(warns.filter((m) => m.startsWith('no reading in slot')).length, 1, warns.join('\n'));
    const debugs = r.logs.filter((l) => l.level === 'debug').map((l) => l.msg);
    assert.ok(countOf(debugs, 'recovering: rejoining the meter (SKJOIN)') >= 1, 'later climbs log at debug');
  });

  it('rides out a meter that is off the air for several climbs of the ladder and reads again when it is back', async () => {
    const r = await rig({});
    const abort = new AbortController();
    const sink = {
      closed: false,
      write: async (record: Record<string, unknown>) => {
        r.records.push(record);
        if (r.records.length === 1) r.stick.setMeterOnAir(false);
      },
    };
    const run = runPoll(r.options({ sink, signal: abort.signal }));
    // Every rung fails while the meter is silent; two full climbs (three port opens in all).
    await until(() => opens(r) >= 3, 'the second reopen');
    r.stick.setMeterOnAir(true);
    await until(() => r.records.length >= 3, 'readings after the meter came back');
    abort.abort();
    const summary = await run;
    assert.equal(summary.stoppedBy, 'signal');
    assert.ok(summary.failed >= 8, `failed ${summary.failed}`);
    const steps = r.timeline.filter((x) => x !== 'SKJOIN');
    assert.deepEqual(steps.slice(0, 4), [
      OPEN,
      `${KNOWN_CHANNEL_SCAN} 6`,
      `${KNOWN_CHANNEL_SCAN} 7`,
      `${KNOWN_CHANNEL_SCAN} 8`,
    ]);
    const warns = warnings(r.logs);
    for (const step of ['rejoin', 'scan-channel', 'full-scan']) {
      assert.equal(
        warns.filter((m) => m.startsWith(`recovery step ${step} failed:`)).length,
        1,
        `${step}\n${warns.join('\n')}`,
      );
    }
    const file = JSON.parse(await readFile(r.scanFile, 'utf8')) as Record<string, unknown>;
    assert.equal(file['channel'], 59, 'the scan file is left as it was');
    const infos = r.logs.filter((l) => l.level === 'info').map((l) => l.msg);
    assert.equal(countOf(infos, 'the meter answers again; readings recovered'), 1);
  });

  it('does not adopt a neighbour’s meter in the full rescan while its own meter is off the air', async () => {
    const r = await rig({ neighbours: 1 });
    const before = await readFile(r.scanFile, 'utf8');
    const sink = {
      closed: false,
      write: async (record: Record<string, unknown>) => {
        r.records.push(record);
        if (r.records.length === 1) r.stick.setMeterOnAir(false);
      },
    };
    const abort = new AbortController();
    const run = runPoll(r.options({ sink, signal: abort.signal }));
    await until(() => opens(r) >= 2, 'the reopen after the full rescan');
    assert.equal(await readFile(r.scanFile, 'utf8'), before, 'the scan file still names the own meter');
    r.stick.setMeterOnAir(true);
    await until(() => r.records.length >= 2, 'a reading from the own meter');
    abort.abort();
    await run;
    assert.equal(await readFile(r.scanFile, 'utf8'), before);
    assert.equal(r.records.at(-1)?.['power_w'], r.stick.meter.values.powerW(CLOCK_MS));
    assert.ok(!warnings(r.logs).some((m) => m.includes('now; scan file')), warnings(r.logs).join('\n'));
  });

  it('gets past a stick that stops answering commands by reopening the port, without hanging or throwing', async () => {
    const r = await rig({});
    const sink = {
      closed: false,
      write: async (record: Record<string, unknown>) => {
        r.records.push(record);
        if (r.records.length === 1) r.hangPort(); // SKSENDTO gets no OK from now on
      },
    };
    const summary = await runPoll(r.options({ sink, count: 8 }));
    // Nothing reaches the hung stick: the rejoin and both scans fail on their first command, and
    // the reopened port carries the join.
    assert.deepEqual(r.timeline, [OPEN, 'SKJOIN', OPEN, 'SKJOIN']);
    assert.equal(summary.stoppedBy, 'count');
    assert.equal(summary.failed, 5, 'two failed readings, then the rejoin and the two scans');
    assert.equal(summary.readings, 8);
    assert.equal(r.records.at(-1)?.['power_w'], r.stick.meter.values.powerW(CLOCK_MS));
  });

  it('reopens the port at once when the stick was unplugged (no rejoin or scan on a closed port), without losing a reading', async () => {
    const r = await rig({});
    const sink = {
      closed: false,
      write: async (record: Record<string, unknown>) => {
        r.records.push(record);
        if (r.records.length === 1) await r.unplug();
      },
    };
    const summary = await runPoll(r.options({ sink, count: 8 }));
    // The close is noticed as it happens: the next reading reopens the port first, in its own slot.
    assert.deepEqual(r.timeline, [OPEN, 'SKJOIN', OPEN, 'SKJOIN']);
    assert.equal(summary.stoppedBy, 'count');
    assert.equal(summary.failed, 0);
    assert.equal(summary.readings, 8);
    const warns = warnings(r.logs);
    assert.ok(warns.includes('the connection to the stick closed; will reopen the port'), warns.join('\n'));
    assert.ok(warns.includes('recovering: reopening the serial port'), warns.join('\n'));
  });
});
