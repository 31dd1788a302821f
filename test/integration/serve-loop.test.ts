/**
 * The serve loop in-process against the simulated stick and meter, on a store that fails for a
 * while (a full disk): the session is kept (one SKJOIN), the readings wait and are written in
 * order once the store takes writes again, the half-hour record is fetched on the same session
 * between readings, and the abort ends the run with SKTERM.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/log/logger.js';
import { ServeEvents, type ServeEvent } from '../../src/serve/events.js';
import { Health } from '../../src/serve/health.js';
import { runServe } from '../../src/serve/serve.js';
import { systemClock } from '../../src/time/clock.js';
import { memoryStore } from '../fixtures/memory-store.js';
import { disposeSimRigs, simMeterRig } from '../fixtures/sim-meter-rig.js';

afterEach(() => disposeSimRigs());

const START = Date.parse('2024-05-01T12:10:00+09:00');

test(
  'a store that refuses writes for a while loses no reading and keeps the session; the backfill runs between readings',
  { timeout: 30_000 },
  async () => {
    const rig = await simMeterRig({}, { startMs: START, rttMs: 2, dirPrefix: 'bmeter-serve-loop-' });
    const { store, readings, slots } = memoryStore(3);
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: { write: (l: string) => lines.push(l) } });
    const abort = new AbortController();
    const events = new ServeEvents();
    const seen: ServeEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const printed: Record<string, unknown>[] = [];
    const summary = await runServe({
      ...rig.common(),
      logger,
      signal: abort.signal,
      properties: [0xe7, 0xe8, 0xe0, 0xe3, 0xea, 0xeb],
      store,
      meter: '001c640003dd6393',
      intervalSeconds: 0.05,
      historyDays: 1,
      clock: systemClock,
      events,
      health: new Health(systemClock, 50),
      onRecord: (record) => {
        printed.push(record);
        if (printed.filter((r) => r['source'] === 'poll').length >= 6) abort.abort();
      },
    });

    assert.equal(
      rig.commands.filter((c) => c === 'SKJOIN').length,
      1,
      'one join: a store fault never touches the session',
    );
    assert.equal(rig.commands.at(-1), 'SKTERM', 'the abort ends the PANA session');
    assert.ok(summary.readings >= 6);
    assert.deepEqual(
      readings.map((r) => r.timestamp),
      printed.map((r) => r['timestamp']),
      'every record stored, in order, and printed once stored',
    );
    const errors = lines.filter((l) => l.includes('"level":"error"'));
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /cannot write to the store \/srv\/bmeter\/bmeter\.db: database or disk is full/);
    assert.equal(slots.size, 25, "today's half-hours 00:00 … 12:00 (the meter's clock reads 12:10)");
    assert.equal(summary.halfHours, 25);
    const readingEvents = seen.filter((e) => e.type === 'reading');
    assert.equal(readingEvents.length, printed.length, 'one event per stored record');
    assert.equal(readingEvents[0]?.data['meter'], '001c640003dd6393');
    assert.deepEqual(seen.filter((e) => e.type === 'status').at(-1)?.data.state, 'stopped');
  },
);
