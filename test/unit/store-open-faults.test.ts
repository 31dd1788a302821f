/**
 * Opening the store where it cannot be written, or where it is not a file: a migration (or a batch of half hours)
 * whose statement a full disk failed reports that failure, not the "cannot rollback" of the transaction SQLite
 * already rolled back; `storeOpenError` makes a full disk or an I/O error exit 1 and anything else exit 2; a
 * `--db` naming a device, FIFO or socket is refused (exit 2) before SQLite or the lock writes anything beside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { storeOpenError } from '../../src/cli/store.js';
import { assertNotSpecialFile } from '../../src/fs/regular-file.js';
import { migrate } from '../../src/output/store/schema.js';
import type { Database, Statement } from '../../src/output/store/sqlite.js';
import { SqliteStore } from '../../src/output/store/store.js';
import { runProgram } from '../fixtures/run-program.js';
import { SIM_SCAN_RESULT } from '../fixtures/scan-result.js';
import { NEEDS_SQLITE } from '../fixtures/sqlite.js';
import { writeScanFile } from '../../src/scan/scan-file.js';
import { tempDirFor } from '../e2e/helpers/temp-dir.js';

/** node:sqlite's error for a full disk (errcode 13), as Node 22 throws it. */
function sqliteError(errcode: number, errstr: string): Error {
  return Object.assign(new Error(errstr), { code: 'ERR_SQLITE_ERROR', errcode, errstr });
}
const FULL = sqliteError(13, 'database or disk is full');
const NO_TRANSACTION = sqliteError(1, 'cannot rollback - no transaction is active');

/** A database on a full disk: `failing` statements throw FULL, and SQLite has rolled back by then. */
function fullDisk(failing: (sql: string) => boolean): { db: Database; executed: string[] } {
  const executed: string[] = [];
  let inTransaction = false;
  const statement: Statement = {
    run: () => {
      throw FULL;
    },
    get: () => ({ user_version: 0 }),
    all: () => [],
  };
  const db: Database = {
    exec(sql) {
      executed.push(sql);
      if (sql.startsWith('BEGIN')) inTransaction = true;
      else if (sql === 'ROLLBACK' && !inTransaction) throw NO_TRANSACTION;
      else if (failing(sql)) {
        inTransaction = false; // SQLITE_FULL: SQLite rolled the transaction back itself
        throw FULL;
      }
    },
    prepare: () => statement,
    close: () => undefined,
  };
  return { db, executed };
}

test('a migration a full disk fails throws the full disk, not the ROLLBACK that follows', () => {
  const { db, executed } = fullDisk((sql) => sql.includes('CREATE TABLE'));
  assert.throws(
    () => migrate(db, '/x/bmeter.db'),
    (err) => err === FULL,
  );
  assert.deepEqual(executed.at(-1), 'ROLLBACK', 'the transaction was still ended');
});

test('half hours a full disk fails throw the full disk, not the ROLLBACK that follows', () => {
  const { db } = fullDisk(() => false);
  const store = new SqliteStore('/x/bmeter.db', db, () => undefined);
  const slot = {
    slot_start: '2024-05-01T12:00:00+09:00',
    energy_normal_kwh: 1,
    energy_reverse_kwh: 0,
    consumed_kwh: null,
    exported_kwh: null,
  };
  assert.throws(
    () => store.upsertHalfHours('m', [slot]),
    (err) => err === FULL,
  );
});

test('storeOpenError: a full disk or any I/O error is exit 1 saying so; anything else exit 2', () => {
  const full = storeOpenError(FULL, '/mnt/h.db');
  assert.equal(full.exitCode, 1);
  assert.match(
    full.message,
    /^cannot write the store \/mnt\/h\.db: the disk is full \(SQLite: database or disk is full\);/,
  );
  assert.match(full.message, /free some space, or give another --db$/);
  assert.equal(full.cause, FULL);

  // SQLITE_IOERR_SHMSIZE (10 | 19 << 8): the -shm file a nearly full tmpfs cannot grow.
  const io = storeOpenError(sqliteError(4874, 'disk I/O error'), '/mnt/h.db');
  assert.equal(io.exitCode, 1);
  assert.match(io.message, /^cannot write the store \/mnt\/h\.db: the write failed \(SQLite: disk I\/O error; most/);
  assert.match(io.message, /a new one is not left — free some space or check the disk, or give another --db$/);
  assert.equal(storeOpenError(sqliteError(10, 'disk I/O error'), '/mnt/h.db').exitCode, 1);

  const notDb = storeOpenError(sqliteError(26, 'file is not a database'), '/x/notes.txt');
  assert.equal(notDb.exitCode, 2);
  assert.match(notDb.message, /^cannot open the store \/x\/notes\.txt: file is not a database — is it a bmeter/);
});

test('assertNotSpecialFile: a device, a FIFO or a link to one is refused; a file, a folder or nothing is not', (t) => {
  const dir = tempDirFor(t, 'bmeter-special-');
  assert.throws(
    () => assertNotSpecialFile('/dev/null', '--db'),
    /^BmeterError: --db \/dev\/null is a device, not a file: give the path of a store file$/,
  );
  execFileSync('mkfifo', [dir.file('pipe')]);
  assert.throws(() => assertNotSpecialFile(dir.file('pipe'), '--db', 'pipe'), /--db pipe is a named pipe \(FIFO\)/);
  symlinkSync('/dev/null', dir.file('link'));
  assert.throws(() => assertNotSpecialFile(dir.file('link'), '--db'), /is a device/);
  writeFileSync(dir.file('file.db'), '');
  mkdirSync(dir.file('folder'));
  for (const name of ['file.db', 'folder', 'missing.db'])
    assert.doesNotThrow(() => assertNotSpecialFile(dir.file(name), '--db'));
});

/** /dev/null's SQLite and lock siblings, which a refused --db must not make. */
const DEV_NULL_SIBLINGS = ['-journal', '-wal', '-shm', '.lock'].map((s) => `/dev/null${s}`);

for (const argv of [
  ['poll', '--db'],
  ['history', '--db'],
  ['serve', '--listen', '127.0.0.1:0', '--quiet', '--db'],
  ['plot', '--chart', 'half-hours', '--out', '-', '--db'],
]) {
  test(
    `${argv[0]} --db /dev/null or a FIFO: exit 2 naming it, nothing made beside it`,
    { skip: NEEDS_SQLITE },
    async (t) => {
      const there = DEV_NULL_SIBLINGS.filter((f) => existsSync(f));
      const dir = tempDirFor(t, 'bmeter-special-db-');
      execFileSync('mkfifo', [dir.file('pipe')]);
      await writeScanFile(dir.file('bmeter.scan.json'), SIM_SCAN_RESULT);
      symlinkSync('pipe', dir.file('link.db'));
      for (const [db, kind] of [
        ['/dev/null', 'a device'],
        ['link.db', 'a named pipe \\(FIFO\\)'],
      ] as const) {
        const r = await runProgram(['--port', '/dev/ttySIM0', ...argv, db], { cwd: dir.path, simUrl: 'sim://' });
        assert.equal(r.code, 2, r.stderr);
        assert.match(
          r.stderr,
          new RegExp(`^bmeter: --db \\S*${db} is ${kind}, not a file: give the path of a store file\\n$`),
        );
        assert.deepEqual(r.ports, [], 'no stick opened');
      }
      assert.deepEqual(
        DEV_NULL_SIBLINGS.filter((f) => existsSync(f)),
        there,
        'no -journal, -wal, -shm or lock file',
      );
      assert.deepEqual(readdirSync(dir.path).sort(), ['bmeter.scan.json', 'link.db', 'pipe']);
    },
  );
}
