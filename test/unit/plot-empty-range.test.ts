/**
 * `bmeter plot` when there is nothing to draw, and the range it is given, run in process
 * (test/fixtures/run-program.ts) on files written here by hand: an input or a range without a value is
 * exit status 2 for every chart and output (never an empty chart dated 1970-01-01), a --from after
 * the --to that defaulted to now is refused, and one-minute history rows are titled per minute.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { svgTexts } from '../fixtures/svg-marks.js';
import { runProgram, type ProgramRun, type ProgramRunOptions } from '../fixtures/run-program.js';
import { tempDirFor, type TempDir } from '../e2e/helpers/temp-dir.js';

const HEADER = 'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh';

function at(dir: TempDir, now?: string): ProgramRunOptions {
  return { cwd: dir.path, simUrl: 'sim://', ...(now !== undefined && { now: () => new Date(now) }) };
}

function show(run: ProgramRun): string {
  return `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

test('history --recent 1 (one slot without kWh): every chart and output is exit 2, nothing drawn', async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(dir.file('r1.csv'), `${HEADER}\n2026-12-02T14:00:00+09:00,12345.5,0,,\n`);
  for (const chart of ['half-hours', 'daily']) {
    for (const out of ['-', 'r1.svg', 'r1.png']) {
      const run = await runProgram(['plot', '--input', 'r1.csv', '--chart', chart, '--out', out], at(dir));
      assert.equal(run.code, 2, show(run));
      assert.equal(run.stdout, '');
      assert.equal(
        run.stderr,
        `bmeter: nothing to plot: --input ${dir.file('r1.csv')} has no half-hour values ` +
          '(consumed_kwh and exported_kwh are empty in every record)\n',
      );
    }
  }
  assert.deepEqual(readdirSync(dir.path), ['r1.csv']);
});

test('poll records without power: the power chart is exit 2', async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(dir.file('p.jsonl'), '{"timestamp":"2026-12-02T14:00:00+09:00","power_w":null}\n');
  const run = await runProgram(['plot', '--input', 'p.jsonl', '--out', '-'], at(dir));
  assert.equal(run.code, 2, show(run));
  assert.match(
    run.stderr,
    /^bmeter: nothing to plot: .* has no power readings \(power_w is empty in every record\)\n$/,
  );
});

test('a range whose slots have no value is exit 2, saying where the values are', async (t) => {
  const dir = tempDirFor(t);
  const rows = ['2026-12-02T00:00:00+09:00,1,0,,', '2026-12-02T00:30:00+09:00,1.2,0,0.2,0'];
  writeFileSync(dir.file('h.csv'), `${HEADER}\n${rows.join('\n')}\n`);
  const range = ['--from', '2026-12-01', '--to', '2026-12-02'];
  const run = await runProgram(['plot', '--input', 'h.csv', '--chart', 'daily', ...range, '--out', '-'], at(dir));
  assert.equal(run.code, 2, show(run));
  assert.equal(
    run.stderr,
    `bmeter: nothing to plot: --input ${dir.file('h.csv')} has no half-hour values from 2026-12-01 00:00 ` +
      'to 2026-12-02 00:00 (Japan time); it has them from 2026-12-02 00:00 to 2026-12-02 00:30\n',
  );
});

test('--db with a --from after now (--to defaulted to now) is refused as a backwards range', async (t) => {
  const dir = tempDirFor(t);
  const run = await runProgram(
    ['plot', '--db', 'x.db', '--from', '2030-01-01', '--out', '-'],
    at(dir, '2026-12-02T05:11:00Z'),
  );
  assert.equal(run.code, 2, show(run));
  assert.equal(
    run.stderr,
    'bmeter: --from must be before --to, which defaulted to now (2026-12-02 14:11 Japan time): ' +
      'give an earlier --from, or a later --to\n',
  );
});

test('one-minute history rows (--resolution 1m) are titled per minute, in the terminal and the SVG', async (t) => {
  const dir = tempDirFor(t);
  const rows = ['14:08', '14:09', '14:10'].map((m, i) => `2026-12-02T${m}:00+09:00,1,0,0.0${i + 1},0`);
  writeFileSync(dir.file('m1.csv'), `${HEADER}\n${rows.join('\n')}\n`);
  const terminal = await runProgram(['plot', '--input', 'm1.csv', '--out', '-'], at(dir));
  assert.equal(terminal.code, 0, show(terminal));
  assert.match(terminal.stdout, /^Energy per minute \(kWh\) · /);
  assert.match(terminal.stdout.trimEnd().split('\n').at(-1) ?? '', /^ +12-02 14:07 .* 12-02 14:10$/);
  const svg = await runProgram(['plot', '--input', 'm1.csv', '--out', 'm1.svg'], at(dir));
  assert.equal(svg.code, 0, show(svg));
  const texts = svgTexts(readFileSync(dir.file('m1.svg'), 'utf8'));
  assert.ok(texts.includes('Energy per minute (kWh)'), texts.join(' | '));
  assert.ok(!texts.some((s) => /half hour/.test(s)), texts.join(' | '));
});
