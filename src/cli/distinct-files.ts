/**
 * The files one run writes must be different files: `--output F --metrics-file F` would let the
 * metrics replace the records, `--db` on the scan file would turn it into a database. Checked at
 * start, before anything is opened.
 */
import { resolve } from 'node:path';
import { BmeterError } from '../errors.js';

/**
 * Throws BmeterError USAGE (exit 2) naming both options when two of `files` (option name → path,
 * relative to `cwd`; undefined = not given) are the same path.
 */
export function requireDistinctFiles(cwd: string, files: Readonly<Record<string, string | undefined>>): void {
  const seen = new Map<string, string>();
  for (const [option, path] of Object.entries(files)) {
    if (path === undefined) continue;
    const full = resolve(cwd, path);
    const other = seen.get(full);
    if (other !== undefined) {
      throw new BmeterError('USAGE', `${other} and ${option} both name ${full}: give each its own file`);
    }
    seen.set(full, option);
  }
}
