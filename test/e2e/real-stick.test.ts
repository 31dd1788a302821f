/**
 * The contract suite against real hardware (docs/design.md §3): the same user-level checks the
 * simulator suites make, run on a real stick and meter when BMETER_TEST_PORT names one (with
 * BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD set). CI has no hardware, so it is skipped there,
 * saying why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { tempDirFor } from './helpers/temp-dir.js';

const port = process.env['BMETER_TEST_PORT'];
const id = process.env['BMETER_ROUTEB_ID'];
const password = process.env['BMETER_ROUTEB_PASSWORD'];
const skip =
  port === undefined || port === ''
    ? 'no real stick: set BMETER_TEST_PORT (and BMETER_ROUTEB_ID, BMETER_ROUTEB_PASSWORD) to run it'
    : id === undefined || password === undefined
      ? 'BMETER_TEST_PORT is set but BMETER_ROUTEB_ID or BMETER_ROUTEB_PASSWORD is not'
      : false;

test('a real stick: scan writes a scan file, poll reads the meter, and no secret is printed', { skip, timeout: 300_000 }, async (t) => {
  const dir = tempDirFor(t);
  const scanFile = join(dir.path, 'scan.json');
  const env = { BMETER_ROUTEB_ID: id, BMETER_ROUTEB_PASSWORD: password };
  const common = ['--port', port ?? '', '--scan-file', scanFile];

  const scan = await runBmeter(['scan', ...common, '--max-duration', '8'], { env, cwd: dir.path, timeoutMs: 240_000 });
  assert.equal(scan.code, 0, describeRun(scan));
  const saved = JSON.parse(readFileSync(scanFile, 'utf8')) as Record<string, unknown>;
  assert.match(String(saved['ipv6']), /^FE80(:[0-9A-F]{4}){7}$/);
  assert.equal(saved['pairId'], (id ?? '').slice(-8), 'the meter found is the one paired with this Route-B ID');

  const poll = await runBmeter(['poll', ...common, '--format', 'json', '--log-level', 'trace'], { env, cwd: dir.path, timeoutMs: 120_000 });
  assert.equal(poll.code, 0, describeRun(poll));
  const record = JSON.parse(poll.stdout.trim()) as Record<string, unknown>;
  assert.equal(typeof record['power_w'], 'number');
  assert.equal(typeof record['energy_normal_kwh'], 'number');
  for (const secret of [id ?? '', password ?? '']) {
    const everything = scan.stdout + scan.stderr + poll.stdout + poll.stderr;
    assert.ok(!everything.includes(secret), 'a Route-B secret was printed');
  }
});
