/**
 * Reads the SQLite store that `bmeter serve` writes (tables readings and half_hours, epoch-ms
 * columns ts_ms / slot_ms for range queries) with node:sqlite, opened read-only. node:sqlite is
 * imported here only, so `plot --input` keeps working on Node 20.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BmeterError } from '../errors.js';
import { assertNotSpecialFile } from '../fs/regular-file.js';
import { HALF_HOUR_MS, hasValue, type ChartKind, type Extent, type PlotData } from './series.js';

/** What to read from the store. `nodeVersion` names the running Node in the error on Node < 22.13. */
export interface StoreQuery {
  path: string;
  chart: ChartKind;
  fromMs: number;
  toMs: number;
  nodeVersion: string;
}

interface SqliteModule {
  DatabaseSync: new (
    path: string,
    options?: { readOnly?: boolean },
  ) => {
    prepare(sql: string): { all(...params: unknown[]): Record<string, unknown>[] };
    close(): void;
  };
}

/** What to add to SQLite's `message` when it could not read the store without writing beside it, else ''. */
function readOnlyHint(message: string): string {
  return /readonly/i.test(message)
    ? ' (while bmeter serve has the store open, or after it was killed, SQLite writes its FILE-shm beside the ' +
        'store even to read it: run plot as the user bmeter serve runs as)'
    : '';
}

/**
 * Opens the store read-only. A store no process has open (no FILE-wal nor FILE-journal beside it: SQLite
 * removes them when the last connection closes, so every row is in the file itself) is opened as immutable
 * (the URI parameter `immutable=1`, https://sqlite.org/uri.html): SQLite then takes no lock and writes no
 * FILE-wal or FILE-shm, so plot leaves the folder as it found it and needs no write permission there (a store
 * owned by the service's user, plotted by another while serve is stopped). Otherwise, or where node:sqlite
 * takes no URI name, a plain read-only open, which reads the rows still in FILE-wal.
 */
function openReadOnly(sqlite: SqliteModule, path: string): InstanceType<SqliteModule['DatabaseSync']> {
  if (!existsSync(`${path}-wal`) && !existsSync(`${path}-journal`)) {
    try {
      return new sqlite.DatabaseSync(`${pathToFileURL(resolve(path)).href}?immutable=1`, { readOnly: true });
    } catch {
      // a Node whose node:sqlite reads the name as a path: the plain open below
    }
  }
  return new sqlite.DatabaseSync(path, { readOnly: true });
}

/** The first and last time with a value in the whole table (for the message when the range has none). */
function extent(
  db: InstanceType<SqliteModule['DatabaseSync']>,
  column: string,
  table: string,
  where: string,
): Extent | null {
  const row = db
    .prepare(`SELECT MIN(${column}) AS first, MAX(${column}) AS last FROM ${table} WHERE ${where}`)
    .all()[0];
  const first = row?.['first'];
  const last = row?.['last'];
  return first === null || first === undefined ? null : { firstMs: Number(first), lastMs: Number(last) };
}

/**
 * Power readings (chart power) with fromMs ≤ time < toMs, or half hours (half-hours, daily) that
 * begin in [fromMs, toMs) (slot mark − 30 min), oldest first, for every meter in the store; when none of
 * them has a value, the extent of the values in the whole table.
 * @throws BmeterError USAGE: Node without node:sqlite, no such file, not a bmeter store
 */
export async function readStore(query: StoreQuery): Promise<PlotData> {
  let sqlite: SqliteModule;
  try {
    // A specifier in a variable: @types/node 20 (the oldest Node we run on) does not declare node:sqlite.
    const specifier = 'node:sqlite';
    sqlite = (await import(specifier)) as SqliteModule;
  } catch {
    throw new BmeterError(
      'USAGE',
      `--db needs Node.js 22.13 or later (node:sqlite); this is Node ${query.nodeVersion}. ` +
        'Use --input with a poll or history file, or run bmeter with a newer Node',
    );
  }
  assertNotSpecialFile(query.path, '--db'); // /dev/null, a FIFO: not a store, and SQLite is not to open it
  if (!existsSync(query.path)) {
    throw new BmeterError('USAGE', `--db ${query.path} does not exist: give the store bmeter serve writes (--db)`);
  }
  let db: InstanceType<SqliteModule['DatabaseSync']>;
  try {
    db = openReadOnly(sqlite, query.path);
  } catch (err) {
    const message = (err as Error).message;
    throw new BmeterError('USAGE', `cannot open --db ${query.path}: ${message}${readOnlyHint(message)}`);
  }
  try {
    if (query.chart === 'power') {
      const rows = db
        .prepare(
          'SELECT ts_ms, power_w FROM readings WHERE ts_ms >= ? AND ts_ms < ? AND power_w IS NOT NULL ORDER BY ts_ms',
        )
        .all(query.fromMs, query.toMs);
      const points = rows.map((r) => ({ ms: Number(r['ts_ms']), watts: Number(r['power_w']) }));
      if (points.length > 0) return { kind: 'readings', points };
      return { kind: 'readings', points, extent: extent(db, 'ts_ms', 'readings', 'power_w IS NOT NULL') };
    }
    // slot_ms marks the end of its half hour: the half hours that begin in [fromMs, toMs) (series.halfHoursInRange)
    const rows = db
      .prepare(
        'SELECT slot_ms, consumed_kwh, exported_kwh FROM half_hours ' +
          'WHERE slot_ms >= ? AND slot_ms < ? ORDER BY slot_ms',
      )
      .all(query.fromMs + HALF_HOUR_MS, query.toMs + HALF_HOUR_MS);
    const kwh = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    const points = rows.map((r) => ({
      ms: Number(r['slot_ms']),
      consumedKwh: kwh(r['consumed_kwh']),
      exportedKwh: kwh(r['exported_kwh']),
    }));
    if (points.some(hasValue)) return { kind: 'half-hours', points, stepMs: HALF_HOUR_MS };
    const where = 'consumed_kwh IS NOT NULL OR exported_kwh IS NOT NULL';
    return { kind: 'half-hours', points, stepMs: HALF_HOUR_MS, extent: extent(db, 'slot_ms', 'half_hours', where) };
  } catch (err) {
    if (err instanceof BmeterError) throw err;
    const message = (err as Error).message;
    if (readOnlyHint(message) !== '')
      throw new BmeterError('USAGE', `cannot read --db ${query.path}: ${message}${readOnlyHint(message)}`);
    throw new BmeterError('USAGE', `--db ${query.path} is not a bmeter store (${message})`);
  } finally {
    db.close();
  }
}
