/**
 * An --output file is appended to only with records of its own kind (src/output/file-columns.ts):
 * `history` refuses a poll's CSV (and `--since auto` never reads a reading's time as a slot), `poll`
 * refuses a history file, CSV never goes into a JSON lines file; the file is left as it was. The real
 * program in process on the simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from '../fixtures/run-program.js';

// A frozen meter clock: at :00/:30 of a live one the half-hourly INF would add a record to the count below.
const SIM = 'sim://?timeScale=0.001&clock=2024-05-01T12:10:00%2B09:00';
const run = (cwd: string, args: string[]) => runProgram(['--port', '/dev/ttySIM0', ...args], { cwd, simUrl: SIM });

test('history, poll and another format refuse a file of other records with exit 2 and leave it as it was', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-columns-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  assert.equal((await run(cwd, ['scan'])).code, 0);
  const power = join(cwd, 'power.csv');
  const poll = await run(cwd, ['poll', '--format', 'csv', '--output', 'power.csv']);
  assert.equal(poll.code, 0, poll.stderr);
  const polled = readFileSync(power, 'utf8');
  assert.match(polled, /^timestamp,power_w,/);

  const history = await run(cwd, ['history', '--since', 'auto', '--format', 'csv', '--output', 'power.csv']);
  assert.equal(history.code, 2, history.stderr);
  assert.match(history.stderr, /--output \S+power\.csv holds other records: its first line is "timestamp,power_w,/);
  assert.match(history.stderr, /where this command writes "slot_start,/);
  assert.equal(readFileSync(power, 'utf8'), polled, 'the poll file is unchanged');

  const json = await run(cwd, ['poll', '--format', 'json', '--output', 'power.csv']);
  assert.equal(json.code, 2, json.stderr);
  assert.match(json.stderr, /where this command writes a JSON record starting with "timestamp"/);
  assert.equal(readFileSync(power, 'utf8'), polled);

  writeFileSync(join(cwd, 'week.csv'), 'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh\n');
  const intoHistory = await run(cwd, ['poll', '--format', 'csv', '--output', 'week.csv']);
  assert.equal(intoHistory.code, 2, intoHistory.stderr);
  assert.match(intoHistory.stderr, /its first line is "slot_start,/);

  const again = await run(cwd, ['poll', '--format', 'csv', '--output', 'power.csv']);
  assert.equal(again.code, 0, 'the same kind of records is appended as before');
  assert.equal(readFileSync(power, 'utf8').split('\n').filter(Boolean).length, 3, 'one header, two records');
});

test('text goes only into a file of text blocks of the same command: not into CSV, JSON lines or any other file', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-columns-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  assert.equal((await run(cwd, ['scan'])).code, 0);
  const files: Record<string, string> = {
    'power.csv': 'timestamp,power_w\n2024-05-01T12:10:00.000+09:00,420\n',
    'week.jsonl': '{"slot_start":"2024-05-01T12:00:00+09:00","energy_normal_kwh":1}\n',
    'notes.txt': 'hello world\n',
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(cwd, name), content);
  const RECENT = ['--recent', '1'];
  for (const [command, name] of [
    ['poll', 'power.csv'],
    ['history', 'week.jsonl'],
    ['poll', 'notes.txt'],
    ['history', 'notes.txt'],
  ] as const) {
    const refused = await run(cwd, [command, ...(command === 'history' ? RECENT : []), '--output', name]);
    assert.equal(refused.code, 2, `${command} → ${name}: ${refused.stderr}`);
    assert.match(
      refused.stderr,
      new RegExp(`--output \\S+${name.replace('.', '\\.')} holds other records: its first line is `),
    );
    assert.equal(readFileSync(join(cwd, name), 'utf8'), files[name], `${name} is unchanged`);
  }

  // A poll's text file takes a poll's text, not history's; a history text file history's.
  assert.equal((await run(cwd, ['poll', '--output', 'power.txt'])).code, 0);
  const polled = readFileSync(join(cwd, 'power.txt'), 'utf8');
  assert.match(polled, /^\d{4}-\d{2}-\d{2}T\S+ \(poll\)\n  power_w /);
  assert.equal((await run(cwd, ['poll', '--output', 'power.txt'])).code, 0, 'the same kind is appended');
  const intoPoll = await run(cwd, ['history', '--recent', '1', '--output', 'power.txt']);
  assert.equal(intoPoll.code, 2, intoPoll.stderr);
  assert.match(intoPoll.stderr, /where this command writes text blocks starting "2026-11-30T12:00:00\+09:00"/);
  assert.equal((await run(cwd, ['history', '--recent', '1', '--output', 'week.txt'])).code, 0);
  const intoHistory = await run(cwd, ['poll', '--output', 'week.txt']);
  assert.equal(intoHistory.code, 2, intoHistory.stderr);
  assert.match(
    intoHistory.stderr,
    /where this command writes text blocks starting "2026-11-30T12:00:00\.000\+09:00 \(poll\)"/,
  );
});

test('a CSV a spreadsheet saved with a byte-order mark before its header is appended to', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'bmeter-columns-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  assert.equal((await run(cwd, ['scan'])).code, 0);
  const header = 'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh';
  writeFileSync(join(cwd, 'week.csv'), `\uFEFF${header}\r\n2024-05-01T00:00:00+09:00,12000.1,0,,\r\n`);
  const r = await run(cwd, ['history', '--since', 'auto', '--format', 'csv', '--output', 'week.csv']);
  assert.equal(r.code, 0, r.stderr);
  const lines = readFileSync(join(cwd, 'week.csv'), 'utf8').split('\n');
  assert.equal(lines[0], `\uFEFF${header}\r`, 'the header as it was, written once');
  assert.match(lines[2] ?? '', /^2024-05-01T00:30:00\+09:00,/);
});
