/**
 * A store `serve`, `poll --db` or `history --db` made for a run that then fails before anything was stored
 * (here the meter refuses the join: EVENT 24, exit 4) goes again with its -wal, -shm and lock file; a store
 * that was there before (even an empty one) stays, as does one a failing run stored rows in, and one a run
 * that ends well made. The real program in process, the built-in simulator as the stick, one virtual clock
 * for both (the join's back-off and the scan of all channels cost no real time).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { runProgram } from '../fixtures/run-program.js';
import { SIM_SCAN_RESULT } from '../fixtures/scan-result.js';
import { databaseSync, NEEDS_SQLITE, openTestStore } from '../fixtures/sqlite.js';
import { smallTmpfs } from '../fixtures/small-tmpfs.js';
import { tempDirFor, type TempDir } from '../e2e/helpers/temp-dir.js';

const FROZEN = 'clock=2024-05-01T12:10:00%2B09:00';
const REFUSING = `sim://?timeScale=0.001&${FROZEN}&authReject=1`;

/** The arguments of each store command after `--db FILE` (serve on a port of its own). */
const COMMANDS = {
  poll: ['poll'],
  history: ['history'],
  serve: ['serve', '--listen', '127.0.0.1:0', '--quiet'],
} as const;

async function scanned(t: { after(fn: () => void): void }): Promise<TempDir> {
  const dir = tempDirFor(t, 'bmeter-take-back-');
  await writeScanFile(dir.file('scan.json'), SIM_SCAN_RESULT);
  return dir;
}

function run(dir: TempDir, command: keyof typeof COMMANDS, db: string, simUrl: string, extra: string[] = []) {
  const [name, ...rest] = COMMANDS[command];
  const argv = ['--scan-file', 'scan.json', '--port', '/dev/ttySIM0', name, '--db', db, ...rest, ...extra];
  return runProgram(argv, { cwd: dir.path, simUrl, virtualClock: true });
}

const files = (dir: TempDir): string[] => readdirSync(dir.path).sort();

async function rowCount(path: string, table: string): Promise<number> {
  const db = new (await databaseSync())(path, { readOnly: true });
  try {
    return Number(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()?.['n']);
  } finally {
    db.close();
  }
}

for (const command of Object.keys(COMMANDS) as (keyof typeof COMMANDS)[]) {
  test(
    `${command}: a refused join (exit 4) takes back the new store, and keeps one from before`,
    {
      skip: NEEDS_SQLITE,
    },
    async (t) => {
      const dir = await scanned(t);
      const fresh = await run(dir, command, 'new.db', REFUSING);
      assert.equal(fresh.code, 4, fresh.stderr);
      assert.match(fresh.stderr, /EVENT 24/);
      assert.deepEqual(files(dir), ['scan.json'], 'no store, -wal, -shm or lock file left');

      // An empty store from before is still the user's.
      (await openTestStore(dir.file('old.db'))).close();
      const before = files(dir);
      const old = await run(dir, command, 'old.db', REFUSING);
      assert.equal(old.code, 4, old.stderr);
      assert.deepEqual(files(dir), before, 'the store from before is kept');
    },
  );
}

test('poll --db that reads keeps the store it made, with its reading', { skip: NEEDS_SQLITE }, async (t) => {
  const dir = await scanned(t);
  const r = await run(dir, 'poll', 'new.db', `sim://?timeScale=0.001&${FROZEN}`);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(files(dir), ['new.db', 'scan.json']);
  assert.equal(await rowCount(dir.file('new.db'), 'readings'), 1);
});

test('history --db that fails after storing a day keeps the store it made', { skip: NEEDS_SQLITE }, async (t) => {
  const dir = await scanned(t);
  // Day 0 is SetC E5, Get E2, Get E4 (requests 1–3); the meter answers nothing after that.
  const r = await run(dir, 'history', 'new.db', `sim://?timeScale=0.001&${FROZEN}&faults=drop@4%2B`, ['--days', '2']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /no answer to SetC E5/);
  assert.ok(files(dir).includes('new.db'), files(dir).join(', '));
  assert.ok((await rowCount(dir.file('new.db'), 'half_hours')) > 0, 'the first day was stored');
});

// A 64 KiB tmpfs (16 pages) with `freePages` left: none, and the lock file cannot be written; one, which the lock
// file takes, and SQLite cannot write the new store's first page (it has made the empty file by then).
for (const [freePages, message] of [
  [
    0,
    /^bmeter: cannot write the lock file \S+new\.db\.lock: no space left on the device \(ENOSPC\); none is left — free some space, or give another --db\n$/,
  ],
  [
    1,
    /^bmeter: cannot write the store \S+new\.db: the disk is full \(SQLite: database or disk is full\); a store there before is as it was, a new one is not left — free some space, or give another --db\n$/,
  ],
] as const) {
  test(
    `poll --db on a full disk (${freePages} page(s) free): exit 1 saying so, no file left`,
    {
      skip: NEEDS_SQLITE,
    },
    async (t) => {
      const disk = smallTmpfs(t, 64, 'test/unit/store-take-back.test.ts covers the take-back without a full disk');
      if (typeof disk === 'string') return t.skip(disk);
      try {
        writeFileSync(join(disk.dir, 'filler'), Buffer.alloc((16 - freePages) * 4096 + (freePages === 0 ? 1 : 0)));
      } catch {
        // ENOSPC: the disk is full now, as wanted
      }
      const dir = await scanned(t);
      const r = await run(dir, 'poll', join(disk.dir, 'new.db'), `sim://?timeScale=0.001&${FROZEN}`);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.deepEqual(r.ports, [], 'no stick opened');
      assert.deepEqual(readdirSync(disk.dir), ['filler'], 'no store, lock, -wal or -shm file left');
    },
  );
}

// A 128 KiB tmpfs with `freeKib` left: enough for the new store's first pages, not for its -shm (SQLite: disk I/O
// error, SQLITE_IOERR_SHMSIZE) or not for the migration (SQLITE_FULL, after which SQLite has rolled back itself and
// a ROLLBACK of bmeter's own used to throw "cannot rollback - no transaction is active" in its place).
for (const [freeKib, fault] of [
  [16, /the write failed \(SQLite: disk I\/O error; most often a full disk, else a failing device\)/],
  [48, /the disk is full \(SQLite: database or disk is full\)/],
] as const) {
  for (const command of Object.keys(COMMANDS) as (keyof typeof COMMANDS)[]) {
    test(
      `${command} --db with ${freeKib} KiB free: exit 1 saying the write failed, no file left`,
      { skip: NEEDS_SQLITE },
      async (t) => {
        const disk = smallTmpfs(t, 128, 'test/unit/store-open-faults.test.ts covers the error and the rollback');
        if (typeof disk === 'string') return t.skip(disk);
        writeFileSync(join(disk.dir, 'filler'), Buffer.alloc((128 - freeKib) * 1024));
        const dir = await scanned(t);
        const r = await run(dir, command, join(disk.dir, 'new.db'), `sim://?timeScale=0.001&${FROZEN}`);
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, /^bmeter: cannot write the store \S+new\.db: /);
        assert.match(r.stderr, fault);
        assert.match(r.stderr, /a new one is not left — free some space.*, or give another --db\n$/);
        assert.deepEqual(r.ports, [], 'no stick opened');
        assert.deepEqual(readdirSync(disk.dir), ['filler'], 'no store, lock, -wal or -shm file left');
      },
    );
  }
}
