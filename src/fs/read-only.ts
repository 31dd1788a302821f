/**
 * A file of the user's made read-only (no write permission bit: `chmod a-w`) is not written to, whatever the
 * writer: root, whom the bits do not stop, would otherwise append to a CSV, replace a chart or open a store the
 * user protected. `--metrics-file` checks this with its own check (metrics-file.ts); `--output`, `plot --out
 * --force` and `--db` here.
 */
import { lstat } from 'node:fs/promises';
import { BmeterError } from '../errors.js';

/**
 * Resolves when `path` is missing, not a regular file (other checks judge those) or has a write bit set.
 * @param what the option that names it (`--output`)
 * @throws BmeterError USAGE (exit 2) naming the option, the file and what to do
 */
export async function assertNotReadOnly(path: string, what: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined || !info.isFile() || (info.mode & 0o222) !== 0) return;
  throw new BmeterError(
    'USAGE',
    `${what} ${path} is read-only (no write permission): bmeter does not write to a file made read-only, ` +
      `even as root — make it writable (chmod u+w) or give another ${what}`,
  );
}
