/**
 * `bmeter plot`'s terminal chart and its refusals, run in process (test/fixtures/run-program.ts) on files written
 * by hand in test/fixtures/plot: the width and height of the terminal chart, --from/--to of Japan dates, and
 * the options and inputs refused with exit status 2. test/e2e/plot-cli.test.ts spawns the real CLI for the
 * SVG, PNG and SQLite charts and an error as a user sees it.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { repoPath } from '../fixtures/repo-root.js';
import { runProgram, type ProgramRun, type ProgramRunOptions } from '../fixtures/run-program.js';
import { tempDirFor, type TempDir } from '../e2e/helpers/temp-dir.js';

const HALF_HOURS = repoPath('test', 'fixtures', 'plot', 'halfhours.csv');
const POWER = repoPath('test', 'fixtures', 'plot', 'power.jsonl');

/** Runs in `dir`; plot opens no port, the simulator is only there because runProgram needs one. */
function at(dir: TempDir): ProgramRunOptions {
  return { cwd: dir.path, simUrl: 'sim://' };
}

/** The run's exit status and output, for an assertion message. */
function show(run: ProgramRun): string {
  return `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

test('the terminal chart fits the width given, every line', async (t) => {
  const dir = tempDirFor(t);
  for (const width of [40, 80, 123]) {
    const run = await runProgram(
      ['plot', '--input', POWER, '--out', '-', '--width', String(width), '--height', '10'],
      at(dir),
    );
    assert.equal(run.code, 0, show(run));
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 10);
    for (const line of lines) assert.ok([...line].length <= width, `${[...line].length} > ${width}: ${line}`);
    assert.match(run.stdout, /[\u2801-\u28ff]/, 'a braille line is drawn');
    assert.match(lines[0] ?? '', /^Power \(W\)/);
  }
});

test('the terminal chart is 80 columns wide when stdout is not a terminal', async (t) => {
  const run = await runProgram(['plot', '--input', HALF_HOURS, '--out', '-'], at(tempDirFor(t)));
  assert.equal(run.code, 0, show(run));
  const widths = run.stdout
    .trimEnd()
    .split('\n')
    .map((l) => [...l].length);
  assert.equal(Math.max(...widths), 80);
});

/** A history CSV: the half hours of 2026-11-28 … 11-30, 0.1 kWh each (slot marks 00:30 … 24:00 per day). */
function threeDays(path: string): void {
  const rows = Array.from({ length: 3 * 48 }, (_, i) => {
    const mark = new Date(Date.parse('2026-11-28T00:30:00+09:00') + 9 * 3_600_000 + i * 1_800_000);
    return `${mark.toISOString().replace('.000Z', '+09:00')},1,0,0.1,0`;
  });
  writeFileSync(
    path,
    `slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh\n${rows.join('\n')}\n`,
  );
}

test('--from/--to of one Japan date keep the 48 half hours of that day, for the daily and half-hour charts', async (t) => {
  const dir = tempDirFor(t);
  threeDays(dir.file('week.csv'));
  const range = ['--input', 'week.csv', '--from', '2026-11-29', '--to', '2026-11-30', '--out', '-', '--width', '80'];
  const daily = await runProgram(['plot', ...range, '--chart', 'daily'], at(dir));
  assert.equal(daily.code, 0, show(daily));
  assert.doesNotMatch(daily.stdout, /11-28|11-30/, daily.stdout);
  assert.match(daily.stdout, /^ {4}4\.8 ┤█{71}$/m, 'one day, 48 × 0.1 kWh, as wide as the chart');
  const halfHours = await runProgram(['plot', ...range], at(dir));
  assert.equal(halfHours.code, 0, show(halfHours));
  assert.match(halfHours.stdout.trimEnd().split('\n').at(-1) ?? '', /^ +11-29 00:00 .* 11-30 00:00$/);
});

test('--width/--height with a file chart are refused with exit status 2, not ignored', async (t) => {
  const dir = tempDirFor(t);
  for (const [flags, named] of [
    [['--width', '120'], '--width sizes'],
    [['--height', '20'], '--height sizes'],
    [['--width', '120', '--height', '20'], '--width and --height size'],
  ] as const) {
    const run = await runProgram(['plot', '--input', POWER, '--out', 'p.png', ...flags], at(dir));
    assert.equal(run.code, 2, show(run));
    assert.equal(
      run.stderr,
      `bmeter: ${named} the terminal chart (--out -) in columns and rows; an .svg or .png chart has a fixed size — leave them out\n`,
    );
  }
  assert.deepEqual(readdirSync(dir.path), []);
});

test('a chart the input cannot give is refused with exit status 2', async (t) => {
  const run = await runProgram(['plot', '--input', POWER, '--chart', 'daily', '--out', '-'], at(tempDirFor(t)));
  assert.equal(run.code, 2);
  assert.match(run.stderr, /holds power readings \(poll\)/);
});

test('an existing --out file is kept unless --force is given', async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(dir.file('mine.svg'), 'my own file');
  const kept = await runProgram(['plot', '--input', POWER, '--out', 'mine.svg'], at(dir));
  assert.equal(kept.code, 2);
  assert.match(kept.stderr, /mine\.svg already exists: give --force/);
  assert.equal(readFileSync(dir.file('mine.svg'), 'utf8'), 'my own file');
  const forced = await runProgram(['plot', '--input', POWER, '--out', 'mine.svg', '--force'], at(dir));
  assert.equal(forced.code, 0, show(forced));
  assert.match(readFileSync(dir.file('mine.svg'), 'utf8'), /^<svg/);
});
