/**
 * `bmeter serve`'s first join refused with EVENT 24 (serve's sessions are poll's interval runs, so the refusal is
 * settled by src/session/first-join.ts as every run's is): a meter that moved is found by one scan of every
 * channel and read there at once, with the scan file updated and the half-hour backfill run on that session;
 * wrong credentials where the meter answers end serve with AUTH (exit 4) instead of a session restarted forever.
 * In process against the simulator, bmeter and the stick on one virtual time.
 */
import { afterEach, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isBmeterError } from '../../src/errors.js';
import { ServeEvents } from '../../src/serve/events.js';
import { Health } from '../../src/serve/health.js';
import { runServe, type ServeOptions } from '../../src/serve/serve.js';
import { memoryStore } from '../fixtures/memory-store.js';
import { disposeSimRigs, simMeterRig, type SimMeterRig } from '../fixtures/sim-meter-rig.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

afterEach(disposeSimRigs);

/** The meter's clock reads 12:10 Japan time: today's record is 00:00 … 12:00, 25 half hours. */
const START = Date.parse('2024-05-01T12:10:00+09:00');

/** A rig whose scan file names channel 59 (0x3B), the simulator's default, and serve's options on it. */
async function serveRig(t: TestContext, startMs = START) {
  const clock = new VirtualClock(Date.now());
  t.after(() => clock.stop());
  const rig = await simMeterRig({}, { startMs, rttMs: 1, dirPrefix: 'bmeter-serve-join-', timers: clock });
  const memory = memoryStore();
  const abort = new AbortController();
  const options = (over: Partial<ServeOptions> = {}): ServeOptions => ({
    ...rig.common(),
    signal: abort.signal,
    properties: [0xe7, 0xe8, 0xe0, 0xe3, 0xea, 0xeb],
    store: memory.store,
    meter: rig.stick.options.meterMac.toLowerCase(),
    intervalSeconds: 1,
    historyDays: 1,
    clock,
    events: new ServeEvents(),
    health: new Health(clock, 1000),
    ...over,
  });
  return { rig, memory, abort, options, clock };
}

const scanChannel = (rig: SimMeterRig): number =>
  (JSON.parse(readFileSync(rig.config.scanFile, 'utf8')) as { channel: number }).channel;

test('serve of a meter that moved channel finds it, reads there from the first slot and backfills on that session', async (t) => {
  const { rig, memory, abort, options } = await serveRig(t);
  rig.stick.moveMeter(40); // SKJOIN on 59 gets no PANA answer: EVENT 24, as a wrong password would
  const summary = await runServe(
    options({
      onRecord: (record) => {
        if (record['source'] === 'poll' && memory.slots.size > 0) abort.abort();
      },
    }),
  );
  assert.equal(summary.sessions, 1, 'no session restarted');
  assert.ok(memory.readings.length >= 1);
  assert.equal(memory.slots.size, 25, "today's half hours, fetched between readings");
  assert.equal(scanChannel(rig), 40, 'the scan file names the new channel');
  const joins = rig.commands.filter((c) => c === 'SKJOIN').length;
  assert.equal(joins, 3, 'two refused on channel 59 (retries.join = 1), one on 40, none after');
});

test('serve with a wrong password where the meter answers ends with AUTH naming the credentials', async (t) => {
  const { rig, memory, options } = await serveRig(t);
  await assert.rejects(runServe(options({ creds: { ...rig.creds, password: 'WRONGPASSWD1' } })), (err: unknown) => {
    assert.ok(isBmeterError(err, 'AUTH'), String(err));
    assert.match(err.message, /a scan of all channels found the meter where the scan file says$/);
    return true;
  });
  assert.deepEqual(memory.readings, []);
  assert.equal(scanChannel(rig), 0x3b);
});

test("serve near the meter's midnight reads on while the half-hour record waits for the day change", async (t) => {
  const { rig, memory, abort, options, clock } = await serveRig(t, Date.parse('2024-05-01T23:59:30+09:00'));
  const started = clock.now();
  let readings = 0;
  let fiveAfterMs = Infinity;
  const summary = await runServe(
    options({
      onRecord: (record) => {
        if (record['source'] !== 'poll') return;
        readings += 1;
        if (readings === 5) {
          fiveAfterMs = clock.now() - started;
          rig.clock.ms = Date.parse('2024-05-02T00:02:00+09:00'); // the meter's day changes
        }
        if (memory.slots.size > 0) abort.abort();
      },
    }),
  );
  // One reading a second: five readings in about five seconds, not after a wait of minutes for the midnight.
  assert.ok(fiveAfterMs < 15_000, `the fifth reading came ${fiveAfterMs} ms after the start`);
  assert.equal(summary.sessions, 1);
  assert.deepEqual([...memory.slots.keys()], ['2024-05-02T00:00:00+09:00'], 'fetched once the day had changed');
});
