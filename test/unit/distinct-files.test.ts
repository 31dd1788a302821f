/**
 * One run never writes two things into one file: `--output F --metrics-file F` is a usage error, and so is a file
 * option naming a file another one writes beside its own (src/fs/siblings.ts: the store's lock, -wal, -shm and
 * -journal, the --output lock, a temporary file before its rename): `--metrics-file x.db-wal` beside `--db x.db`
 * replaced the store's write-ahead log, and a kill -9 then lost every reading.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BmeterError } from '../../src/errors.js';
import { requireDistinctFiles, type FileOption } from '../../src/cli/distinct-files.js';
import { lockFileOf, scanTempFileOf, tempFileOf } from '../../src/fs/siblings.js';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { runProgram } from '../fixtures/run-program.js';
import { SCAN_RESULT } from '../fixtures/scan-result.js';
import { NEEDS_SQLITE } from '../fixtures/sqlite.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

test('two options naming one path (relative or absolute) are refused, naming both', () => {
  assert.throws(
    () =>
      requireDistinctFiles('/home/pi', {
        '--output': { path: 'power.csv', kind: 'output' },
        '--metrics-file': { path: '/home/pi/power.csv', kind: 'textfile' },
      }),
    (err: unknown) =>
      err instanceof BmeterError &&
      err.exitCode === 2 &&
      err.message === '--output and --metrics-file both name /home/pi/power.csv: give each its own file',
  );
  requireDistinctFiles('/home/pi', {
    '--output': { path: 'power.csv', kind: 'output' },
    '--metrics-file': { path: 'bmeter.prom', kind: 'textfile' },
    '--db': undefined,
  });
});

test('poll --output F --metrics-file F exits 2 before touching the meter, and leaves F as it was', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-same-'));
  try {
    const scan = await runProgram(['--port', '/dev/ttySIM0', 'scan'], { cwd, simUrl: 'sim://' });
    assert.equal(scan.code, 0, scan.stderr);
    writeFileSync(join(cwd, 'power.csv'), 'kept\n');
    const r = await runProgram(
      ['--port', '/dev/ttySIM0', 'poll', '--format', 'csv', '--output', 'power.csv', '--metrics-file', 'power.csv'],
      { cwd, simUrl: 'sim://' },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--output and --metrics-file both name .*power\.csv/);
    assert.equal(readFileSync(join(cwd, 'power.csv'), 'utf8'), 'kept\n');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

const refusal = (pattern: RegExp) => (err: unknown) =>
  err instanceof BmeterError && err.exitCode === 2 && pattern.test(err.message);

test('a file option naming a sibling another option writes beside its file is refused, either way round', () => {
  const pid = 4242;
  const cases: [FileOption, string, string][] = [
    [{ path: 'x.db', kind: 'store' }, lockFileOf('/home/pi/x.db'), 'lock file'],
    [{ path: 'x.db', kind: 'store' }, '/home/pi/x.db-wal', 'SQLite write-ahead log'],
    [{ path: 'x.db', kind: 'store' }, '/home/pi/x.db-shm', 'SQLite shared-memory index'],
    [{ path: 'x.db', kind: 'store' }, '/home/pi/x.db-journal', 'SQLite rollback journal'],
    [{ path: 'power.csv', kind: 'output' }, lockFileOf('/home/pi/power.csv'), 'lock file'],
    [{ path: 'bmeter.prom', kind: 'textfile' }, tempFileOf('/home/pi/bmeter.prom', pid), 'temporary file'],
    [{ path: 'day.svg', kind: 'chart' }, tempFileOf('/home/pi/day.svg', pid), 'temporary file'],
    [{ path: 'scan.json', kind: 'scan-file' }, scanTempFileOf('/home/pi/scan.json', pid, '0a1b2c3d'), 'temporary file'],
  ];
  for (const [file, sibling, what] of cases) {
    for (const kind of ['output', 'textfile', 'store'] as const) {
      const other = { path: sibling, kind };
      for (const files of [
        { '--a': file, '--b': other },
        { '--b': other, '--a': file },
      ]) {
        assert.throws(
          () => requireDistinctFiles('/home/pi', files),
          refusal(new RegExp(`^--b ${sibling.replace(/\./g, '\\.')} is the ${what}.* that --a /home/pi/${file.path} `)),
          `${sibling} beside ${file.path} (${file.kind})`,
        );
      }
    }
  }
});

test('names that only look like siblings, and files in other folders, are let through', () => {
  const ok = (a: FileOption, b: FileOption) => requireDistinctFiles('/home/pi', { '--a': a, '--b': b });
  ok({ path: 'x.db', kind: 'store' }, { path: 'x.db-wal.prom', kind: 'textfile' });
  ok({ path: 'x.db', kind: 'store' }, { path: 'x.db.lock2', kind: 'output' });
  ok({ path: 'x.db', kind: 'store' }, { path: '/var/x.db-wal', kind: 'textfile' });
  ok({ path: 'x.csv', kind: 'output' }, { path: 'x.csv-wal', kind: 'textfile' });
  ok({ path: 'm.prom', kind: 'textfile' }, { path: 'm.prom.tmp', kind: 'output' });
  ok({ path: 'm.prom', kind: 'textfile' }, { path: 'm.prom.lock', kind: 'output' });
  ok({ path: 'notes.csv', kind: 'input' }, { path: 'notes.csv.lock', kind: 'textfile' });
});

test('a sibling reached through a symbolic link to its folder is the same file', (t) => {
  const dir = tempDirFor(t, 'bmeter-siblings-');
  mkdirSync(dir.file('data'));
  symlinkSync(dir.file('data'), dir.file('link'));
  assert.throws(
    () =>
      requireDistinctFiles(dir.path, {
        '--db': { path: 'data/x.db', kind: 'store' },
        '--metrics-file': { path: 'link/x.db-wal', kind: 'textfile' },
      }),
    refusal(/--metrics-file .*link\/x\.db-wal is the SQLite write-ahead log that --db .*data\/x\.db writes beside it/),
  );
});

test('a link to a file not made yet is followed: to the store -wal, and from a store name to its real file', (t) => {
  const dir = tempDirFor(t, 'bmeter-siblings-');
  mkdirSync(dir.file('sub'));
  symlinkSync('y.db-wal', dir.file('o.csv')); // the WAL appears only once SQLite opens y.db
  symlinkSync(join('sub', 'k.db'), dir.file('kl.db')); // a store not made yet, reached by a link
  assert.throws(
    () =>
      requireDistinctFiles(dir.path, {
        '--db': { path: 'y.db', kind: 'store' },
        '--output': { path: 'o.csv', kind: 'output' },
      }),
    refusal(/--output .*o\.csv is the SQLite write-ahead log that --db .*y\.db writes beside it/),
  );
  assert.throws(
    () =>
      requireDistinctFiles(dir.path, {
        '--db': { path: 'kl.db', kind: 'store' },
        '--output': { path: 'sub/k.db-wal', kind: 'output' },
      }),
    refusal(/--output .*sub\/k\.db-wal is the SQLite write-ahead log that --db .*kl\.db writes beside it/),
  );
});

test('poll --output F --metrics-file F.lock exits 2 before the stick, and makes neither file', async (t) => {
  const dir = tempDirFor(t, 'bmeter-siblings-');
  await writeScanFile(dir.file('bmeter.scan.json'), SCAN_RESULT);
  const r = await runProgram(
    ['--port', 'sim://', 'poll', '--format', 'csv', '--output', 'o.csv', '--metrics-file', 'o.csv.lock'],
    { cwd: dir.path, simUrl: 'sim://' },
  );
  assert.equal(r.code, 2, r.stderr);
  assert.equal(
    r.stderr,
    `bmeter: --metrics-file ${dir.file('o.csv.lock')} is the lock file that --output ${dir.file('o.csv')} ` +
      'writes beside it: give --metrics-file a name of its own\n',
  );
  assert.deepEqual(r.ports, []);
  assert.deepEqual(readdirSync(dir.path), ['bmeter.scan.json']);
});

for (const [argv, line] of [
  [['poll', '--db', 'x.db', '--metrics-file', 'x.db.lock'], '--metrics-file x.db.lock is the lock file that --db x.db'],
  [
    ['serve', '--db', 'y.db', '--metrics-file', 'y.db-wal'],
    '--metrics-file y.db-wal is the SQLite write-ahead log that --db y.db',
  ],
  [
    ['serve', '--metrics-file', 'bmeter.db-shm'],
    '--metrics-file bmeter.db-shm is the SQLite shared-memory index that --db bmeter.db',
  ],
  [
    ['history', '--db', 'h.db', '--format', 'csv', '--output', 'h.db-journal'],
    '--output h.db-journal is the SQLite rollback journal that --db h.db',
  ],
] as const) {
  test(`${argv.join(' ')}: exit 2 before the store is made, naming both`, { skip: NEEDS_SQLITE }, async (t) => {
    const dir = tempDirFor(t, 'bmeter-siblings-');
    await writeScanFile(dir.file('bmeter.scan.json'), SCAN_RESULT);
    const r = await runProgram(['--port', 'sim://', ...argv], { cwd: dir.path, simUrl: 'sim://' });
    assert.equal(r.code, 2, r.stderr);
    const [option, file, ...rest] = line.split(' ');
    const words = rest.join(' ').split(' --db ');
    assert.equal(
      r.stderr,
      `bmeter: ${option} ${dir.file(file ?? '')} ${words[0]} --db ${dir.path}/${words[1]} writes beside it: ` +
        `give ${option} a name of its own\n`,
    );
    assert.deepEqual(r.ports, []);
    assert.deepEqual(readdirSync(dir.path), ['bmeter.scan.json'], 'no store, lock, -wal or output made');
  });
}

test('scan --scan-file naming the config file is refused (exit 2), and the config kept', async (t) => {
  const dir = tempDirFor(t, 'bmeter-siblings-');
  writeFileSync(dir.file('bmeter.config.json'), '{}\n');
  const r = await runProgram(['--port', 'sim://', '--scan-file', 'bmeter.config.json', 'scan'], {
    cwd: dir.path,
    simUrl: 'sim://',
  });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^bmeter: the scan file and the config file both name .*bmeter\.config\.json/);
  assert.equal(readFileSync(dir.file('bmeter.config.json'), 'utf8'), '{}\n');
});
