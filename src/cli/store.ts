/**
 * Opening the SQLite store for `serve`, `poll --db` and `history --db`: checks the Node version
 * first (node:sqlite needs Node ≥ 22.13: exit 2 otherwise), loads node:sqlite only then, takes
 * the file's lock with this process's PID and names the file in every error.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { BmeterError, isBmeterError } from '../errors.js';
import { isProcessAlive } from '../fs/process-alive.js';
import { assertNotReadOnly } from '../fs/read-only.js';
import type { SqliteStore } from '../output/store/store.js';
import { loadSqlite } from '../output/store/sqlite.js';
import type { CliContext } from './context.js';
import type { Logger } from '../log/logger.js';
import type { RecordSink } from '../poll/poll.js';
import { createStoreSink, type StoreSink } from '../serve/store-sink.js';

/** SQLite's primary result codes (node:sqlite's `errcode`; extended ones add upper bits): full disk, I/O error. */
const SQLITE_FULL = 13;
const SQLITE_IOERR = 10;

/** The default store file, in the working directory. */
export const DEFAULT_DB = 'bmeter.db';

/** Throws USAGE (exit 2) on a Node without node:sqlite, naming `command` and the version needed. */
export async function requireSqlite(command: string): Promise<Awaited<ReturnType<typeof loadSqlite>>> {
  quietSqliteWarning();
  return loadSqlite(command, process.version);
}

/** The store file `--db` names (default ./bmeter.db), from the working directory. */
export function storePath(db: unknown, ctx: CliContext): string {
  return resolve(ctx.io.cwd, typeof db === 'string' ? db : DEFAULT_DB);
}

/**
 * Opens the store named by `--db` (default ./bmeter.db), creating it when missing (a failed open leaves no
 * file it made). Throws USAGE naming the file (a device, FIFO or socket is refused before SQLite opens it), and
 * WRITE_FAILED when a full disk or an I/O error keeps it from being made or upgraded (`storeOpenError`). Close it
 * with `closeCliStore`.
 */
export async function openCliStore(command: string, db: unknown, ctx: CliContext): Promise<SqliteStore> {
  const DatabaseSync = await requireSqlite(command);
  const path = storePath(db, ctx);
  await assertNotReadOnly(path, '--db');
  const { openStore } = await import('../output/store/store.js');
  try {
    return openStore(path, { DatabaseSync, lock: { pid: process.pid, isAlive: (pid) => isProcessAlive(pid) } });
  } catch (err) {
    if (isBmeterError(err)) throw err;
    throw storeOpenError(err, path);
  }
}

/**
 * What a SQLite error while opening, migrating or first writing the store at `path` is to the user: a full disk
 * (SQLITE_FULL) or an I/O error (SQLITE_IOERR and its extended codes, such as the -shm file a full tmpfs cannot
 * grow) is WRITE_FAILED (exit 1), a fault of the machine; anything else USAGE (exit 2), a file that is not a
 * bmeter store or not writable. Either way `openStore` has left no file it made.
 */
export function storeOpenError(err: unknown, path: string): BmeterError {
  const { errcode, message } = err as { errcode?: unknown; message?: unknown };
  const primary = typeof errcode === 'number' ? errcode & 0xff : undefined;
  const said = `SQLite: ${String(message)}`;
  const kept = 'a store there before is as it was, a new one is not left';
  if (primary === SQLITE_FULL)
    return new BmeterError(
      'WRITE_FAILED',
      `cannot write the store ${path}: the disk is full (${said}); ${kept} — free some space, or give another --db`,
      { cause: err },
    );
  if (primary === SQLITE_IOERR)
    return new BmeterError(
      'WRITE_FAILED',
      `cannot write the store ${path}: the write failed (${said}; most often a full disk, else a failing device); ` +
        `${kept} — free some space or check the disk, or give another --db`,
      { cause: err },
    );
  return new BmeterError(
    'USAGE',
    `cannot open the store ${path}: ${String(message)} — is it a bmeter SQLite file, and writable?`,
    { cause: err },
  );
}

/**
 * Ends a run's use of its store (serve, poll --db, history --db; `store` undefined: none was opened). A run that
 * `failed` (it ends with an error) takes back a store file it made and never stored anything in (SqliteStore
 * `takeBack`): a refused join, a missing port or refused broker credentials leave no empty bmeter.db (-wal,
 * -shm) behind. A run that ends normally keeps even an empty new store, as does one stopped by SIGINT/SIGTERM
 * (`signal` aborted: it exits 0): the user asked for the file and a later run fills it. A store from before
 * the run, or one holding any row, is only closed. A store it cannot remove is named in a warning, not
 * thrown: the run's own error is the one to report.
 */
export function closeCliStore(
  store: SqliteStore | undefined,
  run: { failed: boolean; signal: AbortSignal },
  logger: Logger,
): void {
  if (store === undefined) return;
  if (!run.failed || run.signal.aborted) {
    store.close();
    return;
  }
  try {
    if (store.takeBack()) logger.info(`removed the store ${store.path} this run made: nothing was stored in it`);
  } catch (err) {
    logger.warn(
      `could not take back the store ${store.path} this run made: ${(err as Error).message} — ` +
        'remove it by hand unless something of yours is in it',
    );
  }
}

let quieted = false;
/**
 * Node 22 prints "ExperimentalWarning: SQLite is an experimental feature" on stderr: not for bmeter's
 * users. Call before the first import of node:sqlite (any other warning still goes through).
 */
export function quietSqliteWarning(): void {
  if (quieted) return;
  quieted = true;
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (/SQLite/i.test(text) && (type === 'ExperimentalWarning' || (warning as Error).name === 'ExperimentalWarning'))
      return;
    emit(warning, ...rest);
  }) as typeof process.emitWarning;
}

/** Whether records also go to stdout / --output next to --db: only when --format or --output is given. */
export function printsBesideStore(command: Command): boolean {
  return command.getOptionValueSource('format') === 'cli' || command.getOptionValue('output') !== undefined;
}

/** The meter's identity in the store: the scan file's MAC, lower case. */
export async function storeMeter(scanFile: string): Promise<string> {
  const { readScanFile } = await import('../scan/scan-file.js');
  return (await readScanFile(scanFile)).macAddress.toLowerCase();
}

/** A run that ends with records it could not write to the store fails (exit 1), naming the file. */
export function requireStored(pending: number, what: string, path: string): void {
  if (pending > 0)
    throw new BmeterError(
      'PROTOCOL',
      `${pending} ${what}(s) could not be written to the store ${path} (see the error above)`,
    );
}

/**
 * The sink of `poll --db` and `history --db`: each record goes to the store (`write`) first, and to `printed`
 * (the --format/--output sink, when they print beside the store) once it is committed.
 */
export function storeThenPrinted(options: {
  store: SqliteStore;
  write: (record: Record<string, unknown>) => void;
  what: string;
  logger: Logger;
  printed: RecordSink | undefined;
}): StoreSink {
  const { printed } = options;
  return createStoreSink({
    write: options.write,
    path: options.store.path,
    logger: options.logger,
    what: options.what,
    ...(printed !== undefined && { onCommitted: (record: Record<string, unknown>) => printed.write(record) }),
  });
}
