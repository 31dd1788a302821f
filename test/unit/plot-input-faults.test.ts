/**
 * `bmeter plot --input` on files as runs of poll and history leave them, run in process
 * (test/fixtures/run-program.ts) on files written here by hand: a history appended twice (every slot
 * twice), a slot re-fetched with another value, a reading repeated, a record torn by a crash in the
 * middle of a file (JSON lines and CSV), and a file whose first line is torn.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { countMarks } from '../fixtures/svg-marks.js';
import { runProgram, type ProgramRun, type ProgramRunOptions } from '../fixtures/run-program.js';
import { tempDirFor, type TempDir } from '../e2e/helpers/temp-dir.js';

const HEADER = 'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh';
/** One history run over 2026-11-29 00:30 … 01:30: its first slot has no consumed kWh (nothing before it). */
const RUN = [
  HEADER,
  '2026-11-29T00:30:00+09:00,100.0,0,,',
  '2026-11-29T01:00:00+09:00,100.2,0,0.2,0',
  '2026-11-29T01:30:00+09:00,100.5,0,0.3,0',
].join('\n');
/** A longer run over the same night: it knows the 00:30 slot's kWh. */
const LONGER_RUN = [
  HEADER,
  '2026-11-29T00:00:00+09:00,99.9,0,,',
  '2026-11-29T00:30:00+09:00,100.0,0,0.1,0',
  '2026-11-29T01:00:00+09:00,100.2,0,0.2,0',
  '2026-11-29T01:30:00+09:00,100.5,0,0.3,0',
].join('\n');

function at(dir: TempDir): ProgramRunOptions {
  return { cwd: dir.path, simUrl: 'sim://' };
}

function show(run: ProgramRun): string {
  return `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`;
}

/** The messages of the log lines on stderr (the logger writes JSON lines). */
function warnings(run: ProgramRun): string[] {
  return run.stderr
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { level: string; msg: string }).msg);
}

const dailyTop = (stdout: string): string => /^ +([\d.]+) ┤/m.exec(stdout)?.[1] ?? stdout;

test('a history appended twice counts every half hour once: the daily sum and one bar per slot', async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(dir.file('h.csv'), `${LONGER_RUN}\n${RUN}\n`);
  const daily = await runProgram(['plot', '--input', 'h.csv', '--chart', 'daily', '--out', '-'], at(dir));
  assert.equal(daily.code, 0, show(daily));
  assert.equal(dailyTop(daily.stdout), '0.6', 'one day of 0.1 + 0.2 + 0.3 kWh, the 00:30 value kept');
  assert.equal(daily.stderr, '', 'exact repeats and a slot filled in later are no fault');
  const bars = await runProgram(['plot', '--input', 'h.csv', '--out', 'h.svg'], at(dir));
  assert.equal(bars.code, 0, show(bars));
  // 00:30, 01:00, 01:30 bought and sold (0) each: 00:00 has no value
  assert.equal(countMarks(readFileSync(dir.file('h.svg'), 'utf8'), 'rect'), 6);
});

test('a slot given twice with different values: the last row wins, and one warning says how many', async (t) => {
  const dir = tempDirFor(t);
  const refetched = RUN.replace(',0.2,0', ',0.25,0').replace(',0.3,0', ',0.35,0');
  writeFileSync(dir.file('h.csv'), `${LONGER_RUN}\n${refetched}\n`);
  const run = await runProgram(['plot', '--input', 'h.csv', '--chart', 'daily', '--out', '-'], at(dir));
  assert.equal(run.code, 0, show(run));
  assert.equal(dailyTop(run.stdout), '0.7');
  assert.deepEqual(warnings(run), [
    `--input ${dir.file('h.csv')}: 2 slots appeared more than once with different values; the last row of each was used`,
  ]);
});

test('a reading repeated with the same timestamp is drawn once, the last one', async (t) => {
  const dir = tempDirFor(t);
  const reading = (time: string, watts: number): string =>
    JSON.stringify({ timestamp: `2026-11-29T12:${time}+09:00`, power_w: watts, source: 'poll' });
  writeFileSync(
    dir.file('p.jsonl'),
    [reading('00:00', 500), reading('00:30', 600), reading('00:30', 700), reading('00:00', 500)].join('\n') + '\n',
  );
  const run = await runProgram(['plot', '--input', 'p.jsonl', '--out', '-', '--height', '6'], at(dir));
  assert.equal(run.code, 0, show(run));
  assert.match(run.stdout, /^Power \(W\) · 2 readings/);
  assert.match(run.stdout, /^ +700 ┤/m);
  assert.deepEqual(warnings(run), [
    `--input ${dir.file('p.jsonl')}: 1 timestamp appeared more than once with different power; the last reading of each was used`,
  ]);
});

const POLL_RECORD =
  '{"timestamp":"2026-11-29T12:00:00+09:00","power_w":820,"current_r_a":5,"energy_normal_kwh":12342.3,"source":"poll"}';

test('a torn JSON line between records is skipped with one warning naming it', async (t) => {
  const dir = tempDirFor(t);
  const torn = POLL_RECORD.slice(0, 60);
  const later = POLL_RECORD.replace('12:00:00', '12:00:30');
  writeFileSync(dir.file('p.jsonl'), `${POLL_RECORD}\n${torn}\n${later}\n`);
  const run = await runProgram(['plot', '--input', 'p.jsonl', '--out', '-'], at(dir));
  assert.equal(run.code, 0, show(run));
  assert.match(run.stdout, /^Power \(W\) · 2 readings/);
  assert.deepEqual(warnings(run), [
    `--input ${dir.file('p.jsonl')}: skipped 1 line that is not a record (line 2; a record torn by a full disk or a crash?)`,
  ]);
});

test('CSV rows with another number of fields or a non-number are skipped with the same warning', async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(
    dir.file('h.csv'),
    [
      HEADER,
      '2026-11-29T00:30:00+09:00,100.0,0,0.1,0',
      '2026-11-29T01:00:00+09:00,100.2,0,0.2', // torn: 4 fields
      '2026-11-29T01:30:00+09:00,100.5,0,0.3,0',
      '2026-11-29T02:00:00+09:00,100.5,0,0.x,0', // not a number
      '2026-11-29T02:30:00+09:00,100.9,0,0.4,0',
    ].join('\n'),
  );
  const run = await runProgram(['plot', '--input', 'h.csv', '--chart', 'daily', '--out', '-'], at(dir));
  assert.equal(run.code, 0, show(run));
  assert.equal(dailyTop(run.stdout), '0.8');
  assert.deepEqual(warnings(run), [
    `--input ${dir.file('h.csv')}: skipped 2 lines that are not records (the first at line 3; a record torn by a full disk or a crash?)`,
  ]);
});

test('a file whose first line is not a record is still refused with exit status 2', async (t) => {
  const dir = tempDirFor(t);
  writeFileSync(dir.file('p.jsonl'), `${POLL_RECORD.slice(0, 40)}\n${POLL_RECORD}\n`);
  const run = await runProgram(['plot', '--input', 'p.jsonl', '--out', '-'], at(dir));
  assert.equal(run.code, 2, show(run));
  assert.equal(
    run.stderr,
    `bmeter: --input ${dir.file('p.jsonl')} line 1 is not a JSON record: give poll or history output (--format json)\n`,
  );
});
