/**
 * One writer per store file: `<file>.lock` holds the writer's PID, created with O_EXCL so two
 * processes cannot both take it. A second bmeter on the same file stops with "in use by PID …"
 * instead of interleaving its writes; a lock left by a killed process (`kill -9`, power cut) is
 * taken over once its PID is gone. SQLite itself (WAL, busy timeout) still keeps the file whole
 * if a reader of another program opens it meanwhile.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { BmeterError } from '../../errors.js';
import { diskFault } from '../../fs/disk-fault.js';
import { lockFileOf } from '../../fs/siblings.js';

export interface LockOwner {
  /** This process's PID. */
  pid: number;
  /** Whether a process with this PID runs (cli/: fs/process-alive.ts, a zombie counts as gone). */
  isAlive(pid: number): boolean;
}

/** Takes the lock of store file `path`; returns its release. Throws USAGE naming the holder's PID. */
export function lockStore(path: string, owner: LockOwner): () => void {
  const lockPath = lockFileOf(path);
  for (let attempt = 0; ; attempt++) {
    try {
      writeLock(lockPath, owner.pid);
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        // A full disk is a fault of the machine (exit 1), not of the --db given.
        const full = diskFault(err, 'the lock file', lockPath, 'none is left', 'free some space, or give another --db');
        if (full !== undefined) throw full;
        const hint =
          code === 'ENOENT'
            ? `the folder ${dirname(path)} does not exist — create it or give another --db`
            : 'is the folder writable?';
        throw new BmeterError('USAGE', `cannot create the lock file ${lockPath}: ${(err as Error).message} — ${hint}`, {
          cause: err,
        });
      }
      const holder = readHolder(lockPath);
      if (holder !== undefined && holder !== owner.pid && owner.isAlive(holder)) {
        throw new BmeterError(
          'USAGE',
          `the store ${path} is in use by PID ${holder} (another bmeter serve, poll --db or history --db); ` +
            'stop it or give this one another --db file',
        );
      }
      if (attempt > 0) throw new BmeterError('USAGE', `cannot take the lock file ${lockPath}: it keeps coming back`);
      rmSync(lockPath, { force: true }); // left by a process that is gone
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (readHolder(lockPath) === owner.pid) rmSync(lockPath, { force: true });
  };
}

/**
 * Creates `lockPath` (O_EXCL) holding `pid`. A lock file it made but could not write (a full disk) is removed
 * again before the error is thrown: it would hold no PID, and nobody else could have made it.
 */
function writeLock(lockPath: string, pid: number): void {
  const fd = openSync(lockPath, 'wx', 0o644);
  try {
    const text = `${pid}\n`;
    if (writeSync(fd, text) !== text.length)
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  } catch (err) {
    closeSync(fd);
    rmSync(lockPath, { force: true });
    throw err;
  }
  closeSync(fd);
}

function readHolder(lockPath: string): number | undefined {
  try {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
