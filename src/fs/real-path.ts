/**
 * A path with every symbolic link resolved, so that two names of one file compare equal (a store opened
 * twice, a file option naming another's file through a link). A link to a file that does not exist yet is
 * followed too: `o.csv` → `y.db-wal` names the store's write-ahead log before SQLite has made it.
 */
import { readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** More links in a row than this is a loop (Linux gives up after 40 as well: ELOOP). */
const MAX_LINKS = 40;

/**
 * `path` with every symbolic link resolved: the whole path when it exists; else, while it is a link to
 * nothing yet, its target; then the folder's real path joined with the name (a file not made yet), else the
 * path as far as it could be resolved (a missing folder: opening it reports that).
 */
export function realPath(path: string): string {
  let current = path;
  for (let links = 0; links <= MAX_LINKS; links++) {
    try {
      return realpathSync(current);
    } catch {
      // not there as a whole: follow a dangling link at its end, if it is one
    }
    let target: string;
    try {
      target = readlinkSync(current);
    } catch {
      break;
    }
    current = resolve(dirname(current), target);
  }
  try {
    return join(realpathSync(dirname(current)), basename(current));
  } catch {
    return current;
  }
}
