/**
 * The lock file beside a store (src/output/store/lock.ts): what the message says when it cannot be made.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { lockStore } from '../../src/output/store/lock.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

test('a store in a folder that does not exist: the lock message says the folder is missing, not unwritable', (t) => {
  const dir = tempDirFor(t, 'bmeter-lock-');
  const path = join(dir.path, 'missing', 'x.db');
  assert.throws(
    () => lockStore(path, { pid: process.pid, isAlive: () => false }),
    (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /^cannot create the lock file .*x\.db\.lock: ENOENT/);
      assert.match(
        err.message,
        new RegExp(`— the folder ${join(dir.path, 'missing')} does not exist — create it or give another --db$`),
      );
      return true;
    },
  );
});
