/**
 * `bmeter demo` end to end: the README's first command, with a clean environment (no BMETER_*
 * variables, no config file) in an empty directory. It never opens a port, so it runs the same
 * whatever the suite's target (helpers/target.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { tempDirFor } from './helpers/temp-dir.js';

// How long the demo takes is a speed goal for the benchmark (bench/), not for a timed test here.
test('demo scans and prints three readings with no env and no config', { timeout: 60_000 }, async (t) => {
  const dir = tempDirFor(t);
  const run = await runBmeter(['demo'], { cwd: dir.path, timeoutMs: 30_000 });
  assert.equal(run.code, 0, describeRun(run));
  assert.match(run.stdout, /Meter found on channel 59 \(0x3B, 927\.7 MHz\)/);
  assert.match(run.stdout, /MAC address\s+001C640003DE5A1B/);
  const readings = run.stdout.match(/^\S+ \(poll\)$/gm) ?? [];
  assert.equal(readings.length, 3, describeRun(run));
  assert.equal((run.stdout.match(/^\s+power_w\s+-?\d+\s+W$/gm) ?? []).length, 3);
  assert.equal((run.stdout.match(/^\s+energy_normal_kwh\s+\d+(\.\d+)?\s+kWh$/gm) ?? []).length, 3);
  assert.deepEqual(readdirSync(dir.path), [], 'the demo leaves no file behind in the working directory');
});
