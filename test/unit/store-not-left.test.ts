/**
 * `poll --db` and `history --db` check what can refuse the run before they create the store: a --metrics-file
 * in a missing folder (poll), an --output file of other records or a --since in the future (history) ends the
 * run (exit 2, one line) with no new store, -wal, -shm or lock file beside the user's files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { runProgram } from '../fixtures/run-program.js';
import { SCAN_RESULT } from '../fixtures/scan-result.js';
import { NEEDS_SQLITE } from '../fixtures/sqlite.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

test('poll --db with a --metrics-file it cannot write makes no store', { skip: NEEDS_SQLITE }, async (t) => {
  const dir = tempDirFor(t);
  await writeScanFile(dir.file('scan.json'), SCAN_RESULT);
  const argv = ['--scan-file', 'scan.json', 'poll', '--db', 'new.db', '--metrics-file', 'nodir/bmeter.prom'];
  const run = await runProgram(argv, { cwd: dir.path, simUrl: 'sim://' });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^bmeter: .*nodir.*\n$/);
  assert.deepEqual(readdirSync(dir.path), ['scan.json'], 'no store, -wal, -shm or lock file left');
  assert.deepEqual(run.ports, [], 'no stick opened');
});

test(
  'history --db --output into a file of other records makes no store, and keeps the file',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const dir = tempDirFor(t);
    await writeScanFile(dir.file('scan.json'), SCAN_RESULT);
    const poll = 'timestamp,power_w\n2024-05-01T12:00:00+09:00,420\n';
    writeFileSync(dir.file('power.csv'), poll);
    const argv = ['--scan-file', 'scan.json', 'history', '--db', 'new.db', '--format', 'csv', '--output', 'power.csv'];
    const run = await runProgram(argv, { cwd: dir.path, simUrl: 'sim://' });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--output \S+power\.csv holds other records/);
    assert.deepEqual(readdirSync(dir.path).sort(), ['power.csv', 'scan.json'], 'no store left');
    assert.equal(readFileSync(dir.file('power.csv'), 'utf8'), poll);
  },
);

test('history --db --since in the future makes no store', { skip: NEEDS_SQLITE }, async (t) => {
  const dir = tempDirFor(t);
  await writeScanFile(dir.file('scan.json'), SCAN_RESULT);
  const argv = ['--scan-file', 'scan.json', 'history', '--db', 'new.db', '--since', '2999-01-01T00:00:00+09:00'];
  const run = await runProgram(argv, { cwd: dir.path, simUrl: 'sim://' });
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^bmeter: --since 2999-01-01T00:00:00\+09:00 is in the future/);
  assert.deepEqual(readdirSync(dir.path), ['scan.json'], 'no store, -wal, -shm or lock file left');
  assert.deepEqual(run.ports, [], 'no stick opened');
});
