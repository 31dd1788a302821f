/**
 * The pure parts of `bmeter history`: which days, the midnight guard, slot records (wrap modulo
 * 10^D7, docs/protocol.md §8.1), --since parsing and the last slot of an output file. Expected values
 * are written by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { midnightWaitMs, planDays, slotMs, type MeterClock } from '../../src/history/dates.js';
import { createProgress } from '../../src/history/progress.js';
import { lastSlotStart, parseSince } from '../../src/history/since.js';
import { recordedSlots, SlotRecorder } from '../../src/history/slots.js';

const HALF = 1_800_000;

test('--days 3 plans today and the two days before, oldest first', () => {
  assert.deepEqual(planDays('2024-03-01', { days: 3 }).dates, ['2024-02-28', '2024-02-29', '2024-03-01']);
});

test('--day 1 plans yesterday only, across a year boundary', () => {
  assert.deepEqual(planDays('2024-01-01', { day: 1 }).dates, ['2023-12-31']);
});

test('--since without --days reaches back to the day holding the since slot, at most 100 days', () => {
  assert.deepEqual(planDays('2024-05-01', { sinceMs: Date.parse('2024-04-29T23:30:00+09:00') }).dates, [
    '2024-04-29',
    '2024-04-30',
    '2024-05-01',
  ]);
  const far = planDays('2024-05-01', { sinceMs: Date.parse('2023-01-01T00:00:00+09:00') });
  assert.equal(far.dates.length, 100);
  assert.equal(far.dates[0], '2024-01-23');
  assert.equal(far.truncated, true);
});

test('slot 47 of a Japan date is 23:30 +09:00, i.e. 14:30 UTC', () => {
  assert.equal(new Date(slotMs('2024-05-01', 47)).toISOString(), '2024-05-01T14:30:00.000Z');
});

test('the midnight guard waits at 23:59 until after 00:01 and not at noon', () => {
  const clock = (minute: number): MeterClock => ({ date: '2024-05-01', minute, readAt: 0, source: 'meter' });
  assert.equal(midnightWaitMs(clock(12 * 60), 0, 60_000), 0);
  assert.equal(midnightWaitMs(clock(23 * 60 + 59), 0, 60_000), 2 * 60_000, '23:59 → 00:01 is two minutes');
  assert.equal(midnightWaitMs(clock(23 * 60 + 58), 0, 60_000), 3 * 60_000, 'a one-minute pair could end past midnight');
  assert.equal(midnightWaitMs(clock(23 * 60 + 57), 0, 60_000), 0, 'a one-minute pair ends by 23:58:59');
  assert.equal(midnightWaitMs(clock(0), 0, 60_000), 60_000, '00:00 → wait until 00:01');
  assert.equal(midnightWaitMs(clock(23 * 60 + 50), 8 * 60_000, 60_000), 3 * 60_000, 'elapsed host time counts');
});

test('differences wrap modulo 10^D7 on raw counters before scaling (999990 → 5 with 6 digits is 1.5 kWh at 0.1)', () => {
  const rec = new SlotRecorder({ unitCode: 0x01, coefficient: 1, digits: 6 }, HALF);
  const out = rec.take([
    { ms: 0, normal: 999_990, reverse: 7 },
    { ms: HALF, normal: 5, reverse: 7 },
  ]);
  assert.deepEqual(out, [
    {
      slot_start: '1970-01-01T09:00:00+09:00',
      energy_normal_kwh: 99999,
      energy_reverse_kwh: 0.7,
      consumed_kwh: null,
      exported_kwh: null,
    },
    {
      slot_start: '1970-01-01T09:30:00+09:00',
      energy_normal_kwh: 0.5,
      energy_reverse_kwh: 0.7,
      consumed_kwh: 1.5,
      exported_kwh: 0,
    },
  ]);
});

test('a difference needs the slot just before: after a gap or a no-data slot it is null; coefficient and unit scale it exactly', () => {
  const rec = new SlotRecorder({ unitCode: 0x02, coefficient: 3, digits: 8 }, HALF);
  const out = rec.take([
    { ms: 0, normal: 100, reverse: undefined },
    { ms: 2 * HALF, normal: 110, reverse: undefined },
    { ms: 3 * HALF, normal: null, reverse: undefined },
    { ms: 4 * HALF, normal: 130, reverse: undefined },
    { ms: 5 * HALF, normal: 131, reverse: undefined },
  ]);
  assert.deepEqual(
    out.map((r) => r.consumed_kwh),
    [null, null, null, null, 0.03],
  );
  assert.deepEqual(
    out.map((r) => r.energy_normal_kwh),
    [3, 3.3, null, 3.9, 3.93],
  );
  assert.ok(out.every((r) => r.energy_reverse_kwh === null && r.exported_kwh === null));
});

test("today's trailing no-data slots are left out; a gap inside the day is kept", () => {
  const slots = [0, 1, 2, 3].map((k) => ({ ms: k * HALF, normal: k === 1 || k === 3 ? null : 10, reverse: undefined }));
  assert.deepEqual(
    recordedSlots(slots, 10 * HALF, true).map((s) => s.ms),
    [0, HALF, 2 * HALF],
  );
  assert.deepEqual(
    recordedSlots(slots, 10 * HALF, false).map((s) => s.ms),
    [0, HALF, 2 * HALF, 3 * HALF],
  );
});

test('--since takes what plot --from takes: ISO times with an offset, Japan wall times and dates; rejects the rest', () => {
  assert.equal(parseSince('2024-05-01T12:00:00+09:00'), Date.parse('2024-05-01T03:00:00Z'));
  assert.equal(parseSince('2024-05-01'), Date.parse('2024-04-30T15:00:00Z'));
  assert.equal(parseSince('2024-05-01T12:00'), Date.parse('2024-05-01T03:00:00Z'));
  const refused =
    /^--since "[^"]*" is not a time: give 2026-11-29, 2026-11-29T12:00 \(Japan time\) or 2026-11-29T12:00:00\+09:00 \(or "auto" with --output\)$/;
  for (const value of ['yesterday', '2026-11-31', '2026-02-29', '2026-11-30T24:00', '2026-11-30T12:60+09:00'])
    assert.throws(() => parseSince(value), { message: refused }, value);
});

test('--since auto finds the last slot_start of a CSV or JSON-lines file, and nothing in a missing or header-only file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bmeter-since-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const csv = join(dir, 'a.csv');
  writeFileSync(csv, 'slot_start,energy_normal_kwh\n2024-05-01T11:30:00+09:00,1\n2024-05-01T12:00:00+09:00,2\n');
  assert.equal(await lastSlotStart(csv, 'csv'), Date.parse('2024-05-01T03:00:00Z'));
  const json = join(dir, 'a.jsonl');
  writeFileSync(json, '{"slot_start":"2024-05-01T12:30:00+09:00","energy_normal_kwh":3,"consumed_kwh":0.1}\n\n');
  assert.equal(await lastSlotStart(json, 'json'), Date.parse('2024-05-01T03:30:00Z'));
  const header = join(dir, 'h.csv');
  writeFileSync(header, 'slot_start,energy_normal_kwh\n');
  assert.equal(await lastSlotStart(header, 'csv'), undefined);
  assert.equal(await lastSlotStart(join(dir, 'none.csv'), 'csv'), undefined);
  const other = join(dir, 'poll.csv');
  writeFileSync(other, 'timestamp,power_w\nnot-a-time,5\n');
  await assert.rejects(lastSlotStart(other, 'csv'), /no slot_start/);
});

test('the progress bar draws on a terminal for a multi-day run and stays silent otherwise', () => {
  const chunks: string[] = [];
  const stream = { write: (s: string) => void chunks.push(s) } as unknown as NodeJS.WritableStream;
  const bar = createProgress(stream, true, 4);
  bar.update(1, '2024-04-29');
  bar.finish();
  assert.match(chunks[0] ?? '', /^\r\x1b\[K\[######\.{18}\] 1\/4 days  2024-04-29$/);
  assert.equal(chunks[1], '\r\x1b[K');
  const quiet: string[] = [];
  const q = createProgress({ write: (s: string) => void quiet.push(s) } as unknown as NodeJS.WritableStream, false, 4);
  q.update(1, 'x');
  q.finish();
  assert.deepEqual(quiet, []);
});
