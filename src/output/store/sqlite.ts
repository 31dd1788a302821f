/**
 * node:sqlite (Node ≥ 22.13), loaded only by the commands that use the store (serve, poll --db,
 * history --db), so everything else keeps running on Node 20. @types/node 20 has no typings for
 * it: the few members bmeter uses are declared here (Node's `DatabaseSync` / `StatementSync`).
 */
import { BmeterError } from '../../errors.js';

/** The SQLite value types node:sqlite hands back and accepts. */
export type SqlValue = null | number | bigint | string | Uint8Array;

export interface Statement {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): Record<string, SqlValue> | undefined;
  all(...params: SqlValue[]): Record<string, SqlValue>[];
}

export interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

/**
 * Ends the transaction a failed statement left open, keeping that statement's error the one to report: on a
 * full disk or an I/O error SQLite has already rolled the transaction back itself, and a ROLLBACK then throws
 * "cannot rollback - no transaction is active", which would hide the real cause. Never throws.
 */
export function rollback(db: Database): void {
  try {
    db.exec('ROLLBACK');
  } catch {
    // rolled back already by SQLite (SQLITE_FULL, SQLITE_IOERR…): nothing left to undo
  }
}

interface SqliteModule {
  DatabaseSync: new (path: string, options?: { open?: boolean; readOnly?: boolean; timeout?: number }) => Database;
}

/** The first Node release whose node:sqlite runs without a flag. */
export const SQLITE_MIN_NODE = '22.13.0';

/** Whether a Node version string ("v22.13.0") has node:sqlite without a flag. */
export function nodeHasSqlite(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 13);
}

/**
 * Imports node:sqlite. Throws USAGE (exit 2) naming the Node version needed when it is missing;
 * `command` names what asked for it ("bmeter serve", "--db").
 */
export async function loadSqlite(command: string, nodeVersion: string): Promise<SqliteModule['DatabaseSync']> {
  if (!nodeHasSqlite(nodeVersion)) {
    throw new BmeterError(
      'USAGE',
      `${command} needs Node ${SQLITE_MIN_NODE} or newer (its SQLite store is node:sqlite); ` +
        `this is Node ${nodeVersion} — ` +
        'install Node 22 or 24 LTS, or use poll/history with --output FILE instead',
    );
  }
  const name = 'node:sqlite'; // not a literal in import(): tsc would look for typings @types/node 20 lacks
  const module = (await import(name)) as SqliteModule;
  return module.DatabaseSync;
}
