/**
 * Writes a chart file for `bmeter plot --out`. An existing file is never replaced unless the user
 * gave --force: without it the file is created exclusively (flag 'wx', so two runs cannot race);
 * with it the chart goes to a temporary file beside the target, with the target's permission bits,
 * and is renamed over it, so a reader never sees half a chart and a private chart stays private.
 * A write that fails half way (a full disk) removes what this run created, never a user's file.
 */
import { DISK_FAULTS } from '../fs/disk-fault.js';
import { assertNotReadOnly } from '../fs/read-only.js';
import { assertReplaceable, modeToKeep } from '../fs/replaceable.js';
import { tempFileOf } from '../fs/siblings.js';
import { lstat, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BmeterError } from '../errors.js';

/** How the chart's bytes go into the file this run opened (a test hook: default `handle.writeFile`). */
export type WriteData = (handle: FileHandle, data: string | Uint8Array) => Promise<void>;

/**
 * Refuses an --out file that writeChartFile would refuse, before the chart is drawn (drawing loads the chart
 * libraries and takes the longest): a file that exists without --force, anything but a regular file (which
 * --force may not replace either: assertReplaceable), a folder that does not exist. writeChartFile checks
 * again as it writes.
 * @throws BmeterError USAGE, with writeChartFile's wording
 */
export async function checkChartFile(path: string, force: boolean): Promise<void> {
  await assertReplaceable(path, '--out');
  if (!force && (await isThere(path))) throw exists(path);
  await assertNotReadOnly(path, '--out');
  const folder = await stat(dirname(path)).catch((err: NodeJS.ErrnoException) => err);
  if (folder instanceof Error) throw cannotWrite(path, folder.code ?? folder.message);
  if (!folder.isDirectory()) throw cannotWrite(path, 'ENOTDIR');
}

/**
 * Writes `data` to `path` (see the file comment).
 * @throws BmeterError USAGE: the file exists (without force) or is not a regular file, or its folder is missing
 *   or not writable; WRITE_FAILED (exit 1): the write failed after the file was created (ENOSPC, EIO …), and
 *   the partial file was removed
 */
export async function writeChartFile(
  path: string,
  data: string | Uint8Array,
  force: boolean,
  pid: number,
  write: WriteData = (handle, bytes) => handle.writeFile(bytes),
): Promise<void> {
  await assertReplaceable(path, '--out');
  if (force) await assertNotReadOnly(path, '--out');
  const mode = force ? await modeToKeep(path) : undefined;
  const file = force ? tempFileOf(path, pid) : path;
  if (force) await rm(file, { force: true }); // a temporary file a killed run of this pid left
  let handle: FileHandle;
  try {
    handle = await open(file, 'wx', mode ?? 0o666);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && !force) {
      await assertReplaceable(path, '--out'); // something appeared meanwhile: name what it is
      throw exists(path);
    }
    throw cannotWrite(path, code ?? (err as Error).message);
  }
  try {
    if (mode !== undefined) await handle.chmod(mode); // the bits of the file replaced, whatever the umask
    await write(handle, data);
    await handle.close();
    if (force) await rename(file, path);
  } catch (err) {
    await handle.close().catch(() => undefined);
    const removed = await rm(file, { force: true }).then(
      () => undefined,
      (rmErr: Error) => rmErr.message,
    );
    throw writeFailed(
      path,
      err as NodeJS.ErrnoException,
      mode !== undefined,
      removed === undefined ? undefined : { file, removed },
    );
  }
}

/** Whether anything (a file, a folder, a dangling link) has that name. */
async function isThere(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

function exists(path: string): BmeterError {
  return new BmeterError('USAGE', `--out ${path} already exists: give --force to replace it, or another name`);
}

function cannotWrite(path: string, why: string): BmeterError {
  return new BmeterError('USAGE', `cannot write --out ${path} (${why}): check the folder exists and is writable`);
}

/** What to do about a disk fault (DISK_FAULTS says what it was). */
const WRITE_FAULT_ADVICE: Record<string, string> = {
  ENOSPC: 'free some space, or give an --out on another disk',
  EDQUOT: 'free some space, or give an --out on another disk',
  EFBIG: 'give an --out on another disk',
  EIO: 'check the disk (dmesg), or give an --out on another disk',
};

function writeFailed(
  path: string,
  err: NodeJS.ErrnoException,
  replacing: boolean,
  leftOver: { file: string; removed: string } | undefined,
): BmeterError {
  const code = err.code ?? 'error';
  const what = DISK_FAULTS[code] ?? err.message;
  const todo = WRITE_FAULT_ADVICE[code] ?? 'check the folder is writable and the disk is healthy';
  const cause = what === err.message ? what : `${what} (${code})`;
  const kept = replacing ? '; the existing file was kept' : '';
  const undone =
    leftOver === undefined
      ? `the partial chart was removed${kept}`
      : `the partial chart ${leftOver.file} could not be removed (${leftOver.removed}): delete it${kept}`;
  return new BmeterError('WRITE_FAILED', `cannot write --out ${path}: ${cause}; ${undone} — ${todo}`, { cause: err });
}
