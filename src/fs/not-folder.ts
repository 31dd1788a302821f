/**
 * A file option given a folder (`--db /tmp`, `--output logs`, `--config ~/.config`): refused up front in one
 * line naming the option, instead of whatever the first system call makes of it later (SQLite's "disk I/O
 * error", EISDIR) — and before anything is written beside it (a store's lock file, a new store).
 */
import { statSync } from 'node:fs';
import { BmeterError } from '../errors.js';

/** Whether `path` names a folder (a symbolic link to one counts); false when nothing is there or it cannot be told. */
export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Throws BmeterError USAGE (exit 2) `<what> <path> is a folder: name a file` when `path` is a folder.
 * `what` names the option (`--db`) or the setting (`config file`); `shown` is the path as the user gave it.
 */
export function assertNotFolder(path: string, what: string, shown: string = path): void {
  if (isFolder(path)) throw new BmeterError('USAGE', `${what} ${shown} is a folder: name a file`);
}
