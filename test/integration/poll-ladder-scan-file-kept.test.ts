/**
 * The recovery ladder's full rescan during an interval poll (docs/protocol.md §6 step 7) finds a meter that moved;
 * when the scan file is read-only (kept also for root: bmeter checks the permission bits itself), the run goes on
 * on the new channel, warns once, and leaves the file exactly as it was. runPoll in process on virtual time.
 */
import { afterEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { createLogger } from '../../src/log/logger.js';
import { runPoll } from '../../src/poll/poll.js';
import { disposeSimRigs, simMeterRig } from '../fixtures/sim-meter-rig.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

const CLOCK_MS = Date.parse('2024-05-01T12:10:00+09:00');
const clocks: VirtualClock[] = [];
afterEach(() => {
  for (const c of clocks.splice(0)) c.stop();
  disposeSimRigs();
});

it('a full rescan of the ladder that finds the meter moved keeps a read-only scan file and reads on', async () => {
  const clock = new VirtualClock(CLOCK_MS);
  clocks.push(clock);
  const base = await simMeterRig({}, { startMs: CLOCK_MS, rttMs: 2, dirPrefix: 'bmeter-ladder-kept-', timers: clock });
  const logs: { level: string; msg: string }[] = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as { level: string; msg: string }) },
  });
  const file = base.config.scanFile;
  chmodSync(file, 0o444);
  const before = readFileSync(file, 'utf8');
  const records: unknown[] = [];
  const config = {
    ...base.config,
    timeouts: { ...base.config.timeouts, commandMs: 300, skverMs: 300, sendToMs: 300, responseMs: 100, joinMs: 2000 },
    retries: { ...base.config.retries, join: 1, request: 0 },
    scan: { ...base.config.scan, minDuration: 4, maxDuration: 7, marginMs: 2000 },
  };
  const summary = await runPoll({
    ...base.common(),
    clock,
    config,
    logger,
    properties: [0xe7],
    intervalSeconds: 0.05,
    count: 4,
    sink: {
      closed: false,
      write: async (record) => {
        records.push(record);
        if (records.length === 1) base.stick.moveMeter(33); // right after the first reading
      },
    },
  });
  assert.equal(summary.readings, 4);
  assert.equal(base.stick.registers.get('S02'), '21', 'joined on channel 33');
  const moved = logs.filter((l) => l.msg.startsWith('the meter answers on channel 33'));
  assert.equal(moved.length, 1, JSON.stringify(logs));
  assert.equal(moved[0]?.level, 'warn');
  assert.match(moved[0]?.msg ?? '', /but scan file .* was left as it was, .* is read-only \(no write permission\)/);
  assert.equal(readFileSync(file, 'utf8'), before);
  assert.equal(statSync(file).mode & 0o777, 0o444);
});
