/** When serve fetches the half-hour record, and which slots it asks for (pure times, no meter). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backfillDue, backfillRequest, isReadingGap } from '../../src/serve/backfill-plan.js';

const at = (iso: string): number => Date.parse(iso);

test('the first backfill is due at start, and a failed one only after the retry delay', () => {
  assert.equal(backfillDue({}, at('2024-05-01T12:10:00+09:00')), 'start');
  const failedAt = at('2024-05-01T12:10:00+09:00');
  assert.equal(backfillDue({ failedAt }, at('2024-05-01T12:14:59+09:00')), undefined);
  assert.equal(backfillDue({ failedAt }, at('2024-05-01T12:15:00+09:00')), 'retry');
});

test('a backfill is due a settle minute after each half-hour mark, and the mark at midnight is a day change', () => {
  const doneAt = at('2024-05-01T12:05:00+09:00');
  assert.equal(
    backfillDue({ doneAt }, at('2024-05-01T12:30:59+09:00')),
    undefined,
    'the 12:30 slot may not be written yet',
  );
  assert.equal(backfillDue({ doneAt }, at('2024-05-01T12:31:00+09:00')), 'new-slot');
  const lateAt = at('2024-05-01T23:45:00+09:00');
  assert.equal(backfillDue({ doneAt: lateAt }, at('2024-05-02T00:01:00+09:00')), 'day-change');
  assert.equal(backfillDue({ doneAt: at('2024-05-02T00:01:00+09:00') }, at('2024-05-02T00:20:00+09:00')), undefined);
});

test('a gap in the readings makes a backfill due at once', () => {
  const doneAt = at('2024-05-01T12:05:00+09:00');
  assert.equal(backfillDue({ doneAt, gap: true }, at('2024-05-01T12:06:00+09:00')), 'gap');
});

test('more than three intervals between two readings is a gap', () => {
  assert.equal(isReadingGap(undefined, 1_000_000, 30_000), false, 'the first reading');
  assert.equal(isReadingGap(1_000_000, 1_090_000, 30_000), false, 'exactly three intervals');
  assert.equal(isReadingGap(1_000_000, 1_090_001, 30_000), true);
});

test('a new store asks for --history-days days; a store with half-hours continues after its newest slot', () => {
  assert.deepEqual(backfillRequest(undefined, 7), { days: 7 });
  assert.deepEqual(backfillRequest(1714532400000, 7), { sinceMs: 1714532400000 });
});

test("a backfill stopped near the meter's midnight is due again once that has passed, before a failure's retry", () => {
  const deferredUntil = at('2024-05-02T00:01:30+09:00');
  const failedAt = at('2024-05-01T23:59:00+09:00');
  assert.equal(backfillDue({ deferredUntil, doneAt: failedAt }, at('2024-05-02T00:01:29+09:00')), undefined);
  assert.equal(backfillDue({ deferredUntil, doneAt: failedAt }, at('2024-05-02T00:01:30+09:00')), 'after-midnight');
  assert.equal(backfillDue({ deferredUntil, failedAt }, at('2024-05-02T00:01:30+09:00')), 'after-midnight');
});
