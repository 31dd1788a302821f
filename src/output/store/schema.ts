/**
 * The store's schema and its migrations, versioned by `PRAGMA user_version`. Each migration
 * takes the file from version i to i+1 inside one transaction, so a file of any earlier version
 * opens under this one (and a file written by a newer bmeter is refused rather than misread).
 *
 * v1: readings and half_hours (the shared contract: column names are the record fields).
 * v2: the daily-sum index on half_hours(meter, slot_ms) is the primary key already; v2 adds the
 *     index on readings(meter, source, ts_ms) that /api/latest and the backfill's gap check use.
 */
import { BmeterError } from '../../errors.js';
import { rollback, type Database } from './sqlite.js';

export const MIGRATIONS: readonly string[] = [
  // v0 → v1
  `CREATE TABLE readings (
     meter TEXT NOT NULL, ts_ms INTEGER NOT NULL, timestamp TEXT NOT NULL,
     source TEXT NOT NULL CHECK (source IN ('poll','notification')),
     power_w REAL, current_r_a REAL, current_t_a REAL, energy_normal_kwh REAL, energy_reverse_kwh REAL,
     fixed_normal_at TEXT, fixed_normal_kwh REAL, fixed_reverse_at TEXT, fixed_reverse_kwh REAL);
   CREATE INDEX readings_meter_ts ON readings (meter, ts_ms);
   CREATE TABLE half_hours (
     meter TEXT NOT NULL, slot_ms INTEGER NOT NULL, slot_start TEXT NOT NULL,
     energy_normal_kwh REAL, energy_reverse_kwh REAL, consumed_kwh REAL, exported_kwh REAL,
     PRIMARY KEY (meter, slot_ms));`,
  // v1 → v2
  `CREATE INDEX readings_meter_source_ts ON readings (meter, source, ts_ms);`,
];

/** The version this bmeter writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** The file's `user_version`. */
export function schemaVersion(db: Database): number {
  const row = db.prepare('PRAGMA user_version').get();
  return Number(row?.['user_version'] ?? 0);
}

/**
 * Brings the file at `path` to SCHEMA_VERSION (or `target`, for tests that make an old file).
 * Throws USAGE when the file is newer than this bmeter.
 */
export function migrate(db: Database, path: string, target = SCHEMA_VERSION): void {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new BmeterError(
      'USAGE',
      `${path} has store schema version ${from}, newer than this bmeter knows (${SCHEMA_VERSION}): update bmeter`,
    );
  }
  for (let v = from; v < target; v++) {
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(MIGRATIONS[v] ?? '');
      db.exec(`PRAGMA user_version = ${v + 1}`);
      db.exec('COMMIT');
    } catch (err) {
      rollback(db);
      throw err;
    }
  }
}
