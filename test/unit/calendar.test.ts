/**
 * Dates that do not exist are refused wherever a time is typed (history --since, plot --from/--to, the API's
 * from/to, the simulator's clock=) or read back from a file, instead of rolling over to another day as
 * Date.parse does (2026-11-31 → December 1). Expected instants written by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { onTheCalendar, parseCalendarTime, parseJapanTime } from '../../src/time/calendar.js';
import { parseTimeArgument } from '../../src/plot/japan-time.js';
import { parseSimUrl } from '../../src/sim/options.js';
import { timeParam } from '../../src/serve/http/params.js';

const NOT_ON_THE_CALENDAR = [
  '2026-11-31',
  '2026-02-29',
  '2026-02-30',
  '2026-13-01',
  '2026-00-10',
  '2026-11-00',
  '2026-11-30T24:00',
  '2026-11-30T23:60',
  '2026-11-30T23:59:60+09:00',
];

test('only dates and times that exist are on the calendar, leap days included', () => {
  for (const text of ['2024-02-29', '2026-12-31T23:59:59.999+09:00', '2026-11-30T00:00Z', '2000-02-29T12:00'])
    assert.equal(onTheCalendar(text), true, text);
  for (const text of [...NOT_ON_THE_CALENDAR, '1900-02-29', 'tomorrow', ''])
    assert.equal(onTheCalendar(text), false, text);
  assert.equal(parseCalendarTime('2026-11-30T12:00:00+09:00'), Date.UTC(2026, 10, 30, 3));
  assert.ok(Number.isNaN(parseCalendarTime('2026-11-31T12:00:00+09:00')));
});

test('a typed time is a Japan date, a Japan wall time or a time with an offset', () => {
  assert.equal(parseJapanTime('2026-11-30'), Date.UTC(2026, 10, 29, 15));
  assert.equal(parseJapanTime(' 2026-11-30T12:00 '), Date.UTC(2026, 10, 30, 3));
  assert.equal(parseJapanTime('2026-11-30T12:00:30+0900'), Date.UTC(2026, 10, 30, 3, 0, 30));
  assert.equal(parseJapanTime('2026-11-30T12:00Z'), Date.UTC(2026, 10, 30, 12));
  for (const text of [...NOT_ON_THE_CALENDAR, '30/11/2026', '2026-11-30 12:00'])
    assert.ok(Number.isNaN(parseJapanTime(text)), text);
});

test('plot --from, the API and the simulator clock refuse a date that does not exist', () => {
  for (const text of NOT_ON_THE_CALENDAR) {
    assert.throws(
      () => parseTimeArgument('--from', text),
      {
        code: 'USAGE',
        message: `--from "${text}" is not a time: give 2026-11-29, 2026-11-29T12:00 (Japan time) or 2026-11-29T12:00:00+09:00`,
      },
      text,
    );
    const url = new URL(`http://localhost/api/readings?from=${encodeURIComponent(text)}`);
    assert.throws(
      () => timeParam(url, 'from', 0),
      /is neither a date \(2024-05-01, Japan time\) nor an ISO 8601 time/,
      text,
    );
  }
  assert.throws(() => parseSimUrl('sim://?clock=2024-02-30T12:00:00%2B09:00'), {
    code: 'USAGE',
    message: 'invalid simulator options: sim option clock: "2024-02-30T12:00:00+09:00" is not an ISO 8601 date-time',
  });
  assert.equal(parseSimUrl('sim://?clock=2024-02-29T12:00:00%2B09:00').clock?.().getTime(), Date.UTC(2024, 1, 29, 3));
});
