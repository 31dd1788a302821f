import assert from 'node:assert/strict';
import { test } from 'node:test';
import { count } from '../../src/log/count.js';

test('a count says its noun in the singular for one only', () => {
  assert.deepEqual(
    [count(0, 'reading'), count(1, 'reading'), count(2, 'reading'), count(1, 'PAN'), count(3, 'PAN')],
    ['0 readings', '1 reading', '2 readings', '1 PAN', '3 PANs'],
  );
  assert.equal(count(2, 'day', 'days of data'), '2 days of data');
});
