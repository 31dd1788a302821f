/** The plot's data rules: Japan days, --from/--to forms, terminal chart sizes, what the CLI bundle loads. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { isBmeterError } from '../../src/errors.js';
import { repoPath } from '../fixtures/repo-root.js';
import { japanDateTime, parseTimeArgument } from '../../src/plot/japan-time.js';
import { lastPerSlot } from '../../src/plot/last-per-time.js';
import { dailySums, halfHoursInRange } from '../../src/plot/series.js';
import { slotStep } from '../../src/plot/slot-step.js';
import { terminalDailyChart, terminalHalfHourChart, terminalPowerChart } from '../../src/plot/terminal-chart.js';

const at = (iso: string): number => Date.parse(iso);

describe('daily sums', () => {
  test('a slot marked 00:00 belongs to the day before; a day is complete at 48 slots', () => {
    const days = dailySums([
      { ms: at('2026-11-29T00:00:00+09:00'), consumedKwh: 0.5, exportedKwh: null },
      { ms: at('2026-11-29T00:30:00+09:00'), consumedKwh: 0.1, exportedKwh: 0.2 },
      { ms: at('2026-11-29T24:00:00+09:00'), consumedKwh: 0.2, exportedKwh: 0.1 },
    ]);
    assert.deepEqual(days, [
      { date: '2026-11-28', consumedKwh: 0.5, exportedKwh: null, slots: 1 },
      { date: '2026-11-29', consumedKwh: 0.3, exportedKwh: 0.3, slots: 2 },
    ]);
  });

  test('half hours without any value are not counted as slots', () => {
    assert.deepEqual(dailySums([{ ms: at('2026-11-29T12:00:00+09:00'), consumedKwh: null, exportedKwh: null }]), []);
  });
});

describe('repeated slots and slot length', () => {
  test('a slot mark given twice counts once: the last value, an empty field keeping the earlier one', () => {
    const mark = at('2026-11-29T01:00:00+09:00');
    const { points, differing } = lastPerSlot([
      { ms: mark, consumedKwh: 0.2, exportedKwh: 0.1 },
      { ms: mark - 1_800_000, consumedKwh: 0.4, exportedKwh: null },
      { ms: mark, consumedKwh: 0.3, exportedKwh: null },
    ]);
    assert.deepEqual(points, [
      { ms: mark - 1_800_000, consumedKwh: 0.4, exportedKwh: null },
      { ms: mark, consumedKwh: 0.3, exportedKwh: 0.1 },
    ]);
    assert.equal(differing, 1);
  });

  test('marks off the half-hour grid are one-minute slots', () => {
    const slot = (iso: string) => ({ ms: at(iso), consumedKwh: 0, exportedKwh: 0 });
    assert.equal(slotStep([slot('2026-11-29T14:00:00+09:00'), slot('2026-11-29T14:30:00+09:00')]), 1_800_000);
    assert.equal(slotStep([slot('2026-11-29T14:00:00+09:00'), slot('2026-11-29T14:01:00+09:00')]), 60_000);
  });
});

describe('--from / --to', () => {
  test('a half hour is in [from, to) when it begins there: a Japan day is its 48 slots marked 00:30 … 24:00', () => {
    const slots = Array.from({ length: 3 * 48 }, (_, i) => ({
      ms: at('2026-11-28T00:30:00+09:00') + i * 1_800_000,
      consumedKwh: 0.1,
      exportedKwh: null,
    }));
    const day = halfHoursInRange(slots, at('2026-11-29T00:00:00+09:00'), at('2026-11-30T00:00:00+09:00'));
    assert.equal(day.length, 48);
    assert.equal(japanDateTime(day[0]?.ms ?? 0), '2026-11-29 00:30');
    assert.equal(japanDateTime(day.at(-1)?.ms ?? 0), '2026-11-30 00:00');
    assert.deepEqual(dailySums(day), [{ date: '2026-11-29', consumedKwh: 4.8, exportedKwh: null, slots: 48 }]);
    assert.equal(halfHoursInRange(slots, at('2026-11-29T12:00:00+09:00')).length, 48 + 24);
    assert.equal(halfHoursInRange(slots, undefined, at('2026-11-28T01:00:00+09:00')).length, 2);
  });

  test('a bare date is its Japan midnight, a bare time is Japan time, an offset is kept', () => {
    assert.equal(parseTimeArgument('--from', '2026-11-29'), at('2026-11-28T15:00:00Z'));
    assert.equal(parseTimeArgument('--from', '2026-11-29T12:30'), at('2026-11-29T03:30:00Z'));
    assert.equal(parseTimeArgument('--to', '2026-11-29T12:30:00Z'), at('2026-11-29T12:30:00Z'));
    assert.equal(japanDateTime(at('2026-11-29T15:00:00Z')), '2026-11-30 00:00');
  });

  test('anything else is a usage error naming the flag and the forms it takes', () => {
    assert.throws(
      () => parseTimeArgument('--from', 'yesterday'),
      (err: unknown) => {
        assert.ok(isBmeterError(err, 'USAGE'));
        assert.match(err.message, /--from "yesterday" is not a time: give 2026-11-29/);
        return true;
      },
    );
  });
});

describe('terminal charts', () => {
  const power = [
    { ms: at('2026-11-29T12:00:00+09:00'), watts: 800 },
    { ms: at('2026-11-29T12:10:00+09:00'), watts: -300 },
    { ms: at('2026-11-29T12:20:00+09:00'), watts: 1500 },
  ];
  const halfHours = Array.from({ length: 300 }, (_, i) => ({
    ms: at('2026-11-29T00:30:00+09:00') + i * 1_800_000,
    consumedKwh: (i % 7) / 10,
    exportedKwh: i % 5 === 0 ? 0.3 : 0,
  }));

  const visible = (line: string): number => [...line.replace(/\u001b\[\d+m/g, '')].length;

  for (const width of [30, 57, 80, 200]) {
    test(`every line fits in ${width} columns, with colour escapes too, and the height is kept`, () => {
      for (const colour of [false, true]) {
        for (const chart of [
          terminalPowerChart(power, { width, height: 12, colour }),
          terminalHalfHourChart(halfHours, { width, height: 12, colour }),
          terminalDailyChart(dailySums(halfHours), { width, height: 12, colour }),
        ]) {
          const lines = chart.split('\n');
          assert.equal(lines.length, 12);
          for (const line of lines) assert.ok(visible(line) <= width, `${visible(line)} > ${width}: ${line}`);
        }
      }
    });
  }

  test('200,000 readings or half hours are drawn (no spread of the values into Math.max: stack overflow)', () => {
    const many = 200_000;
    const readings = Array.from({ length: many }, (_, i) => ({ ms: i * 30_000, watts: (i % 1000) - 300 }));
    const lines = terminalPowerChart(readings, { width: 80, height: 12, colour: false }).split('\n');
    assert.match(lines[0] ?? '', /200000 readings/);
    assert.match(lines[1] ?? '', /^ {4}699 ┤/);
    assert.match(lines[9] ?? '', /^ {3}-300 ┤/);
    const slots = Array.from({ length: many }, (_, i) => ({ ms: i * 1_800_000, consumedKwh: 1.5, exportedKwh: 0 }));
    assert.match(
      terminalHalfHourChart(slots, { width: 80, height: 12, colour: false }).split('\n')[1] ?? '',
      /^ {4}1\.5 ┤█{71}$/,
    );
  });

  test('the time labels sit under the bars, not under the blank tail bars of whole columns leave', () => {
    const day = halfHours.slice(0, 48); // 2026-11-29 00:00 … 11-30 00:00
    const label = (width: number): string =>
      terminalHalfHourChart(day, { width, height: 8, colour: false }).split('\n').at(-1) ?? '';
    // 91 columns: 48 bars of 1 column, centre at 24; 131 columns: 48 bars of 2, centre at 48
    const at100 = label(100);
    assert.equal(at100, `${' '.repeat(9)}11-29 00:00${' '.repeat(8)}11-29 12:00${' '.repeat(7)}11-30 00:00`);
    assert.equal(at100.length, 9 + 48);
    const at140 = label(140);
    assert.equal(at140.length, 9 + 96);
    assert.equal(at140.indexOf('11-29 12:00'), 9 + 48 - 5);
    const days = dailySums(halfHours); // 7 days (the last one partial): 71 columns give 10 each
    const dates = terminalDailyChart(days, { width: 80, height: 8, colour: false }).split('\n').at(-1) ?? '';
    assert.equal(dates.length, 9 + 70);
    assert.equal(dates.indexOf(days[3]?.date ?? '?'), 9 + 35 - 5, 'the middle date is centred on its bar');
  });

  test('the power axis is labelled with its extremes and zero when the meter exported', () => {
    const lines = terminalPowerChart(power, { width: 60, height: 12, colour: false }).split('\n');
    assert.match(lines[1] ?? '', /^ {3}1500 ┤/);
    assert.match(lines[9] ?? '', /^ {3}-300 ┤/);
    assert.ok(lines.some((l) => /^ {6}0 ┤/.test(l)));
    assert.match(lines[11] ?? '', /11-29 12:00 .* 11-29 12:20$/);
  });
});

test('the CLI bundle imports the chart libraries lazily and never requires them at start', () => {
  const bundle = readFileSync(repoPath('dist', 'bmeter.cjs'), 'utf8');
  for (const name of ['vega', 'vega-lite', '@resvg/resvg-js']) {
    assert.doesNotMatch(bundle, new RegExp(`require\\("${name}"\\)`), name);
    // import() as the build rewrote it for bin/load-bundle.js (scripts/bundle.mjs)
    assert.match(bundle, new RegExp(`__bmeterImport\\("${name}"\\)`), name);
  }
});
