/**
 * The SQLite store (node:sqlite `DatabaseSync`): one file, WAL journal, schema by migration
 * (schema.ts), one writer at a time (lock.ts). Every insert is its own transaction, committed
 * before it returns: a reading the caller has been told about survives `kill -9`. With WAL and
 * `synchronous = NORMAL` a commit is safe against a crash of the process; a power cut may lose
 * the last commits but never corrupts the file (SQLite's WAL guarantee).
 *
 * Times: `ts_ms` / `slot_ms` are epoch ms for range queries; `timestamp` / `slot_start` are the
 * records' own ISO text. Ranges are half-open [from, to), oldest first. A half-hour row's mark
 * (`slot_ms`, `slot_start`) is the END of its half hour, and a half hour is in a range when it
 * BEGINS there (mark − 30 min in [from, to)), for the half-hour lists as for `daily` and `bmeter plot`.
 */
import { READING_FIELDS, type Reading } from '../../meter/reading.js';
import type { DailyRow, HalfHourRow, JsonPage, ServeStore, StoredReading } from '../../serve/store-port.js';
import { HISTORY_COLUMNS, type HistoryRecord } from '../../history/slots.js';
import { assertNotFolder } from '../../fs/not-folder.js';
import { assertNotSpecialFile } from '../../fs/regular-file.js';
import { realPath } from '../../fs/real-path.js';
import { lockStore, type LockOwner } from './lock.js';
import { filesToBeMade, removeFiles } from './made-files.js';
import { migrate } from './schema.js';
import { rollback, type Database, type SqlValue, type Statement } from './sqlite.js';

/** The record fields in their order, with `source` after the timestamp (the table's column order). */
const READING_COLUMNS = ['timestamp', 'source', ...READING_FIELDS.slice(1)] as const;
/** The half-hour record's fields (the table's column order). */
const HALF_HOUR_COLUMNS = HISTORY_COLUMNS;
const HALF_HOUR_MS = 30 * 60_000;
const JST_MS = 9 * 3_600_000;

export interface OpenStoreOptions {
  /** node:sqlite's DatabaseSync (sqlite.ts `loadSqlite`). */
  DatabaseSync: new (path: string, options?: { timeout?: number }) => Database;
  lock: LockOwner;
  /** Upgrade the file only to this schema version (tests make old files with it). */
  schemaVersion?: number;
}

/**
 * Opens (creating if needed) the store at `path`, takes its lock and migrates it. Throws USAGE
 * for a folder (before any lock file is made beside it) and for a file in use by another bmeter,
 * BmeterError-free SQLite errors for a file that is not a database or cannot be written (a full
 * disk; the caller names the file). An open that fails leaves no file it made.
 */
export function openStore(path: string, o: OpenStoreOptions): SqliteStore {
  assertNotFolder(path, '--db');
  assertNotSpecialFile(path, '--db'); // a device, FIFO or socket: before SQLite writes a -journal beside it
  // The lock and SQLite's own -wal/-shm files are named after the real path, so the same file reached
  // through a symbolic link (or a folder link) is the same store, locked once.
  const real = realPath(path);
  const release = lockStore(real, o.lock);
  try {
    const made = filesToBeMade(path, real);
    let db: Database | undefined;
    try {
      db = new o.DatabaseSync(real, { timeout: 5000 }); // may fail having made the empty file (an I/O error)
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      migrate(db, path, o.schemaVersion);
    } catch (err) {
      db?.close();
      try {
        removeFiles(made); // e.g. the empty file a full disk left: still under the lock
      } catch {
        // left as it is: the open's own error is the one to report
      }
      throw err;
    }
    return new SqliteStore(path, db, release, made);
  } catch (err) {
    release();
    throw err;
  }
}

/** The store on one open file. */
export class SqliteStore implements ServeStore {
  private readonly insertReadingSql: Statement;
  private readonly upsertSlotSql: Statement;
  private readonly statements = new Map<string, Statement>();
  private open = true;

  /**
   * `release`: lets go of the lock; `made`: the files opening it made (made-files.ts), none when the store was
   * there before.
   */
  constructor(
    readonly path: string,
    private readonly db: Database,
    private readonly release: () => void,
    private readonly made: readonly string[] = [],
  ) {
    this.insertReadingSql = db.prepare(
      `INSERT INTO readings (meter, ts_ms, ${READING_COLUMNS.join(', ')})
       VALUES (?, ?${', ?'.repeat(READING_COLUMNS.length)})`,
    );
    this.upsertSlotSql = db.prepare(
      `INSERT INTO half_hours (meter, slot_ms, ${HALF_HOUR_COLUMNS.join(', ')})
       VALUES (?, ?${', ?'.repeat(HALF_HOUR_COLUMNS.length)})
       ON CONFLICT (meter, slot_ms) DO UPDATE SET slot_start = excluded.slot_start,
         energy_normal_kwh = excluded.energy_normal_kwh, energy_reverse_kwh = excluded.energy_reverse_kwh,
         consumed_kwh = COALESCE(excluded.consumed_kwh, half_hours.consumed_kwh),
         exported_kwh = COALESCE(excluded.exported_kwh, half_hours.exported_kwh)`,
    );
  }

  /** Inserts one reading (committed on return). `meter`: the lower-case MAC. */
  insertReading(meter: string, record: Reading): void {
    const ts = Date.parse(record.timestamp);
    this.insertReadingSql.run(meter, Number.isFinite(ts) ? ts : 0, ...READING_COLUMNS.map((c) => value(record[c])));
  }

  /**
   * Inserts or updates half-hour rows in one transaction: a slot fetched again replaces its
   * counters, and a difference known before is kept when the new fetch has none (the first slot
   * of a fetch has no previous slot to subtract).
   */
  upsertHalfHours(meter: string, rows: readonly HistoryRecord[]): void {
    if (rows.length === 0) return;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      for (const row of rows) {
        this.upsertSlotSql.run(meter, Date.parse(row.slot_start), ...HALF_HOUR_COLUMNS.map((c) => value(row[c])));
      }
      this.db.exec('COMMIT');
    } catch (err) {
      rollback(this.db);
      throw err;
    }
  }

  /** The newest stored slot's instant (epoch ms), or undefined when the meter has none. */
  lastSlotMs(meter: string): number | undefined {
    const row = this.sql('SELECT MAX(slot_ms) AS last FROM half_hours WHERE meter = ?').get(meter);
    const last = row?.['last'];
    return last === null || last === undefined ? undefined : Number(last);
  }

  /** The newest reading of the meter (poll or notification), or undefined. */
  latestReading(meter: string): StoredReading | undefined {
    const row = this.sql(
      `SELECT meter, ${READING_COLUMNS.join(', ')} FROM readings
       WHERE meter = ? ORDER BY ts_ms DESC, rowid DESC LIMIT 1`,
    ).get(meter);
    return row === undefined ? undefined : (row as unknown as StoredReading);
  }

  /** Readings with `timestamp` in [fromMs, toMs), oldest first, at most `limit`. */
  readings(meter: string, fromMs: number, toMs: number, limit: number): StoredReading[] {
    return this.sql(
      `SELECT meter, ${READING_COLUMNS.join(', ')} FROM readings
       WHERE meter = ? AND ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, rowid LIMIT ?`,
    ).all(meter, fromMs, toMs, limit) as unknown as StoredReading[];
  }

  /**
   * Half-hour rows whose half hour BEGINS in [fromMs, toMs) (`slot_start`, its end, in
   * [fromMs + 30 min, toMs + 30 min)), oldest first, at most `limit`: a Japan-time day from 00:00 to
   * 00:00 is its 48 half hours, marks 00:30 … 24:00, as `daily` counts them.
   */
  halfHours(meter: string, fromMs: number, toMs: number, limit: number): HalfHourRow[] {
    // The range in slot-mark terms, so the (meter, slot_ms) index serves it.
    return this.sql(
      `SELECT meter, ${HALF_HOUR_COLUMNS.join(', ')} FROM half_hours
       WHERE meter = ? AND slot_ms >= ? AND slot_ms < ? ORDER BY slot_ms LIMIT ?`,
    ).all(meter, fromMs + HALF_HOUR_MS, toMs + HALF_HOUR_MS, limit) as unknown as HalfHourRow[];
  }

  /** As `readings`, but the page built as JSON text by SQLite (the API's path: no object per row). */
  readingsJson(meter: string, fromMs: number, toMs: number, limit: number, afterRowid?: number): JsonPage {
    const columns = ['meter', ...READING_COLUMNS];
    return this.jsonPage('readings', 'ts_ms', columns, meter, { fromMs, toMs, limit, afterRowid });
  }

  /**
   * As `halfHours` (the half hours that BEGIN in [fromMs, toMs)), as JSON text. The page's `last.ms` is
   * in the same frame, the last row's beginning (slot_ms − 30 min): given back as `fromMs` with
   * `afterRowid`, it is that row's mark again, so the next page starts right after it.
   */
  halfHoursJson(meter: string, fromMs: number, toMs: number, limit: number, afterRowid?: number): JsonPage {
    const columns = ['meter', ...HALF_HOUR_COLUMNS];
    const page = this.jsonPage('half_hours', 'slot_ms', columns, meter, {
      fromMs: fromMs + HALF_HOUR_MS,
      toMs: toMs + HALF_HOUR_MS,
      limit,
      afterRowid,
    });
    return page.last === null ? page : { ...page, last: { ms: page.last.ms - HALF_HOUR_MS, rowid: page.last.rowid } };
  }

  /**
   * Energy per Japan-time day, summed from half_hours. A slot's consumed_kwh is the energy of the
   * half hour ending at slot_start, so it counts for the day that half hour began in (00:30 …
   * 24:00: 48 slots for a whole day). Days whose first half hour begins in [fromMs, toMs).
   */
  daily(meter: string, fromMs: number, toMs: number): DailyRow[] {
    const begun = `(slot_ms - ${HALF_HOUR_MS})`;
    return this.sql(
      `SELECT strftime('%Y-%m-%d', (${begun} + ${JST_MS}) / 1000, 'unixepoch') AS date,
         ROUND(SUM(consumed_kwh), 6) AS consumed_kwh, ROUND(SUM(exported_kwh), 6) AS exported_kwh, COUNT(*) AS slots
       FROM half_hours WHERE meter = ? AND ${begun} >= ? AND ${begun} < ? GROUP BY date ORDER BY date`,
    ).all(meter, fromMs, toMs) as unknown as DailyRow[];
  }

  /**
   * Whether no table of the file holds a row: nothing was ever stored in it, by bmeter or anyone else (the
   * schema's version is `PRAGMA user_version`, not a row).
   */
  isEmpty(): boolean {
    const tables = this.sql(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`,
    ).all();
    const quoted = (name: unknown): string => `"${String(name).replaceAll('"', '""')}"`;
    return tables.every((t) => this.db.prepare(`SELECT 1 FROM ${quoted(t['name'])} LIMIT 1`).get() === undefined);
  }

  /** Closes the file (checkpointing the WAL) and releases the lock; a second call does nothing. */
  close(): void {
    this.shut(false);
  }

  /**
   * As `close`, and when opening it made the file (nothing was at its path) and it still holds no row
   * (`isEmpty`), deletes the files it made (the database, -wal, -shm) before the lock goes, so no other
   * bmeter opens it meanwhile. Returns whether they were deleted; throws what reading or deleting them threw
   * (EACCES…), the store closed and unlocked all the same.
   */
  takeBack(): boolean {
    let remove: boolean;
    try {
      remove = this.open && this.made.length > 0 && this.isEmpty();
    } catch (err) {
      this.shut(false); // a table it cannot read: kept, and closed all the same
      throw err;
    }
    return this.shut(remove);
  }

  private shut(remove: boolean): boolean {
    if (!this.open) return false;
    this.open = false;
    try {
      this.db.close();
      if (remove) removeFiles(this.made);
      return remove;
    } finally {
      this.release();
    }
  }

  /**
   * Rows of `table` in [fromMs, toMs) (after `afterRowid` at fromMs itself), ordered by time then rowid, as
   * JSON text, with where the page ended: the greatest (time, rowid) pair, taken as the greatest of their
   * zero-padded text (20 digits hold any ms and any rowid).
   */
  private jsonPage(
    table: string,
    time: string,
    columns: readonly string[],
    meter: string,
    page: { fromMs: number; toMs: number; limit: number; afterRowid: number | undefined },
  ): JsonPage {
    // A whole REAL (349.0) goes out as 349, as JSON.stringify writes it in /api/latest and the events.
    const json = (c: string): string =>
      `iif(typeof(${c}) = 'real' AND ${c} = CAST(${c} AS INTEGER), CAST(${c} AS INTEGER), ${c})`;
    const object = `json_object(${columns.map((c) => `'${c}', ${json(c)}`).join(', ')})`;
    const row = this.sql(
      `SELECT json_group_array(${object}) AS items, COUNT(*) AS count,
         MAX(printf('%020d %020d', ${time}, row_id)) AS last FROM
         (SELECT *, rowid AS row_id FROM ${table}
          WHERE meter = ? AND ${time} >= ? AND ${time} < ? AND (${time} > ? OR rowid > ?)
          ORDER BY ${time}, rowid LIMIT ?)`,
    ).get(meter, page.fromMs, page.toMs, page.fromMs, page.afterRowid ?? -1, page.limit);
    const last = row?.['last'];
    const [ms, rowid] = typeof last === 'string' ? last.split(' ').map(Number) : [];
    return {
      items: String(row?.['items'] ?? '[]'),
      count: Number(row?.['count'] ?? 0),
      last: ms === undefined || rowid === undefined ? null : { ms, rowid },
    };
  }

  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (statement === undefined) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }
}

function value(v: unknown): SqlValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') return v;
  return String(v);
}
