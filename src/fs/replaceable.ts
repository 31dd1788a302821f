/**
 * Files bmeter writes whole and atomically (a temporary file beside the target, renamed over it:
 * the scan file, the metrics textfile, `plot --out --force`) replace whatever has that name. That
 * is right for a regular file of ours, and wrong for anything else: a device node such as
 * /dev/full or /dev/null (root may rename over it), a FIFO, a symbolic link (the link itself would
 * be replaced, not its target) or a folder. This check refuses those before anything is written.
 */
import { lstat } from 'node:fs/promises';
import { BmeterError } from '../errors.js';

/**
 * Resolves when `path` does not exist or is a regular file; throws BmeterError USAGE (exit 2)
 * naming `what` (e.g. `--metrics-file`) and what is there otherwise. Other lstat errors
 * (permission) are left to the write itself, which reports them.
 */
export async function assertReplaceable(path: string, what: string): Promise<void> {
  let kind: string | undefined;
  try {
    const s = await lstat(path);
    if (s.isFile()) return;
    kind = s.isSymbolicLink()
      ? 'a symbolic link'
      : s.isDirectory()
        ? 'a folder'
        : s.isCharacterDevice() || s.isBlockDevice()
          ? 'a device'
          : s.isFIFO()
            ? 'a FIFO'
            : 'not a regular file';
  } catch {
    return;
  }
  throw new BmeterError(
    'USAGE',
    `${what} ${path} is ${kind}: bmeter replaces this file whole, so it must be a regular file or not exist yet — name another`,
  );
}

/**
 * The permission bits (mode & 0o7777) of the regular file at `path`, or undefined when there is
 * none. A whole-file replacement gives its temporary file these bits before the rename, so a
 * private file (chmod 600) stays private and a shared one stays shared.
 */
export async function modeToKeep(path: string): Promise<number | undefined> {
  try {
    const s = await lstat(path);
    return s.isFile() ? s.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
}
