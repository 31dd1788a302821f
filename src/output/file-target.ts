/**
 * An output file that records are appended to, safe against the faults of a long-lived cron job:
 *
 * - All or nothing: each record goes out in one write; a short or failed write (a full disk) is
 *   undone by truncating the file back to where the append began, and reported.
 * - A file that ends without a newline (torn by an earlier crash or by hand) gets one before
 *   the first append, so the new record never continues the torn line.
 * - One step under a lock (`FILE.lock`, proper-lockfile): whether the file is empty (so a CSV
 *   header goes first) and the append, so two overlapping cron runs on a new file write one
 *   header between them.
 * - Log rotation: before each append the file is looked up by name; when it was renamed away or
 *   deleted (or `reopen()` was called, on SIGHUP) it is opened again by name, so no record goes
 *   to a file nobody can see.
 */
import { open, stat, unlink, type FileHandle } from 'node:fs/promises';
import { BmeterError } from '../errors.js';
import { lockFileOf } from '../fs/siblings.js';

export interface FileTargetOptions {
  /**
   * Told about a repaired file ending (`warn`: a record may be torn) or a file reopened by name after log
   * rotation (`info`: as asked); the CLI logs it at that level.
   */
  notice?: (message: string, level: 'info' | 'warn') => void;
  /**
   * Run under the lock before the first append of a run (a regular file only): a check of what the file holds
   * that a check made earlier, without the lock, could race another run on; what it throws ends the append.
   */
  beforeFirstAppend?: () => Promise<void>;
  /** Lock settings (tests shorten them). */
  lock?: { staleMs?: number; retries?: number };
  /** Test hook: opens the file (default node:fs/promises `open(path, 'a+', 0o644)`: append, and read the last byte). */
  openFile?: (path: string) => Promise<FileHandle>;
}

/** An append-only output file; see the file comment for the guarantees. */
export class FileTarget {
  private handle: FileHandle | undefined;
  private ino = -1;
  /** A regular file; a device or FIFO (`--output /dev/stdout`) is written as it is, unlocked. */
  private regular = true;
  private wroteToDevice = false;
  private reopenWanted = false;
  private endingChecked = false;
  private firstChecked = false;
  /** The line ending of the file's records (CR LF when its last line had one when first appended to). */
  private newline: '\r\n' | '\n' = '\n';
  /** The run made the file (it did not exist when opened) and has appended nothing to it yet. */
  private madeAndUnwritten = false;

  private constructor(
    readonly path: string,
    private readonly options: FileTargetOptions,
  ) {}

  /** Opens (or creates) `path` for appending; a usage error (exit 2) naming it when it cannot be. */
  static async open(path: string, options: FileTargetOptions = {}): Promise<FileTarget> {
    const target = new FileTarget(path, options);
    const existed = await stat(path).then(
      () => true,
      () => false,
    );
    await target.openByName();
    target.madeAndUnwritten = !existed && target.regular;
    return target;
  }

  /** The next append opens the file by name again (SIGHUP after log rotation). */
  reopen(): void {
    this.reopenWanted = true;
  }

  /**
   * Appends the text `build(isEmpty)` returns, under the lock. `isEmpty` says whether the file
   * holds nothing yet (the CSV header goes first then). Throws PROTOCOL (exit 1) when the write
   * fails, after the file is back to its size before the append; what `beforeFirstAppend` throws.
   */
  async append(build: (isEmpty: boolean) => string): Promise<void> {
    if (!this.regular) {
      // A device or FIFO has no size to judge: like stdout, a CSV header once per run.
      const first = !this.wroteToDevice;
      this.wroteToDevice = true;
      return this.writeAll(this.handle as FileHandle, Buffer.from(build(first), 'utf8'), undefined);
    }
    const release = await this.lock();
    try {
      await this.followName();
      if (!this.firstChecked) {
        this.firstChecked = true;
        await this.options.beforeFirstAppend?.();
      }
      const handle = this.handle as FileHandle;
      const { size } = await handle.stat();
      const ending = size > 0 && !this.endingChecked ? await lineEnding(handle, size) : this.newline;
      const repair = ending === undefined;
      this.endingChecked = true;
      // A file whose lines end in CR LF (saved on Windows, by a spreadsheet) gets its records so too.
      if (ending !== undefined) this.newline = ending;
      if (repair)
        this.options.notice?.(
          `output file ${this.path} did not end with a newline (a torn record?): starting a new line`,
          'warn',
        );
      const text = (repair ? '\n' : '') + build(size === 0);
      const bytes = Buffer.from(this.newline === '\n' ? text : text.replaceAll('\n', '\r\n'), 'utf8');
      await this.writeAll(handle, bytes, size);
      this.madeAndUnwritten = false;
    } finally {
      await release().catch(() => undefined);
    }
  }

  /**
   * Closes the file. A file this run made and never wrote a record to (the run was refused by a later check,
   * stopped during the join, or its only append did not fit on the disk) is removed again, as long as it is
   * still that empty file: the run leaves the folder as it found it.
   */
  async close(): Promise<void> {
    await this.closeHandle();
    if (!this.madeAndUnwritten) return;
    this.madeAndUnwritten = false;
    const now = await stat(this.path).catch(() => undefined);
    if (now?.isFile() === true && now.ino === this.ino && now.size === 0)
      await unlink(this.path).catch(() => undefined);
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async writeAll(handle: FileHandle, bytes: Buffer, sizeBefore: number | undefined): Promise<void> {
    let problem: string | undefined;
    try {
      // One write(2) on an O_APPEND descriptor; a full disk makes it short or fail.
      const { bytesWritten } = await handle.write(bytes, 0, bytes.length);
      if (bytesWritten !== bytes.length)
        problem = `only ${bytesWritten} of ${bytes.length} bytes were written (disk full?)`;
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem === undefined) return;
    if (sizeBefore === undefined)
      throw new BmeterError('PROTOCOL', `cannot append to output file ${this.path}: ${problem}`);
    let undone = 'the partial record was removed';
    try {
      await handle.truncate(sizeBefore);
    } catch (err) {
      undone = `and the partial record could not be removed (${(err as Error).message}): check the end of the file`;
    }
    throw new BmeterError('PROTOCOL', `cannot append to output file ${this.path}: ${problem}; ${undone}`);
  }

  /** Reopens by name when the open file is no longer the one the name points at. */
  private async followName(): Promise<void> {
    let current: number | undefined;
    try {
      current = (await stat(this.path)).ino;
    } catch {
      current = undefined; // deleted or renamed away: open creates it again
    }
    if (!this.reopenWanted && current === this.ino && this.handle !== undefined) return;
    const why = this.reopenWanted ? 'on SIGHUP' : current === undefined ? 'it was moved or deleted' : 'it was replaced';
    this.reopenWanted = false;
    await this.closeHandle().catch(() => undefined);
    await this.openByName();
    this.endingChecked = false;
    this.options.notice?.(`reopened output file ${this.path} (${why})`, 'info');
  }

  private async openByName(): Promise<void> {
    try {
      this.handle = await (this.options.openFile ?? ((p: string) => open(p, 'a+', 0o644)))(this.path);
      const st = await this.handle.stat();
      this.ino = st.ino;
      this.regular = st.isFile();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EISDIR') {
        throw new BmeterError('USAGE', `--output ${this.path} is a folder: name a file`, { cause: err });
      }
      throw new BmeterError('USAGE', `cannot open output file ${this.path}: ${(err as Error).message}`, { cause: err });
    }
  }

  private async lock(): Promise<() => Promise<void>> {
    const lockfile = await import('proper-lockfile');
    const staleMs = this.options.lock?.staleMs ?? 10_000;
    try {
      return await lockfile.lock(this.path, {
        realpath: false,
        lockfilePath: lockFileOf(this.path),
        stale: staleMs,
        retries: { retries: this.options.lock?.retries ?? 100, minTimeout: 20, maxTimeout: 200 },
        onCompromised: () => undefined, // the append checks the file itself; a lost lock is not fatal
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new BmeterError(
          'PROTOCOL',
          `cannot lock output file ${this.path}: another bmeter keeps writing it (${lockFileOf(this.path)})`,
        );
      }
      throw new BmeterError(
        'PROTOCOL',
        `cannot create the lock ${lockFileOf(this.path)} beside the output file (${(err as Error).message}): its folder must be writable`,
      );
    }
  }
}

/** How the file of `size` > 0 bytes ends: a CR LF, an LF, or no newline (a torn record). */
async function lineEnding(handle: FileHandle, size: number): Promise<'\r\n' | '\n' | undefined> {
  const last = Buffer.alloc(2);
  const at = Math.max(0, size - 2);
  const { bytesRead } = await handle.read(last, 0, size - at, at);
  if (last[bytesRead - 1] !== 0x0a) return undefined;
  return bytesRead === 2 && last[0] === 0x0d ? '\r\n' : '\n';
}
