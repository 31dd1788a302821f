/**
 * Writes a chart file for `bmeter plot --out`. An existing file is never replaced unless the user
 * gave --force: without it the file is created exclusively (flag 'wx', so two runs cannot race);
 * with it the chart goes to a temporary file beside the target and is renamed over it, so a
 * reader never sees half a chart.
 */
import { assertReplaceable } from '../fs/replaceable.js';
import { lstat, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BmeterError } from '../errors.js';

/**
 * Refuses an --out file that writeChartFile would refuse, before the chart is drawn (drawing loads the chart
 * libraries and takes the longest): a file that exists without --force, one that --force may not replace
 * (assertReplaceable), a folder that does not exist. writeChartFile checks again as it writes.
 * @throws BmeterError USAGE, with writeChartFile's wording
 */
export async function checkChartFile(path: string, force: boolean): Promise<void> {
  if (force) await assertReplaceable(path, '--out');
  else if (await isThere(path)) throw exists(path);
  const folder = await stat(dirname(path)).catch((err: NodeJS.ErrnoException) => err);
  if (folder instanceof Error) throw cannotWrite(path, folder.code ?? folder.message);
  if (!folder.isDirectory()) throw cannotWrite(path, 'ENOTDIR');
}

/** @throws BmeterError USAGE: the file exists (without force), or its folder is missing or not writable */
export async function writeChartFile(
  path: string,
  data: string | Uint8Array,
  force: boolean,
  pid: number,
): Promise<void> {
  try {
    if (!force) {
      await writeFile(path, data, { flag: 'wx' });
      return;
    }
    await assertReplaceable(path, '--out');
    const temp = `${path}.${pid}.tmp`;
    try {
      await writeFile(temp, data);
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  } catch (err) {
    if (err instanceof BmeterError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists(path);
    throw cannotWrite(path, code ?? (err as Error).message);
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
