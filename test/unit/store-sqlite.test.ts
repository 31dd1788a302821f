/**
 * The SQLite store on real files: schema versions and migration, readings in and out by range,
 * half-hours upserted without duplicates, daily sums, and the one-writer lock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import type { Reading } from '../../src/meter/reading.js';
import { openStore } from '../../src/output/store/store.js';
import { databaseSync, NEEDS_SQLITE, openTestStore } from '../fixtures/sqlite.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

const METER = '001c640003dd6393';

function reading(timestamp: string, power: number, source: 'poll' | 'notification' = 'poll'): Reading {
  return {
    timestamp,
    power_w: power,
    current_r_a: 1.5,
    current_t_a: null,
    energy_normal_kwh: 12345.6,
    energy_reverse_kwh: 0,
    fixed_normal_at: '2024-05-01T12:00:00+09:00',
    fixed_normal_kwh: 12345.5,
    fixed_reverse_at: null,
    fixed_reverse_kwh: null,
    source,
  };
}

function slot(slot_start: string, normal: number, consumed: number | null) {
  return {
    slot_start,
    energy_normal_kwh: normal,
    energy_reverse_kwh: 0,
    consumed_kwh: consumed,
    exported_kwh: consumed === null ? null : 0,
  };
}

test(
  'a new store file is in WAL mode at schema version 2 with the contract tables',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const dir = tempDirFor(t);
    const store = await openTestStore(dir.file('a.db'));
    store.close();
    const db = new (await databaseSync())(dir.file('a.db'));
    assert.equal(db.prepare('PRAGMA user_version').get()?.['user_version'], 2);
    assert.equal(db.prepare('PRAGMA journal_mode').get()?.['journal_mode'], 'wal');
    const columns = (table: string) =>
      db
        .prepare(`PRAGMA table_info(${table})`)
        .all()
        .map((c) => c['name']);
    assert.deepEqual(columns('readings'), [
      'meter',
      'ts_ms',
      'timestamp',
      'source',
      'power_w',
      'current_r_a',
      'current_t_a',
      'energy_normal_kwh',
      'energy_reverse_kwh',
      'fixed_normal_at',
      'fixed_normal_kwh',
      'fixed_reverse_at',
      'fixed_reverse_kwh',
    ]);
    assert.deepEqual(columns('half_hours'), [
      'meter',
      'slot_ms',
      'slot_start',
      'energy_normal_kwh',
      'energy_reverse_kwh',
      'consumed_kwh',
      'exported_kwh',
    ]);
    db.close();
  },
);

test('a version 1 file with readings opens under version 2 and keeps its rows', { skip: NEEDS_SQLITE }, async (t) => {
  const dir = tempDirFor(t);
  const v1 = await openTestStore(dir.file('old.db'), 1);
  v1.insertReading(METER, reading('2024-05-01T12:10:00.000+09:00', 500));
  v1.close();
  const check = new (await databaseSync())(dir.file('old.db'));
  assert.equal(check.prepare('PRAGMA user_version').get()?.['user_version'], 1);
  check.close();

  const v2 = await openTestStore(dir.file('old.db'));
  assert.equal(v2.latestReading(METER)?.power_w, 500);
  v2.close();
  const db = new (await databaseSync())(dir.file('old.db'));
  assert.equal(db.prepare('PRAGMA user_version').get()?.['user_version'], 2);
  const indexes = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'readings' ORDER BY name")
    .all()
    .map((r) => r['name']);
  assert.deepEqual(indexes, ['readings_meter_source_ts', 'readings_meter_ts']);
  db.close();
});

test('a file from a newer bmeter is refused with the versions named', { skip: NEEDS_SQLITE }, async (t) => {
  const dir = tempDirFor(t);
  const db = new (await databaseSync())(dir.file('new.db'));
  db.exec('PRAGMA user_version = 7');
  db.close();
  await assert.rejects(openTestStore(dir.file('new.db')), /schema version 7, newer than this bmeter knows \(2\)/);
  assert.equal(existsSync(dir.file('new.db.lock')), false, 'the lock is released after a failed open');
});

test(
  'readings come back by half-open time range, oldest first, at most limit, with every field',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const dir = tempDirFor(t);
    const store = await openTestStore(dir.file('r.db'));
    t.after(() => store.close());
    store.insertReading(METER, reading('2024-05-01T12:00:00.000+09:00', 100));
    store.insertReading(METER, reading('2024-05-01T12:00:30.000+09:00', 200, 'notification'));
    store.insertReading(METER, reading('2024-05-01T12:01:00.000+09:00', 300));
    store.insertReading('ffffffffffffffff', reading('2024-05-01T12:00:40.000+09:00', 999));

    const from = Date.parse('2024-05-01T03:00:00Z');
    const rows = store.readings(METER, from, Date.parse('2024-05-01T03:01:00Z'), 10);
    assert.deepEqual(
      rows.map((r) => r.power_w),
      [100, 200],
      'to is exclusive; another meter is not mixed in',
    );
    assert.deepEqual(
      { ...rows[1] },
      {
        meter: METER,
        timestamp: '2024-05-01T12:00:30.000+09:00',
        source: 'notification',
        power_w: 200,
        current_r_a: 1.5,
        current_t_a: null,
        energy_normal_kwh: 12345.6,
        energy_reverse_kwh: 0,
        fixed_normal_at: '2024-05-01T12:00:00+09:00',
        fixed_normal_kwh: 12345.5,
        fixed_reverse_at: null,
        fixed_reverse_kwh: null,
      },
    );
    assert.deepEqual(
      store.readings(METER, from, from + 3_600_000, 2).map((r) => r.power_w),
      [100, 200],
    );
    assert.equal(store.latestReading(METER)?.power_w, 300);
    assert.equal(store.latestReading('0000000000000000'), undefined);
  },
);

test(
  'a half-hour fetched again replaces its counters but never duplicates the slot, and keeps a known difference',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const dir = tempDirFor(t);
    const store = await openTestStore(dir.file('h.db'));
    t.after(() => store.close());
    store.upsertHalfHours(METER, [
      slot('2024-05-01T00:00:00+09:00', 100, 0.5),
      slot('2024-05-01T00:30:00+09:00', 100.2, 0.2),
    ]);
    store.upsertHalfHours(METER, [
      slot('2024-05-01T00:30:00+09:00', 100.2, null),
      slot('2024-05-01T01:00:00+09:00', 100.5, 0.3),
    ]);
    const rows = store.halfHours(METER, Date.parse('2024-04-30T00:00:00Z'), Date.parse('2024-05-02T00:00:00Z'), 100);
    assert.deepEqual(
      rows.map((r) => [r.slot_start, r.energy_normal_kwh, r.consumed_kwh]),
      [
        ['2024-05-01T00:00:00+09:00', 100, 0.5],
        ['2024-05-01T00:30:00+09:00', 100.2, 0.2],
        ['2024-05-01T01:00:00+09:00', 100.5, 0.3],
      ],
    );
    // A half hour is in the range when it begins there: 00:00–00:30 is the row marked 00:30 (its end).
    const first = store.halfHours(
      METER,
      Date.parse('2024-05-01T00:00:00+09:00'),
      Date.parse('2024-05-01T00:30:00+09:00'),
      100,
    );
    assert.deepEqual(
      first.map((r) => r.slot_start),
      ['2024-05-01T00:30:00+09:00'],
    );
    assert.equal(store.lastSlotMs(METER), Date.parse('2024-04-30T16:00:00Z'));
    assert.equal(store.lastSlotMs('ffffffffffffffff'), undefined);
  },
);

test('daily sums count a slot for the Japan-time day its half hour began in', { skip: NEEDS_SQLITE }, async (t) => {
  const dir = tempDirFor(t);
  const store = await openTestStore(dir.file('d.db'));
  t.after(() => store.close());
  store.upsertHalfHours(METER, [
    slot('2024-05-01T00:00:00+09:00', 10, 0.1), // the half hour 23:30–00:00 of April 30
    slot('2024-05-01T00:30:00+09:00', 10.2, 0.2),
    slot('2024-05-01T23:30:00+09:00', 20, 0.3),
    slot('2024-05-02T00:00:00+09:00', 20.7, 0.7), // the last half hour of May 1
    slot('2024-05-02T00:30:00+09:00', 21, null),
  ]);
  const days = store.daily(METER, Date.parse('2024-04-30T00:00:00+09:00'), Date.parse('2024-05-03T00:00:00+09:00'));
  assert.deepEqual(
    days.map((d) => ({ ...d })),
    [
      { date: '2024-04-30', consumed_kwh: 0.1, exported_kwh: 0, slots: 1 },
      { date: '2024-05-01', consumed_kwh: 1.2, exported_kwh: 0, slots: 3 },
      { date: '2024-05-02', consumed_kwh: null, exported_kwh: null, slots: 1 },
    ],
  );
});

test(
  'a second writer on the same file is told which PID holds it; a lock left by a dead process is taken over',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const dir = tempDirFor(t);
    const DatabaseSync = await databaseSync();
    const path = dir.file('l.db');
    const first = openStore(path, { DatabaseSync, lock: { pid: 4242, isAlive: () => true } });
    assert.throws(
      () => openStore(path, { DatabaseSync, lock: { pid: 5151, isAlive: (pid) => pid === 4242 } }),
      /the store .*l\.db is in use by PID 4242/,
    );
    first.close();
    assert.equal(existsSync(`${path}.lock`), false, 'closing releases the lock');

    writeFileSync(`${path}.lock`, '31337\n'); // a writer killed with -9
    const second = openStore(path, { DatabaseSync, lock: { pid: 5151, isAlive: () => false } });
    second.insertReading(METER, reading('2024-05-01T12:00:00.000+09:00', 1));
    second.close();
  },
);

test(
  'the same file reached through a symbolic link is the same store: the second writer is refused',
  { skip: NEEDS_SQLITE },
  async (t) => {
    const dir = tempDirFor(t);
    const DatabaseSync = await databaseSync();
    const path = dir.file('real.db');
    const first = openStore(path, { DatabaseSync, lock: { pid: 4242, isAlive: () => true } });
    symlinkSync(path, dir.file('link.db'));
    assert.throws(
      () => openStore(dir.file('link.db'), { DatabaseSync, lock: { pid: 5151, isAlive: (pid) => pid === 4242 } }),
      /is in use by PID 4242/,
    );
    first.close();
  },
);
