/**
 * What `bmeter serve` needs from its store (implemented by src/output/store/store.ts on SQLite).
 * The use case depends on this shape only, so it runs on a fake in unit tests. Methods are
 * synchronous (node:sqlite is) and throw on a failed write; `meter` is the meter's MAC in lower case.
 */
import type { Reading } from '../meter/reading.js';
import type { HistoryRecord } from '../history/slots.js';

/** A stored reading: the record plus the meter. */
export type StoredReading = Reading & { meter: string };

/** A stored half-hour row (HISTORY_COLUMNS plus the meter). */
export interface HalfHourRow {
  meter: string;
  slot_start: string;
  energy_normal_kwh: number | null;
  energy_reverse_kwh: number | null;
  consumed_kwh: number | null;
  exported_kwh: number | null;
}

/** One Japan-time day summed from half_hours. */
export interface DailyRow {
  date: string;
  consumed_kwh: number | null;
  exported_kwh: number | null;
  slots: number;
}

/**
 * A page of rows as JSON text, built by the database: the API sends it as is (a 100-day page of
 * half-hours is 4,800 rows; no object per row on the way).
 */
export interface JsonPage {
  /** A JSON array of row objects (the same keys as StoredReading / HalfHourRow). */
  items: string;
  count: number;
  /**
   * Where the page ended, for the next one: the last row's ts_ms (readings) or the beginning of its half
   * hour, slot_ms − 30 min (half hours), and its rowid; null for an empty page.
   */
  last: PageEnd | null;
}

/** A row's place in a list ordered by time, then rowid (rows of one millisecond keep their order). */
export interface PageEnd {
  ms: number;
  rowid: number;
}

export interface ServeStore {
  /** The file, for messages. */
  readonly path: string;
  insertReading(meter: string, record: Reading): void;
  upsertHalfHours(meter: string, rows: readonly HistoryRecord[]): void;
  lastSlotMs(meter: string): number | undefined;
  latestReading(meter: string): StoredReading | undefined;
  readings(meter: string, fromMs: number, toMs: number, limit: number): StoredReading[];
  /**
   * The half hours that BEGIN in [fromMs, toMs) (slot_start, the half hour's end, minus 30 min), oldest first,
   * at most `limit`: from one Japan midnight to the next, the day's 48 half hours (marks 00:30 … 24:00), the
   * ones `daily` sums for it.
   */
  halfHours(meter: string, fromMs: number, toMs: number, limit: number): HalfHourRow[];
  /**
   * Rows in [fromMs, toMs), oldest first, at most `limit`; with `afterRowid`, of the rows at fromMs itself only
   * those with a greater rowid (the next page of one that ended there).
   */
  readingsJson(meter: string, fromMs: number, toMs: number, limit: number, afterRowid?: number): JsonPage;
  /**
   * As `halfHours` (a half hour is in [fromMs, toMs) when it begins there), paged as `readingsJson`: fromMs
   * and `last.ms` are half-hour beginnings (slot_ms − 30 min), so a page's end given back as fromMs with
   * `afterRowid` starts the next page right after its last row.
   */
  halfHoursJson(meter: string, fromMs: number, toMs: number, limit: number, afterRowid?: number): JsonPage;
  /** Sums per Japan-time day (of the half hours that begin there) of the half hours that begin in [fromMs, toMs). */
  daily(meter: string, fromMs: number, toMs: number): DailyRow[];
  close(): void;
}
