/**
 * `--metrics-file FILE` replaces FILE whole after every reading, so it replaces only what is bmeter's: a
 * textfile bmeter wrote (it begins `# HELP bmeter_`) or an empty file. A file of other data (a history CSV)
 * and a read-only file — read-only by its mode, which root's writes ignore — are refused with exit 2 before
 * the meter is read, in one line naming the file and what to do, and left exactly as they were.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { BmeterError } from '../../src/errors.js';
import { TEXTFILE_START, writeAtomically } from '../../src/output/metrics/metrics-file.js';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { runProgram } from '../fixtures/run-program.js';
import { SIM_SCAN_RESULT } from '../fixtures/scan-result.js';
import { tempDirFor, type TempDir } from '../e2e/helpers/temp-dir.js';

const HISTORY_CSV =
  'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh\n' +
  Array.from({ length: 319 }, (_, i) => `2026-11-2${i % 7}T00:30:00+09:00,${12000 + i / 10},0,0.1,0\n`).join('');

/** A folder with the scan file of the simulated meter. */
async function scanned(t: { after(fn: () => void): void }): Promise<TempDir> {
  const dir = tempDirFor(t, 'bmeter-textfile-');
  await writeScanFile(dir.file('bmeter.scan.json'), SIM_SCAN_RESULT);
  return dir;
}

/** The simulated meter, its clock standing still (no half-hourly INF as an extra record). */
const SIM = 'sim://?clock=2024-05-01T12:10:00%2B09:00';

const poll = (dir: TempDir, file: string) =>
  runProgram(['--port', 'sim://', 'poll', '--format', 'csv', '--metrics-file', file], {
    cwd: dir.path,
    simUrl: SIM,
  });

test('poll --metrics-file naming a history CSV exits 2 before the meter is read, and leaves the CSV as it was', async (t) => {
  const dir = await scanned(t);
  writeFileSync(dir.file('week.csv'), HISTORY_CSV);
  const run = await poll(dir, 'week.csv');
  assert.equal(run.code, 2, run.stderr);
  assert.equal(
    run.stderr,
    `bmeter: --metrics-file ${dir.file('week.csv')} holds other data: its first line is ` +
      '"slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh", not the "# HELP bmeter_…" ' +
      'of a textfile bmeter wrote, and bmeter would replace it whole — give another --metrics-file (or move that ' +
      'one away)\n',
  );
  assert.deepEqual(run.ports, [], 'the stick was not opened');
  assert.equal(run.stdout, '');
  assert.equal(readFileSync(dir.file('week.csv'), 'utf8'), HISTORY_CSV);
});

test('a read-only textfile, even one bmeter wrote, is refused (exit 2) and kept with its mode', async (t) => {
  const dir = await scanned(t);
  const first = await poll(dir, 'bmeter.prom');
  assert.equal(first.code, 0, first.stderr);
  const before = readFileSync(dir.file('bmeter.prom'), 'utf8');
  assert.ok(before.startsWith(TEXTFILE_START));
  chmodSync(dir.file('bmeter.prom'), 0o444);
  const run = await poll(dir, 'bmeter.prom');
  assert.equal(run.code, 2, run.stderr);
  assert.equal(
    run.stderr,
    `bmeter: --metrics-file ${dir.file('bmeter.prom')} is read-only: bmeter replaces this file whole and will not ` +
      'replace one made read-only — make it writable (chmod u+w) or give another --metrics-file\n',
  );
  assert.deepEqual(run.ports, []);
  assert.equal(readFileSync(dir.file('bmeter.prom'), 'utf8'), before);
  assert.equal(statSync(dir.file('bmeter.prom')).mode & 0o7777, 0o444);
});

test('a textfile bmeter wrote and an empty file are replaced by the new metrics (exit 0)', async (t) => {
  const dir = await scanned(t);
  writeFileSync(dir.file('old.prom'), `${TEXTFILE_START}power_watts an earlier run\nbmeter_power_watts 1\n`);
  writeFileSync(dir.file('empty.prom'), '');
  for (const name of ['old.prom', 'empty.prom']) {
    const run = await poll(dir, name);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const text = readFileSync(dir.file(name), 'utf8');
    assert.match(text, /^# HELP bmeter_power_watts .*\n# TYPE bmeter_power_watts gauge\nbmeter_power_watts\{/);
    assert.doesNotMatch(text, /an earlier run/);
  }
});

test('a file of other data that appears at the name between two writes is refused there too, and kept', async (t) => {
  const dir = tempDirFor(t, 'bmeter-textfile-');
  const path = dir.file('bmeter.prom');
  await writeAtomically(path, `${TEXTFILE_START}up 1\nbmeter_up 1\n`);
  writeFileSync(path, 'a user note\n');
  await assert.rejects(
    writeAtomically(path, `${TEXTFILE_START}up 1\nbmeter_up 2\n`),
    (err: unknown) => err instanceof BmeterError && err.exitCode === 2 && /holds other data/.test(err.message),
  );
  assert.equal(readFileSync(path, 'utf8'), 'a user note\n');
});
