/**
 * A meter that moved (EVENT 24 at the first join, found on another channel by a scan of every channel) is joined
 * and read there even when the scan file must not or cannot be rewritten: a file made read-only (kept also for
 * root, whom the permission bits do not stop: bmeter checks the bits itself) or a symbolic link (replacing it
 * would replace the link, not its target). The run keeps the new channel in memory, warns once naming the file,
 * why and what to do, and leaves the file exactly as it was (src/session/recovery.ts recordMove). The real
 * program with the built-in simulator, on virtual time.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { SIM_SCAN_RESULT } from '../fixtures/scan-result.js';
import { runProgram, type ProgramRun } from '../fixtures/run-program.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

// The simulated meter's clock stands still at 12:10 Japan time (no half-hourly INF in the way); on channel 40 it
// moved from the scan file's channel 59: SKJOIN there ends in EVENT 24.
const FROZEN = 'clock=2024-05-01T12:10:00%2B09:00';
const MOVED = `sim://?${FROZEN}&timeScale=0.001&channel=40`;

/** The one warning about the move: the new channel, the file kept, and the way out. */
function keptWarning(stderr: string, file: string): string {
  const lines = stderr.split('\n').filter((l) => l.includes('the meter answers on channel'));
  assert.equal(lines.length, 1, stderr);
  const line = JSON.parse(lines[0] ?? '{}') as { level: string; msg: string };
  assert.equal(line.level, 'warn');
  assert.ok(
    line.msg.startsWith(
      `the meter answers on channel 40, PAN ${SIM_SCAN_RESULT.panId} now: this run uses it there, but scan file ` +
        `${file} was left as it was, so later runs will scan again. Why: `,
    ),
    line.msg,
  );
  assert.ok(line.msg.endsWith('. Once it may be written there, `bmeter scan` rewrites it'), line.msg);
  assert.doesNotMatch(stderr, /updated/);
  return line.msg;
}

/** One reading on stdout (a one-shot poll, --format json). */
function oneReading(stdout: string): void {
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, stdout);
  assert.equal(typeof (JSON.parse(lines[0] ?? '{}') as { power_w: unknown }).power_w, 'number');
}

/** `args` run against the moved meter with a read-only scan file; checks the file is as it was afterwards. */
async function withReadOnlyScanFile(t: TestContext, args: string[]): Promise<{ r: ProgramRun; file: string }> {
  const dir = tempDirFor(t);
  const file = dir.file('bmeter.scan.json');
  await writeScanFile(file, SIM_SCAN_RESULT);
  chmodSync(file, 0o444);
  const before = readFileSync(file, 'utf8');
  const r = await runProgram(['--port', '/dev/ttySIM0', ...args], { cwd: dir.path, simUrl: MOVED, virtualClock: true });
  assert.equal(readFileSync(file, 'utf8'), before);
  assert.equal(lstatSync(file).mode & 0o777, 0o444);
  return { r, file };
}

test('poll of a meter that moved, with a read-only scan file: read on the new channel, the file kept as it was', async (t) => {
  const { r, file } = await withReadOnlyScanFile(t, ['poll', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  oneReading(r.stdout);
  const msg = keptWarning(r.stderr, file);
  assert.match(msg, /is read-only \(no write permission\): bmeter does not write to a file made read-only/);
});

test('history of a meter that moved, with a read-only scan file: the day written, the file kept as it was', async (t) => {
  const { r, file } = await withReadOnlyScanFile(t, ['history', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 25, r.stderr); // 00:00 … 12:00
  keptWarning(r.stderr, file);
});

test('poll of a meter that moved, with a scan file that is a symbolic link: read there, link and target kept', async (t) => {
  const dir = tempDirFor(t);
  const target = dir.file('real.scan.json');
  const link = dir.file('bmeter.scan.json');
  await writeScanFile(target, SIM_SCAN_RESULT);
  symlinkSync('real.scan.json', link);
  const before = readFileSync(target, 'utf8');
  const r = await runProgram(['--port', '/dev/ttySIM0', 'poll', '--format', 'json'], {
    cwd: dir.path,
    simUrl: MOVED,
    virtualClock: true,
  });
  assert.equal(r.code, 0, r.stderr);
  oneReading(r.stdout);
  const msg = keptWarning(r.stderr, link);
  assert.match(msg, /is a symbolic link/);
  assert.ok(lstatSync(link).isSymbolicLink(), 'still a symbolic link');
  assert.equal(readFileSync(target, 'utf8'), before);
  assert.equal(lstatSync(target).mode & 0o777, 0o600);
});
