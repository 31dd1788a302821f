/**
 * `poll --metrics-file FILE`: the metrics in the node_exporter textfile collector's format (the
 * text exposition without timestamps; the collector reads `*.prom` files in its directory),
 * rewritten after every record and every failed reading. Each write goes to a temporary file in
 * the same directory and is renamed over FILE, so the collector never reads half a file.
 */
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { diskFault } from '../../fs/disk-fault.js';
import { assertReplaceable, modeToKeep } from '../../fs/replaceable.js';
import { access, chmod, rename, unlink, writeFile } from 'node:fs/promises';
import { BmeterError } from '../../errors.js';
import type { Reading } from '../../meter/reading.js';
import type { MeterMetrics } from './meter-metrics.js';

/** A reading-stream sink that keeps FILE up to date with `metrics`. */
export interface MetricsFileSink {
  write(record: Reading): Promise<void>;
  readonly closed: boolean;
  /** Rewrites the file now (after a failure or a recovery step). */
  flush(): Promise<void>;
}

/**
 * A sink that feeds each record to `metrics` and rewrites `path` (writes are queued, one at a time).
 * `now` gives the render time (epoch ms). A failed write rejects with USAGE naming the file.
 */
export function createMetricsFileSink(path: string, metrics: MeterMetrics, now: () => number): MetricsFileSink {
  let chain: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    chain = chain.then(() => writeAtomically(path, metrics.render(now())));
    return chain;
  };
  return {
    closed: false,
    async write(record) {
      metrics.observe(record);
      await flush();
    },
    flush,
  };
}

/**
 * Writes `text` to `<path>.<pid>.tmp`, then renames it over `path`. The file keeps the permission
 * bits it has (a textfile made group-only stays so); a new one is 0644 (less the umask).
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await assertReplaceable(path, '--metrics-file');
  const mode = await modeToKeep(path);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, text, { mode: mode ?? 0o644 });
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    const kept = 'the textfile there before, if any, is kept';
    throw (
      diskFault(err, 'the metrics file', path, kept, 'free some space, or name another --metrics-file') ??
      new BmeterError('USAGE', `cannot write the metrics file ${path}: ${(err as Error).message}`, { cause: err })
    );
  }
}

/**
 * Checks at start that the textfile can be written where it is asked for: its folder exists and is
 * writable, and the name is free or a regular file (see assertReplaceable). Throws BmeterError USAGE
 * (exit 2) naming the path, so a cron run with a wrong path fails loudly instead of warning each time.
 */
export async function checkMetricsFile(path: string): Promise<void> {
  await assertReplaceable(path, '--metrics-file');
  const dir = dirname(path);
  try {
    await access(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new BmeterError(
      'USAGE',
      `--metrics-file ${path}: folder ${dir} does not exist or is not writable (${code}) — create it or name another`,
    );
  }
}
