/**
 * The files opening a store makes, so a run can take back a store it made and never stored anything in
 * (store.ts `takeBack`, a failed open): the database itself and SQLite's files beside it (-wal, -shm,
 * -journal). Only when nothing was at the store's path — not a file, not even a symbolic link (one to
 * nothing yet would be followed, and its target is the user's to name) — and of those only the ones not
 * there before: a file that was there before the run is never the run's to remove.
 */
import { lstatSync, rmSync } from 'node:fs';
import { SQLITE_SIBLINGS } from '../../fs/siblings.js';

/**
 * The store's files that opening `path` would make: `real` (its real path, siblings named after it) and its
 * SQLite siblings that are missing now, when nothing is at `path`; none when something is (the store is
 * someone's already). Call before the database is opened. Paths are absolute, as `real` is.
 */
export function filesToBeMade(path: string, real: string): string[] {
  if (present(path)) return [];
  return [real, ...SQLITE_SIBLINGS.map(({ suffix }) => real + suffix)].filter((file) => !present(file));
}

/** Deletes `files` (a missing one is skipped); throws the first error other than a missing file (EACCES…). */
export function removeFiles(files: readonly string[]): void {
  for (const file of files) rmSync(file, { force: true });
}

function present(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}
