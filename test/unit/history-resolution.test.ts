/**
 * One history --output file holds rows of one resolution (src/history/file-resolution.ts): the rows already
 * there, written here by hand, tell half-hour from one-minute rows, and `bmeter history` refuses to append
 * the other kind (exit 2, the file unchanged, the port never opened).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSameResolution, fileResolution } from '../../src/history/file-resolution.js';
import { createSink } from '../../src/output/sink.js';
import { lastSlotStart } from '../../src/history/since.js';
import { runProgram } from '../fixtures/run-program.js';

const HEADER = 'slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh';

/** A file in a new folder holding `text`; the folder goes after the test. */
function fileWith(t: { after(fn: () => void): void }, name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-resolution-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const csv = (...slots: string[]): string => [HEADER, ...slots.map((s) => `${s},100.5,0,0.1,0`)].join('\n') + '\n';

describe('the resolution of the rows in a history file', () => {
  const cases: [string, string, '30m' | '1m' | undefined][] = [
    ['half hours', csv('2024-05-01T12:00:00+09:00', '2024-05-01T12:30:00+09:00'), '30m'],
    ['half hours with a gap', csv('2024-05-01T09:00:00+09:00', '2024-05-01T12:30:00+09:00'), '30m'],
    ['one half hour', csv('2024-05-01T12:30:00+09:00'), '30m'],
    ['minutes', csv('2024-05-01T12:41:00+09:00', '2024-05-01T12:42:00+09:00'), '1m'],
    ['minutes ending on a half-hour mark', csv('2024-05-01T12:59:00+09:00', '2024-05-01T13:00:00+09:00'), '1m'],
    ['one minute off the marks', csv('2024-05-01T12:31:00+09:00'), '1m'],
    ['a header only', `${HEADER}\n`, undefined],
    ['nothing', '', undefined],
    // A minute missed: the rows on the marks are minute rows all the same, as one row before them is off the marks.
    [
      'minutes with one missed, the last two on marks',
      csv(
        '2024-05-01T12:27:00+09:00',
        '2024-05-01T12:28:00+09:00',
        '2024-05-01T12:30:00+09:00',
        '2024-05-01T13:00:00+09:00',
      ),
      '1m',
    ],
    // An unended last line holding a whole record counts (the next append ends it), a torn fragment does not.
    [
      'half hours, then an unended minute row',
      `${csv('2024-05-01T12:30:00+09:00')}2024-05-01T12:31:00+09:00,1,0,,`,
      '1m',
    ],
    ['half hours, then a torn fragment', `${csv('2024-05-01T12:00:00+09:00')}2024-05-01T12:3`, '30m'],
    [
      'half hours around a fragment that an append put a newline after',
      `${csv('2024-05-01T12:00:00+09:00')}2024-05-01T12:3\n2024-05-01T12:30:00+09:00,1,0,,\n`,
      '30m',
    ],
  ];
  for (const [what, text, expected] of cases) {
    it(`CSV, ${what}: ${String(expected)}`, async (t) => {
      assert.equal(await fileResolution(fileWith(t, 'h.csv', text), 'csv'), expected);
    });
  }

  it('JSON lines, by their slot_start keys', async (t) => {
    const line = (slot: string): string => `${JSON.stringify({ slot_start: slot, energy_normal_kwh: 100.5 })}\n`;
    const minutes = line('2024-05-01T12:59:00+09:00') + line('2024-05-01T13:00:00+09:00');
    const halves = line('2024-05-01T12:30:00+09:00') + line('2024-05-01T13:00:00+09:00');
    assert.equal(await fileResolution(fileWith(t, 'm.json', minutes), 'json'), '1m');
    assert.equal(await fileResolution(fileWith(t, 'h.json', halves), 'json'), '30m');
  });

  it('a file longer than the tail read: the line the tail starts inside is no fault', async (t) => {
    const slots = Array.from({ length: 3000 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 1_800_000));
    const iso = (d: Date): string => `${new Date(d.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
    const path = fileWith(t, 'long.csv', csv(...slots.map(iso)));
    assert.ok(readFileSync(path).length > 64 * 1024);
    assert.equal(await fileResolution(path, 'csv'), '30m');
    // Rows without kWh (a meter without E1): --since auto walks back through the whole tail, to its cut line.
    const withoutKwh = fileWith(t, 'no-kwh.csv', `${HEADER}\n${slots.map((d) => `${iso(d)},,,,\n`).join('')}`);
    assert.ok(readFileSync(withoutKwh).length > 64 * 1024);
    assert.equal(await lastSlotStart(withoutKwh, 'csv'), undefined);
  });

  it('--since auto passes over a torn fragment between records, and refuses a file with no record at all', async (t) => {
    const torn = fileWith(t, 'torn.csv', `${csv('2024-05-01T12:00:00+09:00')}2024-05-01T12:3\n`);
    assert.equal(await lastSlotStart(torn, 'csv'), Date.parse('2024-05-01T03:00:00Z'));
    const other = fileWith(t, 'other.json', '{"power_w":100}\n{"power_w":120}\n');
    await assert.rejects(lastSlotStart(other, 'json'), /--since auto: a line of \S+ has no slot_start \("\{\\"power_w/);
  });

  it('a missing file holds none', async () => {
    assert.equal(await fileResolution(join(tmpdir(), 'bmeter-no-such-dir', 'h.csv'), 'csv'), undefined);
  });
});

describe('the check again under the output lock (another run may have begun the file since the first check)', () => {
  const COLUMNS = HEADER.split(',');
  const row = (slot: string) => ({
    slot_start: slot,
    energy_normal_kwh: 100.5,
    energy_reverse_kwh: 0,
    consumed_kwh: 0.1,
    exported_kwh: 0,
  });
  const sink = (path: string, beforeFirstAppend?: () => Promise<void>) =>
    createSink({
      format: 'csv',
      columns: COLUMNS,
      outputPath: path,
      stdout: process.stdout,
      ...(beforeFirstAppend !== undefined && { beforeFirstAppend }),
    });

  it('refuses the first record when the file got the other kind meanwhile; the file unchanged, the lock let go', async (t) => {
    const path = fileWith(t, 'race.csv', '');
    const minutes = await sink(path, () => assertSameResolution(path, 'csv', '1m'));
    // The other run, between the first check (an empty file) and this run's first record.
    const halves = await sink(path);
    await halves.write(row('2024-05-01T12:00:00+09:00'));
    const before = readFileSync(path, 'utf8');
    await assert.rejects(minutes.write(row('2024-05-01T12:41:00+09:00')), /holds half-hour rows: one-minute rows/);
    assert.equal(readFileSync(path, 'utf8'), before);
    await halves.write(row('2024-05-01T12:30:00+09:00')); // the lock is free again
    await Promise.all([minutes.close(), halves.close()]);
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 3);
  });

  it('is asked once, before the first record only', async (t) => {
    const path = fileWith(t, 'once.csv', '');
    let asked = 0;
    const out = await sink(path, async () => {
      asked += 1;
      assert.equal(readFileSync(path, 'utf8'), '', 'before anything is written');
    });
    await out.write(row('2024-05-01T12:00:00+09:00'));
    await out.write(row('2024-05-01T12:30:00+09:00'));
    await out.close();
    assert.equal(asked, 1);
  });
});

describe('bmeter history --output keeps one resolution to a file', () => {
  const run = (cwd: string, args: string[]) =>
    runProgram(['--port', '/dev/ttySIM0', 'history', '--format', 'csv', ...args], {
      cwd,
      simUrl: 'sim://?timeScale=0.001&release=R',
    });
  const refusals: [string, string, string[], RegExp][] = [
    [
      'one-minute rows to a file of half hours',
      csv('2024-05-01T12:00:00+09:00', '2024-05-01T12:30:00+09:00'),
      ['--resolution', '1m'],
      /^bmeter: --output \S+h\.csv holds half-hour rows: one-minute rows appended to them would count the same energy twice in a sum and mislead --since auto — give them an --output of their own\n$/,
    ],
    [
      'half hours to a file of minutes (--since auto too)',
      csv('2024-05-01T12:41:00+09:00', '2024-05-01T12:42:00+09:00'),
      ['--since', 'auto'],
      /^bmeter: --output \S+h\.csv holds one-minute rows: half-hour rows appended to them/,
    ],
    [
      'recent half hours to a file of minutes',
      csv('2024-05-01T12:41:00+09:00', '2024-05-01T12:42:00+09:00'),
      ['--recent', '2'],
      /holds one-minute rows: half-hour rows/,
    ],
  ];
  for (const [what, text, args, message] of refusals) {
    it(`refuses ${what} with exit 2, the file unchanged, before the port`, async (t) => {
      const path = fileWith(t, 'h.csv', text);
      const r = await run(join(path, '..'), [...args, '--output', 'h.csv']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(readFileSync(path, 'utf8'), text);
      assert.deepEqual(r.ports, []);
    });
  }
});
