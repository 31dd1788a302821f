/**
 * Whether the process a PID file or claim names still runs (the store's lock, `bmeter simulate --pty`'s claim).
 * Signal 0 reaches a process that was killed (kill -9) but not yet reaped by its parent (a shell reaps a
 * background job only when it next looks, a supervisor when it gets to it): such a zombie holds nothing any
 * more, so on Linux /proc/PID/stat's state `Z` counts as gone. Elsewhere (no /proc) signal 0 decides.
 */
import { readFileSync } from 'node:fs';

/**
 * True while a process with this PID runs (as any user: EPERM counts), false when there is none or it is a zombie.
 * @param procRoot where /proc is (tests give a folder of their own)
 */
export function isProcessAlive(pid: number, procRoot = '/proc'): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return processState(pid, procRoot) !== 'Z';
}

/** The state letter of /proc/PID/stat (`pid (comm) S …`: comm may hold spaces and parentheses), if readable. */
function processState(pid: number, procRoot: string): string | undefined {
  try {
    const stat = readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    const end = stat.lastIndexOf(')');
    return end < 0 ? undefined : stat.charAt(end + 2);
  } catch {
    return undefined;
  }
}
