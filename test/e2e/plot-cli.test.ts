/**
 * `bmeter plot` spawned as a user runs it, on files written by hand in test/fixtures/plot
 * (a history CSV with a repeated header and empty values, a poll JSON-lines file with a null
 * power and a blank line) and on a real SQLite store where node:sqlite exists: the SVG and PNG charts, the errors
 * as a user sees them. The terminal chart and the refused options run in process: test/unit/plot-cli.test.ts.
 */
import { repoPath } from '../fixtures/repo-root.js';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { countMarks, pngSize, svgTexts } from '../fixtures/svg-marks.js';
import { describeRun, runBmeter } from './helpers/run-bmeter.js';
import { makeTempDir, tempDirFor, type TempDir } from './helpers/temp-dir.js';
import { smallTmpfs } from '../fixtures/small-tmpfs.js';

const HALF_HOURS = repoPath('test', 'fixtures', 'plot', 'halfhours.csv');
const POWER = repoPath('test', 'fixtures', 'plot', 'power.jsonl');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const HAS_SQLITE = major > 22 || (major === 22 && minor >= 13);

let powerRun: Promise<string> | undefined;
/**
 * The SVG of `plot --input power.jsonl --out power.svg`: run once for the tests that read it (the
 * power chart's points, the PNG's size), in a folder removed when the process exits.
 */
function powerSvg(): Promise<string> {
  powerRun ??= (async () => {
    const dir = makeTempDir();
    process.once('exit', () => dir.remove());
    const run = await runBmeter(['plot', '--input', POWER, '--out', 'power.svg'], { cwd: dir.path });
    assert.equal(run.code, 0, describeRun(run));
    return readFileSync(dir.file('power.svg'), 'utf8');
  })();
  return powerRun;
}

test('an SVG of half hours holds one bar per value given, with units and Japan time on the axes', async (t) => {
  const dir = tempDirFor(t);
  const run = await runBmeter(['plot', '--input', HALF_HOURS, '--out', 'hh.svg'], { cwd: dir.path });
  assert.equal(run.code, 0, describeRun(run));
  const svg = readFileSync(dir.file('hh.svg'), 'utf8');
  // 6 consumed values + 4 exported values (empty fields are no value)
  assert.equal(countMarks(svg, 'rect'), 10);
  const texts = svgTexts(svg);
  assert.ok(texts.includes('Energy per half hour (kWh)'), texts.join(' | '));
  assert.ok(texts.includes('Time (Japan, UTC+09:00)'));
  assert.ok(texts.includes('11-29 00:00'), 'ticks are Japan wall time');
});

test('an SVG of power holds one point per reading that has a power value', async () => {
  const svg = await powerSvg();
  assert.equal(countMarks(svg, 'symbol'), 5);
  assert.ok(svgTexts(svg).includes('Power (W)'));
});

test('the daily chart sums half hours into Japan days', async (t) => {
  const dir = tempDirFor(t);
  const run = await runBmeter(['plot', '--input', HALF_HOURS, '--chart', 'daily', '--out', 'daily.svg'], {
    cwd: dir.path,
  });
  assert.equal(run.code, 0, describeRun(run));
  const svg = readFileSync(dir.file('daily.svg'), 'utf8');
  // 11-28 (the 00:00 slot: 0.4 in, 0 out) and 11-29 (1.0 in, 1.1 out): 2 days × 2 bars
  assert.equal(countMarks(svg, 'rect'), 4);
  assert.ok(svgTexts(svg).includes('2026-11-28 – 2026-11-29 (Japan dates)'));
});

test('a PNG decodes: PNG signature, and IHDR twice the size of the SVG', async (t) => {
  const dir = tempDirFor(t);
  const pngRun = await runBmeter(['plot', '--input', POWER, '--out', 'p.png'], { cwd: dir.path });
  assert.equal(pngRun.code, 0, describeRun(pngRun));
  const svg = await powerSvg();
  const width = Number(/<svg[^>]*\swidth="(\d+)"/.exec(svg)?.[1]);
  const height = Number(/<svg[^>]*\sheight="(\d+)"/.exec(svg)?.[1]);
  const size = pngSize(readFileSync(dir.file('p.png')));
  assert.deepEqual(size, { width: width * 2, height: height * 2 });
  assert.ok(width > 900, 'the plotting area alone is 900 px wide');
});

test('an empty input is a clear error with exit status 2', async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(dir.file('empty.csv'), '');
  const run = await runBmeter(['plot', '--input', 'empty.csv', '--out', 'x.svg'], { cwd: dir.path });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /empty\.csv is empty: nothing to plot/);
  const missing = await runBmeter(['plot', '--input', 'nope.csv', '--out', '-'], { cwd: dir.path });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read --input .*nope\.csv \(ENOENT\)/);
  const outside = await runBmeter(['plot', '--input', HALF_HOURS, '--from', '2027-01-01', '--out', '-'], {
    cwd: dir.path,
  });
  assert.equal(outside.code, 2);
  assert.match(outside.stderr, /nothing to plot: .* has no half-hour values from 2027-01-01 00:00 \(Japan time\)/);
  assert.doesNotMatch(outside.stderr + run.stderr, /at .*\.js:\d+/, 'no stack trace');
});

test(
  '--db needs node:sqlite: on older Node it exits 2 naming the Node needed',
  { skip: HAS_SQLITE ? 'this Node has node:sqlite' : false },
  async () => {
    const run = await runBmeter(['plot', '--db', 'bmeter.db', '--out', '-']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--db needs Node\.js 22\.13 or later \(node:sqlite\); this is Node 2\d\./);
  },
);

/** A WAL store holding `rows` (SQL value tuples) in half_hours, opened in `dir`; the connection is returned open. */
async function halfHourStore(dir: TempDir, rows: string): Promise<{ close(): void }> {
  const specifier = 'node:sqlite';
  const { DatabaseSync } = (await import(specifier)) as {
    DatabaseSync: new (p: string) => { exec(sql: string): void; close(): void };
  };
  const db = new DatabaseSync(dir.file('bmeter.db'));
  db.exec(`PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;
    CREATE TABLE half_hours(meter TEXT NOT NULL, slot_ms INTEGER NOT NULL, slot_start TEXT NOT NULL,
    energy_normal_kwh REAL, energy_reverse_kwh REAL, consumed_kwh REAL, exported_kwh REAL,
    PRIMARY KEY (meter, slot_ms));
    INSERT INTO half_hours VALUES ${rows};`);
  return db;
}

/** `bmeter plot --db bmeter.db` of the half hours that begin on 2026-11-29, into `out` in `dir`. */
const plotNov29 = (dir: TempDir, out: string) =>
  runBmeter(
    ['plot', '--db', 'bmeter.db', '--chart', 'half-hours', '--from', '2026-11-29', '--to', '2026-11-30', '--out', out],
    { cwd: dir.path },
  );

const NOV29 = `('001c640003dd6393', 1795879800000, '2026-11-29T00:30:00+09:00', 1, 0, 0.3, NULL),
      ('001c640003dd6393', 1795881600000, '2026-11-29T01:00:00+09:00', 1.2, 0, 0.2, 0.1),
      ('001c640003dd6393', 1795883400000, '2026-11-29T01:30:00+09:00', 1.3, 0, 0.1, NULL)`;

test(
  '--db draws the half hours of a real SQLite store that begin in --from … --to',
  { skip: HAS_SQLITE ? false : 'node:sqlite needs Node ≥ 22.13' },
  async (t) => {
    const dir = tempDirFor(t);
    const db = await halfHourStore(
      dir,
      `('001c640003dd6393', 1795878000000, '2026-11-29T00:00:00+09:00', 1, 0, 0.5, 0),
      ('001c640003dd6393', 1795964400000, '2026-11-30T00:00:00+09:00', 1.4, 0, 0.4, NULL),
      ('001c640003dd6393', 1795966200000, '2026-11-30T00:30:00+09:00', 1.5, 0, 0.4, NULL), ${NOV29}`,
    );
    db.close();
    const run = await plotNov29(dir, 'db.svg');
    assert.equal(run.code, 0, describeRun(run));
    // the half hours that begin on 11-29: marked 00:30 … 24:00 (11-30 00:00), not 00:00 nor 11-30 00:30
    assert.equal(countMarks(readFileSync(dir.file('db.svg'), 'utf8'), 'rect'), 5);
    // A store nobody has open is read as it is: no bmeter.db-wal or -shm left beside it.
    assert.deepEqual(readdirSync(dir.path).sort(), ['bmeter.db', 'db.svg']);
  },
);

test(
  '--db reads the rows a running writer still holds in its write-ahead log',
  { skip: HAS_SQLITE ? false : 'node:sqlite needs Node ≥ 22.13' },
  async (t) => {
    const dir = tempDirFor(t);
    // This test process is the writer (as bmeter serve would be): its rows stay in bmeter.db-wal.
    const writer = await halfHourStore(dir, NOV29);
    t.after(() => writer.close());
    assert.ok(existsSync(dir.file('bmeter.db-wal')), 'the rows are in the write-ahead log');
    const run = await plotNov29(dir, 'w.svg');
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(countMarks(readFileSync(dir.file('w.svg'), 'utf8'), 'rect'), 4); // three bought, one sold
  },
);

test(
  '--db with a range whose half hours hold no value is exit 2 naming where the store has values, not a 1970 chart',
  { skip: HAS_SQLITE ? false : 'node:sqlite needs Node ≥ 22.13' },
  async (t) => {
    const dir = tempDirFor(t);
    // 11-29 00:00 (the half hour 11-28 23:30–24:00) has no kWh; the values begin with the half hour 00:00–00:30
    const db = await halfHourStore(
      dir,
      `('001c640003dd6393', 1795878000000, '2026-11-29T00:00:00+09:00', 1, 0, NULL, NULL), ${NOV29}`,
    );
    db.close();
    const range = ['--from', '2026-11-28', '--to', '2026-11-29'];
    const run = await runBmeter(['plot', '--db', 'bmeter.db', '--chart', 'daily', ...range, '--out', '-'], {
      cwd: dir.path,
    });
    assert.equal(run.code, 2, describeRun(run));
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /^bmeter: nothing to plot: --db .*bmeter\.db has no half-hour values from 2026-11-28 00:00 to 2026-11-29 00:00 \(Japan time\); it has them from 2026-11-29 00:00 to 2026-11-29 01:30\n$/,
    );
  },
);

test('a PNG that does not fit on the disk: exit 1, one line naming the cause, no partial file left', async (t) => {
  const disk = smallTmpfs(t, 8, 'plot-out-file.test.ts covers it');
  if (typeof disk === 'string') return t.skip(disk);
  const run = await runBmeter(['plot', '--input', POWER, '--out', 'big.png'], { cwd: disk.dir });
  assert.equal(run.code, 1, describeRun(run));
  assert.match(
    run.stderr,
    /^bmeter: cannot write --out .*big\.png: no space left on the device \(ENOSPC\); the partial chart was removed — free some space, or give an --out on another disk\n$/,
  );
  assert.deepEqual(readdirSync(disk.dir), []);
});
