/**
 * Readings the ARIB transmit-time limit (EVENT 32 … EVENT 33) gets in the way of: retried once
 * sending is allowed again, and, when the pause outlasts the reading's slot, reported at warn
 * instead of dropped without a word. The real program with the built-in simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { runProgram } from '../fixtures/run-program.js';

// The simulated meter's clock stands still (at 12:10, far from a half-hour mark): at :00 and :30 of a live
// clock the meter sends its half-hourly INF, and poll writes it as one more record than these tests count.
const FROZEN = 'clock=2024-05-01T12:10:00%2B09:00';

async function scannedDir(simUrl: string): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-lost-'));
  const scan = await runProgram(['--port', '/dev/ttySIM0', 'scan'], { cwd, simUrl });
  assert.equal(scan.code, 0, scan.stderr);
  return cwd;
}

test('a reading whose Get meets EVENT 32 is sent again after EVENT 33: three readings, three records', async () => {
  // The limit starts at the 2nd request and lasts 60 simulated seconds (60 ms at this time scale), well inside
  // the 2 s slot; bmeter and the stick share one virtual time, so a loaded machine cannot push it past the slot.
  const simUrl = `sim://?${FROZEN}&timeScale=0.001&faults=event32@2&aribHoldS=60`;
  const cwd = await scannedDir(simUrl);
  try {
    const r = await runProgram(
      ['--port', '/dev/ttySIM0', 'poll', '--interval', '2', '--count', '3', '--format', 'json'],
      { cwd, simUrl, virtualClock: true },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 3, r.stderr);
    assert.doesNotMatch(r.stderr, /no reading in slot/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a reading held past its slot by EVENT 32 is reported at warn, naming the slot and the cause', async () => {
  // The limit lasts 1,000 simulated seconds (1 s here): longer than the slots of the 0.3 s interval, so
  // the readings of those slots are given up; --count 2 counts records, so the run ends with the second
  // record after the limit.
  const simUrl = `sim://?${FROZEN}&timeScale=0.001&faults=event32@2&aribHoldS=1000`;
  const cwd = await scannedDir(simUrl);
  try {
    const r = await runProgram(
      ['--port', '/dev/ttySIM0', 'poll', '--interval', '0.3', '--count', '2', '--format', 'json'],
      { cwd, simUrl, virtualClock: true },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 2);
    const warns = r.stderr.split('\n').filter((l) => l.includes('no reading in slot'));
    assert.equal(warns.length, 1, r.stderr);
    const line = JSON.parse(warns[0] ?? '{}') as { level: string; msg: string };
    assert.equal(line.level, 'warn');
    assert.equal(
      line.msg,
      'no reading in slot 1: the stick cannot send (session down, re-authenticating or TX-limited)',
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('an interval run whose first SKJOIN fails (FAIL ER10) joins again at a later slot instead of ending', async () => {
  const simUrl = `sim://?${FROZEN}&timeScale=0.001&faults=fail:SKJOIN@1`;
  const cwd = await scannedDir(`sim://?${FROZEN}&timeScale=0.001`);
  try {
    const r = await runProgram(
      ['--port', '/dev/ttySIM0', 'poll', '--interval', '0.3', '--count', '2', '--format', 'json'],
      { cwd, simUrl, virtualClock: true },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the first join failed \(SKJOIN failed: FAIL ER10/);
    assert.ok(r.stdout.trim().split('\n').filter(Boolean).length >= 1, r.stderr);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a one-shot poll whose first SKJOIN fails still ends with the error (cron runs again)', async () => {
  const simUrl = `sim://?${FROZEN}&timeScale=0.001&faults=fail:SKJOIN@1`;
  const cwd = await scannedDir(`sim://?${FROZEN}&timeScale=0.001`);
  try {
    const r = await runProgram(['--port', '/dev/ttySIM0', 'poll'], { cwd, simUrl });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /SKJOIN failed: FAIL ER10/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a meter that stops answering is reported once at warn, and the count of lost readings when it answers again', async () => {
  // Requests 2 to 4 are not answered; answers come back from request 5. One try of 0.1 s per reading, on
  // a virtual clock: the answer timeout fires only when the stick has nothing more to send, never because
  // a loaded machine was slow to answer.
  const simUrl = `sim://?${FROZEN}&timeScale=0.001&faults=drop@2-4`;
  const cwd = await scannedDir(`sim://?${FROZEN}&timeScale=0.001`);
  try {
    writeFileSync(
      join(cwd, 'bmeter.config.json'),
      JSON.stringify({ timeouts: { responseMs: 100 }, retries: { request: 0 } }),
    );
    const r = await runProgram(
      ['--port', '/dev/ttySIM0', 'poll', '--interval', '0.3', '--count', '6', '--format', 'json'],
      { cwd, simUrl, virtualClock: true },
    );
    assert.equal(r.code, 0, r.stderr);
    const warns = r.stderr
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .filter((l) => l.level === 'warn')
      .map((l) => l.msg);
    assert.equal(warns.filter((m) => m.startsWith('no reading in slot')).length, 1, warns.join('\n'));
    assert.equal(warns.filter((m) => /no answer/.test(m)).length, 1, `the cause said once:\n${warns.join('\n')}`);
    assert.equal(
      warns.filter((m) => /^\d+ readings were lost in a row \(slots 1–\d+\); reading again$/.test(m)).length,
      1,
      warns.join('\n'),
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a one-shot poll the meter never answers says so in one line, its error, with exit 1', async () => {
  const simUrl = `sim://?${FROZEN}&timeScale=0.001&faults=drop@1-100`;
  const cwd = await scannedDir(`sim://?${FROZEN}&timeScale=0.001`);
  try {
    const r = await runProgram(['--port', '/dev/ttySIM0', 'poll'], { cwd, simUrl, virtualClock: true });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'bmeter: no reading from the meter: no answer to Get E7,E8,E0,E3,EA,EB,D3,D7,E1 after 3 tries of 10 s\n',
    );
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('an interval shorter than a reading takes warns about skipped slots once, then at debug', async () => {
  // 1 ms slots: every reading (several simulated milliseconds of stick replies) runs past the next ones.
  const simUrl = `sim://?${FROZEN}&timeScale=0.001`;
  const cwd = await scannedDir(simUrl);
  try {
    const r = await runProgram(
      ['--port', '/dev/ttySIM0', 'poll', '--interval', '0.001', '--count', '5', '--format', 'json', '-vv'],
      { cwd, simUrl, virtualClock: true },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 5);
    const skips = r.stderr
      .split('\n')
      .filter((l) => l.includes('ran past them'))
      .map((l) => JSON.parse(l) as { level: string; msg: string });
    assert.equal(skips.length, 4, r.stderr);
    assert.deepEqual(
      skips.map((l) => l.level),
      ['warn', 'debug', 'debug', 'debug'],
    );
    assert.match(skips[0]?.msg ?? '', /; more such slots are logged at debug until a reading is on time again$/);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('an interval run whose first join is refused because the meter moved channel finds it, updates the scan file and reads', async () => {
  // Scanned on channel 59 (0x3B, the simulator's default); the meter answers on channel 40 now: SKJOIN on 59 gets
  // no PANA answer and ends in EVENT 24, as a wrong password would.
  const cwd = await scannedDir(`sim://?${FROZEN}&timeScale=0.001`);
  try {
    const simUrl = `sim://?${FROZEN}&timeScale=0.001&channel=40`;
    const r = await runProgram(
      ['--port', '/dev/ttySIM0', 'poll', '--interval', '0.3', '--count', '2', '--format', 'json'],
      { cwd, simUrl, virtualClock: true },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /the meter refused the join \(EVENT 24\): scanning all channels in case it moved/);
    assert.match(r.stderr, /the meter answers on channel 40, PAN [0-9A-F]+ now; scan file .* updated/);
    // Joined there at once: no reading lost, no word about the credentials.
    assert.doesNotMatch(r.stderr, /no reading in slot|first join failed|Route-B ID/);
    const scanFile = JSON.parse(readFileSync(join(cwd, 'bmeter.scan.json'), 'utf8')) as { channel: number };
    assert.equal(scanFile.channel, 40);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('an interval run whose first join is refused where the meter still answers exits 4: the credentials', async () => {
  const simUrl = `sim://?${FROZEN}&timeScale=0.001`;
  const cwd = await scannedDir(simUrl);
  try {
    const before = readFileSync(join(cwd, 'bmeter.scan.json'), 'utf8');
    const r = await runProgram(['--port', '/dev/ttySIM0', 'poll', '--interval', '0.3', '--count', '2'], {
      cwd,
      simUrl,
      virtualClock: true,
      env: { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: 'WRONGPASSWD1' },
    });
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, /scanning all channels in case it moved/);
    assert.match(
      r.stderr,
      /bmeter: SKJOIN failed: EVENT 24 .* \(authentication rejected\) — check the Route-B ID and password .*: a scan of all channels found the meter where the scan file says\n$/,
    );
    assert.equal(r.stdout, '');
    assert.equal(readFileSync(join(cwd, 'bmeter.scan.json'), 'utf8'), before, 'the scan file is left as it was');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('a one-shot poll (cron) of a meter that moved channel finds it, updates the scan file and reads', async () => {
  const cwd = await scannedDir(`sim://?${FROZEN}&timeScale=0.001`);
  try {
    const r = await runProgram(['--port', '/dev/ttySIM0', 'poll', '--format', 'json'], {
      cwd,
      simUrl: `sim://?${FROZEN}&timeScale=0.001&channel=40`,
      virtualClock: true,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1, r.stderr);
    const scanFile = JSON.parse(readFileSync(join(cwd, 'bmeter.scan.json'), 'utf8')) as { channel: number };
    assert.equal(scanFile.channel, 40);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
