/**
 * Faults of the stick and of the settings that no retry can fix, through the real program with
 * the built-in simulator: an optional WOPT that fails, credentials the stick would refuse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { runProgram } from '../fixtures/run-program.js';

async function inTempDir<T>(fn: (cwd: string) => Promise<T>): Promise<T> {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-stick-'));
  try {
    return await fn(cwd);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

test('scan --set-hex-output on a stick whose WOPT answers FAIL ER10 warns and finds the meter anyway', async () => {
  await inTempDir(async (cwd) => {
    const simUrl = 'sim://?findAt=4&timeScale=0.001&erxudp=binary&faults=fail:WOPT';
    const r = await runProgram(['--port', '/dev/ttySIM0', 'scan', '--set-hex-output'], { cwd, simUrl });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /--set-hex-output: WOPT 01 failed \(WOPT failed: FAIL ER10[^)]*\)\); going on with binary ERXUDP/,
    );
    assert.match(r.stdout, /Meter found on channel 59/);
  });
});

test('poll with a password holding a space ends at once with exit 2 naming the variable, before the port is opened', async () => {
  await inTempDir(async (cwd) => {
    const env = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: 'DEM0 PASSW0RD' };
    const r = await runProgram(['--port', '/dev/ttySIM0', 'poll', '--interval', '60'], {
      cwd,
      simUrl: 'sim://?timeScale=0.001',
      env,
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /BMETER_ROUTEB_PASSWORD \(routeB\.password\): holds a space/);
    assert.ok(!r.stderr.includes('DEM0 PASSW0RD') && !r.stderr.includes(SIM_DEMO_PASSWORD));
    assert.deepEqual(r.ports, []);
  });
});
