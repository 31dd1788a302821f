/**
 * The API's time parameters: ISO 8601 with an offset, or a bare date (Japan-time midnight); a date
 * or time that is not on the calendar is a 400, never rolled over into the next month.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequest } from '../../src/serve/http/route.js';
import { timeParam } from '../../src/serve/http/params.js';

const at = (query: string): number => timeParam(new URL(`http://localhost/api/daily?${query}`), 'from', -1);

test('a date-time with an offset and a bare Japan date are read as the instants they name', () => {
  assert.equal(at('from=2024-05-01T12:00:00%2B09:00'), Date.UTC(2024, 4, 1, 3, 0, 0));
  assert.equal(at('from=2024-02-29'), Date.UTC(2024, 1, 28, 15, 0, 0)); // 2024 is a leap year
  assert.equal(at(''), -1);
});

test('dates and times that do not exist are refused, not rolled over', () => {
  for (const bad of [
    '2026-02-30',
    '2026-02-29',
    '2026-04-31',
    '2026-13-01',
    '2026-05-01T24:00:00Z',
    '2026-05-01T12:60Z',
  ]) {
    assert.throws(
      () => at(`from=${bad}`),
      (err: unknown) => err instanceof BadRequest && /is neither a date .* nor an ISO 8601 time/.test(err.message),
      bad,
    );
  }
});
