import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BmeterError } from '../../src/errors.js';

test('each error kind maps to the exit code docs/design.md §4 gives it', () => {
  assert.equal(new BmeterError('TIMEOUT', 'x').exitCode, 1);
  assert.equal(new BmeterError('CONFIG', 'x').exitCode, 2);
  assert.equal(new BmeterError('NO_SCAN_FILE', 'x').exitCode, 2);
  assert.equal(new BmeterError('NO_METER', 'x').exitCode, 3);
  assert.equal(new BmeterError('AUTH', 'x').exitCode, 4);
  assert.equal(new BmeterError('PORT_BUSY', 'x').exitCode, 5);
});
