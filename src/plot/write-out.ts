/**
 * Writes a chart file for `bmeter plot --out`. An existing file is never replaced unless the user
 * gave --force: without it the file is created exclusively (flag 'wx', so two runs cannot race);
 * with it the chart goes to a temporary file beside the target and is renamed over it, so a
 * reader never sees half a chart.
 */
import { assertReplaceable } from '../fs/replaceable.js';
import { rename, rm, writeFile } from 'node:fs/promises';
import { BmeterError } from '../errors.js';

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
    if (code === 'EEXIST')
      throw new BmeterError('USAGE', `--out ${path} already exists: give --force to replace it, or another name`);
    throw new BmeterError(
      'USAGE',
      `cannot write --out ${path} (${code ?? (err as Error).message}): check the folder exists and is writable`,
    );
  }
}
