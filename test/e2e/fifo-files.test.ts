/**
 * A named pipe (FIFO) where bmeter looks into a file before using it. Opening a FIFO for reading waits for
 * a writer, on a worker thread that even a second Ctrl-C cannot end, so bmeter never opens one that way
 * (src/fs/open-to-read.ts): `--output FIFO` is written as a stream, like `--output /dev/stdout` (the
 * CSV header once per run), and a scan file that is a FIFO is refused. The commands run as a user runs
 * them, each with a deadline: before, each of these hung until SIGKILL.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from '../../src/sim/options.js';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { scanned } from './helpers/scanned.js';
import { tempDirFor, type TempDir } from './helpers/temp-dir.js';

const CREDENTIALS = { BMETER_ROUTEB_ID: SIM_DEMO_ROUTEB_ID, BMETER_ROUTEB_PASSWORD: SIM_DEMO_PASSWORD };
const SIM = 'sim://?clock=2024-05-01T12:10:00%2B09:00';
/** A hang is killed after this long (a run takes well under a second). */
const DEADLINE_MS = 15_000;

/**
 * A FIFO at `dir/name` with `cat` reading it; `read` resolves with all it got once the writer closed. The
 * reader is killed after the test, so a bmeter that never opened the FIFO fails the test instead of hanging it.
 */
function fifoWithReader(t: TestContext, dir: TempDir, name: string): { path: string; read: Promise<string> } {
  const path = dir.file(name);
  execFileSync('mkfifo', [path]);
  const cat = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => void cat.kill('SIGKILL'));
  let got = '';
  cat.stdout.setEncoding('utf8').on('data', (s: string) => (got += s));
  const read = new Promise<string>((resolve) => cat.on('close', () => resolve(got)));
  return { path, read };
}

test('poll --output FIFO writes the CSV into the pipe and exits 0', { timeout: 60_000 }, async (t) => {
  const dir = tempDirFor(t, 'bmeter-fifo-');
  const common = await scanned(dir, SIM);
  const fifo = fifoWithReader(t, dir, 'power.fifo');
  const run = await runBmeter(['poll', ...common, '--format', 'csv', '--output', fifo.path], {
    env: CREDENTIALS,
    cwd: dir.path,
    timeoutMs: DEADLINE_MS,
  });
  assert.equal(run.code, 0, describeRun(run));
  const lines = (await fifo.read).trim().split('\n');
  assert.equal(lines.length, 2, `a header and one record, got ${JSON.stringify(lines)}`);
  assert.match(lines[0] ?? '', /^timestamp,power_w,/);
  assert.match(lines[1] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d,\d+,/); // the host's time
});

test('history --since auto --output FIFO fetches as for a new file and exits 0', { timeout: 60_000 }, async (t) => {
  const dir = tempDirFor(t, 'bmeter-fifo-');
  const common = await scanned(dir, SIM);
  const fifo = fifoWithReader(t, dir, 'halfhours.fifo');
  const run = await runBmeter(['history', ...common, '--since', 'auto', '--format', 'csv', '--output', fifo.path], {
    env: CREDENTIALS,
    cwd: dir.path,
    timeoutMs: DEADLINE_MS,
  });
  assert.equal(run.code, 0, describeRun(run));
  const lines = (await fifo.read).trim().split('\n');
  assert.match(lines[0] ?? '', /^slot_start,/);
  // The meter's clock is 12:10: today's half hours up to 12:00 (00:00 … 12:00, 25 slots), as for a new file.
  assert.equal(lines.length, 1 + 25, JSON.stringify(lines.slice(0, 3)));
  assert.match(lines[1] ?? '', /^2024-05-01T00:00:00\+09:00,/);
});

test('a scan file that is a FIFO is refused with exit 2, saying so', { timeout: 60_000 }, async (t) => {
  const dir = tempDirFor(t, 'bmeter-fifo-');
  const fifo = dir.file('scan.fifo');
  execFileSync('mkfifo', [fifo]);
  const run = await runBmeter(['poll', '--port', SIM, '--scan-file', fifo], {
    env: CREDENTIALS,
    cwd: dir.path,
    timeoutMs: DEADLINE_MS,
  });
  assert.equal(run.code, 2, describeRun(run));
  assert.equal(
    run.stderr,
    `bmeter: the scan file ${fifo} is not a regular file (a FIFO or a device): name a file (--scan-file or BMETER_SCAN_FILE)\n`,
  );
});
