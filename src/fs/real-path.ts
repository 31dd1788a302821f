/**
 * A path with every symbolic link resolved, so that two names of one file compare equal (a store opened
 * twice, a file option naming another's file through a link to its folder).
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * `path` with every symbolic link resolved: the whole path when it exists, else its folder's real path joined
 * with its name (a file not made yet), else `path` as given (a missing folder: opening it reports that).
 */
export function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}
