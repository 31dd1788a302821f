/**
 * SqliteStore `isEmpty` and `takeBack`: a store is empty while no table holds a row (bmeter's or one a user
 * added), and `takeBack` deletes only a store its own open made (nothing was at the path, not even a link)
 * and nothing was stored in, with its -wal, -shm and lock file; any other store is only closed. And the CLI's
 * `closeCliStore`: only a failed run takes its store back, not one stopped by SIGINT/SIGTERM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import type { HistoryRecord } from '../../src/history/slots.js';
import { closeCliStore } from '../../src/cli/store.js';
import { silentLogger } from '../../src/log/logger.js';
import { READING } from '../fixtures/reading.js';
import { NEEDS_SQLITE, openTestStore } from '../fixtures/sqlite.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const SLOT: HistoryRecord = {
  slot_start: '2024-05-01T12:00:00+09:00',
  energy_normal_kwh: 12345.6,
  energy_reverse_kwh: 0,
  consumed_kwh: 0.1,
  exported_kwh: 0,
};

test('isEmpty: true for the schema alone, false once any table holds a row', { skip: NEEDS_SQLITE }, async (t) => {
  const dir = tempDirFor(t, 'bmeter-empty-');
  const store = await openTestStore(dir.file('a.db'));
  t.after(() => store.close());
  assert.equal(store.isEmpty(), true);
  store.insertReading('m', READING);
  assert.equal(store.isEmpty(), false, 'a reading');

  const other = await openTestStore(dir.file('b.db'));
  t.after(() => other.close());
  other.upsertHalfHours('m', [SLOT]);
  assert.equal(other.isEmpty(), false, 'a half hour');

  // A table of the user's own counts too (the DatabaseSync of the store is private: reach it as SQLite would).
  const own = await openTestStore(dir.file('c.db'));
  t.after(() => own.close());
  const db = (own as unknown as { db: { exec(sql: string): void } }).db;
  db.exec('CREATE TABLE "my notes" (text TEXT)');
  assert.equal(own.isEmpty(), true, 'an empty table of the user');
  db.exec(`INSERT INTO "my notes" VALUES ('meter moved')`);
  assert.equal(own.isEmpty(), false, 'a row of the user');
});

test(
  'takeBack deletes a store its open made and nothing was stored in, with its siblings',
  {
    skip: NEEDS_SQLITE,
  },
  async (t) => {
    const dir = tempDirFor(t, 'bmeter-take-back-');
    const store = await openTestStore(dir.file('new.db'));
    for (const file of ['new.db-wal', 'new.db-shm', 'new.db.lock']) assert.ok(existsSync(dir.file(file)), file);
    assert.equal(store.takeBack(), true);
    assert.deepEqual(readdirSync(dir.path), [], 'no store, -wal, -shm or lock file');
    assert.equal(store.takeBack(), false, 'a second call does nothing');
  },
);

test(
  'takeBack only closes a store that holds a row, or was there before (even empty)',
  {
    skip: NEEDS_SQLITE,
  },
  async (t) => {
    const dir = tempDirFor(t, 'bmeter-take-back-');
    const stored = await openTestStore(dir.file('stored.db'));
    stored.insertReading('m', READING);
    assert.equal(stored.takeBack(), false);

    (await openTestStore(dir.file('old.db'))).close();
    assert.equal((await openTestStore(dir.file('old.db'))).takeBack(), false);
    assert.deepEqual(readdirSync(dir.path).sort(), ['old.db', 'stored.db'], 'both kept, unlocked');
  },
);

test(
  'takeBack keeps a store reached through a link that was there before its target',
  {
    skip: NEEDS_SQLITE,
  },
  async (t) => {
    const dir = tempDirFor(t, 'bmeter-take-back-');
    symlinkSync('target.db', dir.file('link.db')); // a link to nothing yet: the user named where the store goes
    const store = await openTestStore(dir.file('link.db'));
    assert.equal(store.takeBack(), false);
    assert.deepEqual(readdirSync(dir.path).sort(), ['link.db', 'target.db']);
    assert.equal(readlinkSync(dir.file('link.db')), 'target.db');
  },
);

test(
  'closeCliStore takes back a new empty store after a failed run only, not one a signal stopped',
  {
    skip: NEEDS_SQLITE,
  },
  async (t) => {
    const dir = tempDirFor(t, 'bmeter-take-back-');
    const running = new AbortController().signal;
    const stopped = AbortSignal.abort(); // SIGINT: the run's error (CLOSED) is turned into exit 0
    closeCliStore(await openTestStore(dir.file('ok.db')), { failed: false, signal: running }, silentLogger());
    closeCliStore(await openTestStore(dir.file('stopped.db')), { failed: true, signal: stopped }, silentLogger());
    closeCliStore(await openTestStore(dir.file('failed.db')), { failed: true, signal: running }, silentLogger());
    assert.deepEqual(readdirSync(dir.path).sort(), ['ok.db', 'stopped.db']);
  },
);
