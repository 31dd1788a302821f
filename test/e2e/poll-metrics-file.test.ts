/**
 * `bmeter poll --metrics-file` end to end: the Prometheus textfile of an interval run counts its
 * readings, a reading that failed and a session recovery by its step. The built CLI against the
 * built-in simulator (sim://) with injected faults; the exposition is parsed strictly
 * (test/fixtures/prometheus-text.ts) and the expected counts are written here by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { parseExposition, valueOf } from '../fixtures/prometheus-text.js';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { scanned } from './helpers/scanned.js';
import { jsonLines } from './helpers/json-lines.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const MAC = '001C640003DD6393';
const METER = '001c640003dd6393';

test('--metrics-file counts a failed reading and a recovery by its step', { timeout: 60_000 }, async (t) => {
  const dir = tempDirFor(t);
  const config = dir.file('bmeter.config.json');
  const fast = { timeouts: { responseMs: 600, joinMs: 5000 }, retries: { join: 1, request: 2 } };
  writeFileSync(config, JSON.stringify(fast));
  // A dropped request is given up after 600 ms (the simulator answers within milliseconds; the margin
  // is for a loaded machine: a spurious timeout would shift the fault plan's request numbers).
  // ECHONET request 3 → EVENT 26 (the session ends: one rejoin, the reading is sent again);
  // requests 5, 6, 7 dropped: one reading fails after its 3 tries. --count 5 counts records written,
  // so the failed reading is followed by one more: 5 records, 1 failure.
  // The meter's clock stands still: at :00/:30 of a live one its half-hourly INF would be a sixth record.
  const faults = 'faults=event26@3,drop@5,drop@6,drop@7';
  const common = await scanned(dir, `sim://?meterMac=${MAC}&clock=2024-05-01T12:10:00%2B09:00&${faults}`);
  const prom = dir.file('bmeter.prom');
  const run = await runBmeter(
    [
      'poll',
      ...common,
      '--config',
      config,
      '--interval',
      '0.3',
      '--count',
      '5',
      '--format',
      'json',
      '--metrics-file',
      prom,
    ],
    { env: CREDENTIALS, cwd: dir.path },
  );
  assert.equal(run.code, 0, describeRun(run));
  assert.equal(jsonLines(run.stdout).length, 5);
  const f = parseExposition(readFileSync(prom, 'utf8'));
  const m = { meter: METER };
  assert.equal(valueOf(f, 'bmeter_readings_total', { ...m, source: 'poll' }), 5);
  assert.equal(valueOf(f, 'bmeter_reading_failures_total', m), 1);
  assert.equal(valueOf(f, 'bmeter_session_recoveries_total', { ...m, step: 'rejoin' }), 1);
  assert.equal(valueOf(f, 'bmeter_session_recoveries_total', { ...m, step: 'scan-channel' }), 0);
  assert.equal(valueOf(f, 'bmeter_session_recoveries_total', { ...m, step: 'full-scan' }), 0);
  assert.equal(valueOf(f, 'bmeter_session_recoveries_total', { ...m, step: 'reopen' }), 0);
});
