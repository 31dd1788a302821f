/**
 * SIGINT/SIGTERM stop bmeter within about two seconds whatever it waits for, saying where it
 * was, with exit status 0 (stopped as asked): here during a scan's SKSCAN (up to 35 s), while
 * waiting for a port another program holds (up to --wait-port), and while the first Get after the
 * join goes unanswered (poll and history: 3 tries of 10 s). The built CLI, spawned as a user would;
 * the time to exit is measured from the signal to the process's end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { describeRun, runBmeter, spawnBmeter, type BmeterProcess } from './helpers/run-bmeter.js';
import { tempDirFor } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };

async function waitForStderr(p: BmeterProcess, pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(p.stderr())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} on stderr:\n${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function signalAndTime(
  p: BmeterProcess,
  signal: NodeJS.Signals,
): Promise<{ ms: number; code: number | null; stderr: string }> {
  const sent = Date.now();
  process.kill(p.pid, signal);
  const result = await p.exited;
  return { ms: Date.now() - sent, code: result.code, stderr: result.stderr };
}

test('Ctrl-C during a scan ends it within 2 s, saying it was interrupted (not "no meter found")', async (t) => {
  const dir = tempDirFor(t, 'bmeter-sig-');
  // Real time: the first SKSCAN (duration 4) takes 4.6 s, and the meter is heard only at 14.
  const port = 'sim://?timeScale=1&findAt=14';
  const p = spawnBmeter(['scan', '--port', port, '--log-level', 'trace'], { cwd: dir.path, env: CREDENTIALS });
  t.after(() => p.stop());
  // The stick has taken the first SKSCAN (its OK): the scan is running.
  await waitForStderr(p, /attempt 1\/4[\s\S]*"tx":"SKSCAN [\s\S]*\\"type\\":\\"ok\\"/);
  const r = await signalAndTime(p, 'SIGINT');
  assert.ok(r.ms < 2000, `exited ${r.ms} ms after SIGINT`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /bmeter: scan interrupted \(SIGINT\/SIGTERM\) before a meter was chosen; the scan file was not written\n$/,
  );
  assert.doesNotMatch(r.stderr, /no smart meter answered/);
  assert.equal(existsSync(dir.file('bmeter.scan.json')), false);
});

test('SIGTERM while waiting for a port another program holds ends the wait within 2 s, naming the holder', async (t) => {
  const dir = tempDirFor(t, 'bmeter-sig-');
  const scan = await runBmeter(['scan', '--port', 'sim://?timeScale=0.001'], { cwd: dir.path, env: CREDENTIALS });
  assert.equal(scan.code, 0, describeRun(scan));
  const tty = dir.file('tty');
  const socat = spawn('socat', [`PTY,link=${tty},raw,echo=0`, 'EXEC:sleep 60'], { stdio: 'ignore' });
  t.after(() => socat.kill('SIGTERM'));
  for (let i = 0; i < 100 && !existsSync(tty); i++) await new Promise((r) => setTimeout(r, 20));
  const holder = spawn('flock', ['--exclusive', tty, 'sleep', '60'], { stdio: 'ignore' });
  t.after(() => holder.kill('SIGTERM'));
  // Until the holder has the lock: a non-blocking flock of our own fails then.
  const held = (): boolean => spawnSync('flock', ['--nonblock', tty, 'true']).status === 1;
  for (let i = 0; i < 250 && !held(); i++) await new Promise((r) => setTimeout(r, 20));

  const p = spawnBmeter(['poll', '--port', tty, '--wait-port', '30', '-v'], { cwd: dir.path, env: CREDENTIALS });
  t.after(() => p.stop());
  await waitForStderr(p, /serial port busy; waiting/);
  const r = await signalAndTime(p, 'SIGTERM');
  assert.ok(r.ms < 2000, `exited ${r.ms} ms after SIGTERM`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `bmeter: stopped while waiting for ${tty}: ${tty} is busy: held by pid \\d+ \\(flock --exclusive ${tty} sleep 60\\)\\n$`,
    ),
  );
});

test('SIGTERM while a Get goes unanswered ends the interval run within 2 s with SKTERM, keeping the records read', async (t) => {
  const dir = tempDirFor(t, 'bmeter-sig-');
  // The meter answers the first request, then none (each unanswered try waits 10 s, three tries).
  // A frozen meter clock: a half-hourly INF (at :00/:30 of a live one) would be a second record.
  const port = 'sim://?timeScale=0.001&clock=2024-05-01T12:10:00%2B09:00&faults=drop@2%2B';
  const scan = await runBmeter(['scan', '--port', port], { cwd: dir.path, env: CREDENTIALS });
  assert.equal(scan.code, 0, describeRun(scan));
  const p = spawnBmeter(['poll', '--port', port, '--interval', '0.3', '--format', 'json', '--log-level', 'trace'], {
    cwd: dir.path,
    env: CREDENTIALS,
  });
  t.after(() => p.stop());
  // The second Get is out (the stick's EVENT 21 after its SKSENDTO) and unanswered.
  await waitForStderr(p, /reading done[\s\S]*"tx":"SKSENDTO[\s\S]*\\"num\\":33,/);
  const r = await signalAndTime(p, 'SIGTERM');
  assert.ok(r.ms < 2000, `exited ${r.ms} ms after SIGTERM`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(p.stdout().trim().split('\n').length, 1, 'the first reading was written');
  assert.match(r.stderr, /PANA session terminated \(SKTERM\)|SKTERM/);
  assert.doesNotMatch(r.stderr, /no reading in slot/);
});

test('SIGTERM during the first join (EVENT 24, retried with backoff) ends the run within 2 s, without a reading after it', async (t) => {
  const dir = tempDirFor(t, 'bmeter-sig-');
  const scan = await runBmeter(['scan', '--port', 'sim://?timeScale=0.001'], { cwd: dir.path, env: CREDENTIALS });
  assert.equal(scan.code, 0, describeRun(scan));
  // The meter rejects every join: SKJOIN is retried after 4 s, 8 s, 16 s (28 s and more in all).
  const config = dir.file('bmeter.config.json');
  writeFileSync(config, JSON.stringify({ timeouts: { joinBackoffMs: 4000 } }));
  const port = 'sim://?timeScale=0.001&authReject=1';
  const p = spawnBmeter(['poll', '--port', port, '--config', config, '--interval', '60', '-vv'], {
    cwd: dir.path,
    env: CREDENTIALS,
  });
  t.after(() => p.stop());
  // The first retry: a 4 s backoff has just begun, which must not hold the exit up.
  await waitForStderr(p, /retrying SKJOIN/);
  const r = await signalAndTime(p, 'SIGTERM');
  assert.ok(r.ms < 2000, `exited ${r.ms} ms after SIGTERM`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(p.stdout(), '');
  assert.match(r.stderr, /stopped before the first reading/);
});

for (const [command, signal, args] of [
  ['poll', 'SIGINT', ['--interval', '5', '--format', 'csv']],
  ['history', 'SIGTERM', []],
] as const) {
  test(`${signal} while the first Get after the join goes unanswered ends \`bmeter ${command}\` within 2 s with status 0`, async (t) => {
    const dir = tempDirFor(t, 'bmeter-sig-');
    const scan = await runBmeter(['scan', '--port', 'sim://?timeScale=0.001'], { cwd: dir.path, env: CREDENTIALS });
    assert.equal(scan.code, 0, describeRun(scan));
    // The meter answers no request: each of the 3 tries waits 10 s for its answer.
    const port = 'sim://?timeScale=0.001&faults=drop@1-100';
    const p = spawnBmeter([command, '--port', port, ...args, '--log-level', 'trace'], {
      cwd: dir.path,
      env: CREDENTIALS,
    });
    t.after(() => p.stop());
    // The first Get is out (the stick's EVENT 21 after its SKSENDTO) and unanswered.
    await waitForStderr(p, /"tx":"SKSENDTO[\s\S]*\\"num\\":33,/);
    const r = await signalAndTime(p, signal);
    assert.ok(r.ms < 2000, `exited ${r.ms} ms after ${signal}`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(p.stdout(), '');
    assert.doesNotMatch(r.stderr, /bmeter: |no answer/);
  });
}
