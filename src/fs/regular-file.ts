/**
 * A file option that must name a regular file (the store, `--db`): a device, a FIFO or a socket there is
 * refused up front in one line, before anything opens it or writes beside it — SQLite would otherwise leave
 * its -journal (and bmeter its lock file) next to /dev/null. A symbolic link is followed: one to a store is
 * fine. A folder is refused by not-folder.ts in its own words; nothing there at all is for the caller.
 */
import { statSync, type Stats } from 'node:fs';
import { BmeterError } from '../errors.js';

/** What `stats` is, in words, when it is neither a regular file nor a folder; undefined otherwise. */
export function specialKind(stats: Stats): string | undefined {
  if (stats.isFile() || stats.isDirectory()) return undefined;
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Throws BmeterError USAGE (exit 2) `<what> <shown> is a device (…): give the path of a store file` when `path`
 * (symbolic links followed) is there and is a device, FIFO or socket. Nothing there, a file or a folder: no throw.
 */
export function assertNotSpecialFile(path: string, what: string, shown: string = path): void {
  let stats: Stats | undefined;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch {
    return; // cannot be told (EACCES, ELOOP…): opening it reports that
  }
  const kind = stats === undefined ? undefined : specialKind(stats);
  if (kind !== undefined)
    throw new BmeterError('USAGE', `${what} ${shown} is ${kind}, not a file: give the path of a store file`);
}
