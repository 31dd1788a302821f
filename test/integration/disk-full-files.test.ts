/**
 * The files bmeter writes whole (the scan file, the Prometheus textfile) on a full disk: a fault of the machine,
 * so exit 1 (WRITE_FAILED) with the cause and what to do, the file there before kept, no temp file left. A chart
 * on a full disk: test/e2e/plot-cli.test.ts. A real tmpfs filled to its last byte (root only; skipped with the
 * reason elsewhere). For the textfile, what a poll then does (README, "Exit status"): a one-shot run says it in
 * one line and exits 1; an interval run warns once and keeps reading.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BmeterError } from '../../src/errors.js';
import { writeAtomically } from '../../src/output/metrics/metrics-file.js';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { smallTmpfs } from '../fixtures/small-tmpfs.js';
import { SCAN_RESULT, SIM_SCAN_RESULT } from '../fixtures/scan-result.js';
import { runProgram } from '../fixtures/run-program.js';
import { tempFoldersOfFile } from '../e2e/helpers/temp-dir.js';

/** The simulated meter with its clock standing still (no half-hourly INF as an extra record). */
const SIM = 'sim://?clock=2024-05-01T12:10:00%2B09:00';
const tempFolder = tempFoldersOfFile('bmeter-full-disk-');

/** A 64 KiB tmpfs holding `before` in `name`, then filled to its last byte: its folder, or why there is none. */
function fullDisk(t: { after(fn: () => void): void }, name: string, before: string): { dir: string } | string {
  const disk = smallTmpfs(t, 64, 'no other test covers these two files');
  if (typeof disk === 'string') return disk;
  writeFileSync(join(disk.dir, name), before);
  try {
    writeFileSync(join(disk.dir, 'filler'), Buffer.alloc(128 * 1024));
  } catch {
    // ENOSPC: the disk is full now, as wanted
  }
  return disk;
}

/** What, its file's name, the write, the advice in the error, the file there before. */
const CASES: [string, string, (path: string) => Promise<unknown>, string, string][] = [
  [
    'the scan file',
    'bmeter.scan.json',
    (path) => writeScanFile(path, SCAN_RESULT),
    'the scan file there before, if any, is kept — free some space, or choose another with --scan-file',
    '{"version":1,"channel":59}\n', // only a scan file is replaced
  ],
  [
    'the metrics file',
    'bmeter.prom',
    (path) => writeAtomically(path, `# a textfile\n${'bmeter_up 1\n'.repeat(400)}`),
    'the textfile there before, if any, is kept — free some space, or name another --metrics-file',
    '# HELP bmeter_up an earlier run\nbmeter_up 1\n', // only a textfile bmeter wrote is replaced
  ],
];

for (const [what, name, write, advice, before] of CASES) {
  test(`${what} on a full disk: exit 1 naming the cause, the file before kept, no temp file left`, async (t) => {
    const disk = fullDisk(t, name, before);
    if (typeof disk === 'string') return t.skip(disk);
    const path = join(disk.dir, name);
    await assert.rejects(write(path), (err: unknown) => {
      assert.ok(err instanceof BmeterError);
      assert.equal(err.code, 'WRITE_FAILED');
      assert.equal(err.exitCode, 1);
      assert.equal(err.message, `cannot write ${what} ${path}: no space left on the device (ENOSPC); ${advice}`);
      return true;
    });
    assert.equal(readFileSync(path, 'utf8'), before);
    assert.deepEqual(readdirSync(disk.dir).sort(), [name, 'filler'].sort(), 'no temp file left');
  });
}

/** A scanned folder beside a full 64 KiB tmpfs, where bmeter.prom goes; or why there is none. */
async function scannedBesideFullDisk(t: {
  after(fn: () => void): void;
}): Promise<{ cwd: string; prom: string } | string> {
  const disk = fullDisk(t, 'bmeter.prom', '# HELP bmeter_up an earlier run\nbmeter_up 1\n');
  if (typeof disk === 'string') return disk;
  const cwd = tempFolder();
  await writeScanFile(join(cwd, 'bmeter.scan.json'), SIM_SCAN_RESULT);
  return { cwd, prom: join(disk.dir, 'bmeter.prom') };
}

test('a one-shot poll whose textfile a full disk keeps out: the reading printed, one line, exit 1', async (t) => {
  const where = await scannedBesideFullDisk(t);
  if (typeof where === 'string') return t.skip(where);
  const argv = ['--port', 'sim://', 'poll', '--format', 'json', '--metrics-file', where.prom];
  const run = await runProgram(argv, { cwd: where.cwd, simUrl: SIM });
  assert.equal(run.code, 1, run.stderr);
  assert.equal(
    run.stderr,
    `bmeter: cannot write the metrics file ${where.prom}: no space left on the device (ENOSPC); the textfile ` +
      'there before, if any, is kept — free some space, or name another --metrics-file\n',
  );
  assert.equal(run.stdout.trim().split('\n').length, 1, 'the reading itself went out');
  assert.equal(readFileSync(where.prom, 'utf8'), '# HELP bmeter_up an earlier run\nbmeter_up 1\n');
});

test('an interval poll on a full disk keeps reading: one warning for the textfile, exit 0 when done', async (t) => {
  const where = await scannedBesideFullDisk(t);
  if (typeof where === 'string') return t.skip(where);
  const argv = ['--port', 'sim://', 'poll', '--interval', '0.5', '--count', '3', '--format', 'json'];
  const run = await runProgram([...argv, '--metrics-file', where.prom], { cwd: where.cwd, simUrl: SIM });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.trim().split('\n').length, 3);
  // Real time (the full disk's writes are real I/O): a loaded machine may add a skipped-slot warning, never
  // another one about the textfile.
  const lines = run.stderr
    .trim()
    .split('\n')
    .filter((line) => line.includes('metrics file'));
  assert.equal(lines.length, 1, run.stderr);
  assert.doesNotMatch(run.stderr, /^bmeter: /m, 'no error line');
  const warning = JSON.parse(lines[0] ?? '') as { level: string; msg: string; err: string };
  assert.equal(warning.level, 'warn');
  assert.equal(
    warning.msg,
    `cannot write the metrics file ${where.prom}; it is tried again with each reading, which goes on meanwhile`,
  );
  assert.match(warning.err, /no space left on the device \(ENOSPC\)/);
});
