/**
 * `poll --metrics-file FILE`: the metrics in the node_exporter textfile collector's format (the
 * text exposition without timestamps; the collector reads `*.prom` files in its directory),
 * rewritten after every record and every failed reading. Each write goes to a temporary file in
 * the same directory and is renamed over FILE, so the collector never reads half a file.
 *
 * Only a textfile bmeter wrote (it begins `# HELP bmeter_`) or an empty file is replaced: a rename would
 * replace anything else in the folder's name, whatever its permissions (`--metrics-file week.csv` turned a
 * history CSV into metrics). Another file, or one made read-only, is refused and left as it is.
 */
import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { diskFault } from '../../fs/disk-fault.js';
import { assertReplaceable, modeToKeep } from '../../fs/replaceable.js';
import { tempFileOf } from '../../fs/siblings.js';
import { access, chmod, rename, unlink, writeFile } from 'node:fs/promises';
import { openToRead } from '../../fs/open-to-read.js';
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
 * A sink that feeds each record to `metrics` and rewrites `path` (writes are queued, one at a time; a write
 * that failed does not stop the next one from trying). `now` gives the render time (epoch ms). A failed
 * write rejects with writeAtomically's BmeterError naming the file.
 */
export function createMetricsFileSink(path: string, metrics: MeterMetrics, now: () => number): MetricsFileSink {
  let chain: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    chain = chain.catch(() => undefined).then(() => writeAtomically(path, metrics.render(now())));
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
 * @throws BmeterError USAGE (exit 2): `path` is not a regular file, or not bmeter's to replace
 *   (assertOurTextfile); WRITE_FAILED (exit 1): a disk fault (src/fs/disk-fault.ts); USAGE: another
 *   write error (the folder is gone or not writable). The file there before is kept in every case.
 */
export async function writeAtomically(path: string, text: string): Promise<void> {
  await assertReplaceable(path, '--metrics-file');
  await assertOurTextfile(path);
  const mode = await modeToKeep(path);
  const temp = tempFileOf(path, process.pid);
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
 * writable, and the name is free, or a regular file bmeter may replace (see assertReplaceable and
 * assertOurTextfile). Throws BmeterError USAGE (exit 2) naming the path, so a cron run with a wrong path
 * fails loudly, before the meter is read, instead of warning each time.
 */
export async function checkMetricsFile(path: string): Promise<void> {
  await assertReplaceable(path, '--metrics-file');
  await assertOurTextfile(path);
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

/** How every textfile bmeter writes begins (renderExposition: the HELP line of a `bmeter_` family first). */
export const TEXTFILE_START = '# HELP bmeter_';

/**
 * Resolves when the regular file at `path` is bmeter's to replace: missing, or empty or a textfile bmeter
 * wrote (it begins with TEXTFILE_START), and writable (some write bit set — root ignores the bits, so they are
 * read, not only tried — and writable by this user). A name that is not a regular file is assertReplaceable's.
 * @throws BmeterError USAGE (exit 2) naming the file, what is wrong and what to do: it holds other data (its
 *   first line shown), it is read-only, or it cannot be read to tell
 */
export async function assertOurTextfile(path: string): Promise<void> {
  let handle;
  try {
    handle = await openToRead(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') return; // missing: a new file; else the write says what is wrong
    throw new BmeterError(
      'USAGE',
      `--metrics-file ${path} cannot be read (${code}), so bmeter cannot tell it is a textfile it wrote and will ` +
        'not replace it — give another --metrics-file (or make that one readable and writable)',
    );
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return;
    if (info.size > 0) {
      const head = Buffer.alloc(Math.min(info.size, 4096));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const text = head.toString('utf8', 0, bytesRead);
      if (!text.startsWith(TEXTFILE_START)) {
        const first = (text.split('\n')[0] ?? '').replace(/\r$/, '');
        const shown = first.length > 80 ? `${first.slice(0, 77)}...` : first;
        throw new BmeterError(
          'USAGE',
          `--metrics-file ${path} holds other data: its first line is ${JSON.stringify(shown)}, not the ` +
            `"${TEXTFILE_START}…" of a textfile bmeter wrote, and bmeter would replace it whole — give another ` +
            '--metrics-file (or move that one away)',
        );
      }
    }
    const writable =
      (info.mode & 0o222) !== 0 &&
      (await access(path, constants.W_OK).then(
        () => true,
        () => false,
      ));
    if (!writable) {
      throw new BmeterError(
        'USAGE',
        `--metrics-file ${path} is read-only: bmeter replaces this file whole and will not replace one made ` +
          'read-only — make it writable (chmod u+w) or give another --metrics-file',
      );
    }
  } finally {
    await handle.close();
  }
}
