/**
 * Reads the SQLite store that `bmeter serve` writes (tables readings and half_hours, epoch-ms
 * columns ts_ms / slot_ms for range queries) with node:sqlite, opened read-only. node:sqlite is
 * imported here only, so `plot --input` keeps working on Node 20.
 */
import { existsSync } from 'node:fs';
import { BmeterError } from '../errors.js';
import type { ChartKind, PlotData } from './series.js';

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

const HALF_HOUR_MS = 1_800_000;

/**
 * Power readings (chart power) with fromMs ≤ time < toMs, or half hours (half-hours, daily) that
 * begin in [fromMs, toMs) (slot mark − 30 min), oldest first, for every meter in the store.
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
  if (!existsSync(query.path)) {
    throw new BmeterError('USAGE', `--db ${query.path} does not exist: give the store bmeter serve writes (--db)`);
  }
  let db: InstanceType<SqliteModule['DatabaseSync']>;
  try {
    db = new sqlite.DatabaseSync(query.path, { readOnly: true });
  } catch (err) {
    throw new BmeterError('USAGE', `cannot open --db ${query.path}: ${(err as Error).message}`);
  }
  try {
    if (query.chart === 'power') {
      const rows = db
        .prepare(
          'SELECT ts_ms, power_w FROM readings WHERE ts_ms >= ? AND ts_ms < ? AND power_w IS NOT NULL ORDER BY ts_ms',
        )
        .all(query.fromMs, query.toMs);
      return { kind: 'readings', points: rows.map((r) => ({ ms: Number(r['ts_ms']), watts: Number(r['power_w']) })) };
    }
    // slot_ms marks the end of its half hour: the half hours that begin in [fromMs, toMs) (series.halfHoursInRange)
    const rows = db
      .prepare(
        'SELECT slot_ms, consumed_kwh, exported_kwh FROM half_hours ' +
          'WHERE slot_ms >= ? AND slot_ms < ? ORDER BY slot_ms',
      )
      .all(query.fromMs + HALF_HOUR_MS, query.toMs + HALF_HOUR_MS);
    const kwh = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
    return {
      kind: 'half-hours',
      points: rows.map((r) => ({
        ms: Number(r['slot_ms']),
        consumedKwh: kwh(r['consumed_kwh']),
        exportedKwh: kwh(r['exported_kwh']),
      })),
    };
  } catch (err) {
    if (err instanceof BmeterError) throw err;
    throw new BmeterError('USAGE', `--db ${query.path} is not a bmeter store (${(err as Error).message})`);
  } finally {
    db.close();
  }
}
