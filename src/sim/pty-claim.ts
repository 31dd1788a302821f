/**
 * Who may put a pty link at a path: `bmeter simulate --pty PATH` hands PATH (and PATH.sim) to
 * socat, which unlinks whatever is there — a regular file, a device node such as /dev/ttyUSB0,
 * another simulator's link — and removes its link again on exit. So before socat runs, the
 * simulator claims the path with a marker file created exclusively (`.NAME.bmeter-sim`, holding
 * its pid) and refuses a path that exists unless it is the link a simulator that has since died
 * left behind. Only what the claim created is ever removed.
 */
import { closeSync, lstatSync, openSync, readFileSync, readlinkSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BmeterError } from '../errors.js';
import { isProcessAlive } from '../fs/process-alive.js';

const MARK = 'bmeter-simulate pid=';

/** The marker file beside `path`. */
export function claimMarker(path: string): string {
  return join(dirname(path), `.${basename(path)}.bmeter-sim`);
}

/**
 * Claims `path` and `path.sim` for this process; returns the function that gives the claim up
 * (removing the marker). Throws USAGE (exit 2) naming the path when either exists and is not a
 * link a dead simulator left, or when a live simulator holds the claim.
 */
export function claimPtyPath(path: string, pid = process.pid): () => void {
  const marker = claimMarker(path);
  const holder = markerPid(marker);
  if (holder !== undefined && holder !== 'unknown' && isProcessAlive(holder)) {
    throw new BmeterError(
      'USAGE',
      `${path} is served by another bmeter simulate (pid ${holder}) — stop it or choose another --pty path`,
    );
  }
  if (holder === 'unknown') {
    throw new BmeterError(
      'USAGE',
      `${marker} exists and was not written by bmeter simulate — remove it or choose another --pty path`,
    );
  }
  const stale = holder !== undefined; // a simulator that died without cleaning up
  for (const p of [path, `${path}.sim`]) {
    const kind = existing(p);
    if (kind === undefined) continue;
    if (stale && kind === 'pty-link') continue;
    throw new BmeterError(
      'USAGE',
      `${p} already exists (${kind === 'pty-link' ? 'a pty link this simulator did not make' : kind}) — bmeter simulate --pty ` +
        'never replaces a file: choose a path that does not exist',
    );
  }
  if (stale) {
    for (const p of [path, `${path}.sim`]) if (existing(p) === 'pty-link') unlinkSync(p);
    unlinkSync(marker);
  }
  let fd: number;
  try {
    fd = openSync(marker, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BmeterError('USAGE', `${path} is being claimed by another bmeter simulate — choose another --pty path`);
    }
    throw new BmeterError('USAGE', `cannot create ${marker} for --pty ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  writeSync(fd, `${MARK}${pid}\n`);
  closeSync(fd);
  return () => {
    if (markerPid(marker) === pid) unlinkSync(marker);
  };
}

function markerPid(marker: string): number | 'unknown' | undefined {
  let text: string;
  try {
    text = readFileSync(marker, 'utf8');
  } catch {
    return undefined;
  }
  const m = new RegExp(`^${MARK}(\\d+)\\n?$`).exec(text);
  return m ? Number(m[1]) : 'unknown';
}

/** What is at `p`: nothing, a link to a pty (what socat makes), or something else, named. */
function existing(p: string): 'pty-link' | string | undefined {
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return undefined;
  }
  if (st.isSymbolicLink()) return readlinkSync(p).startsWith('/dev/pts/') ? 'pty-link' : 'a symbolic link';
  if (st.isCharacterDevice()) return 'a device node';
  if (st.isDirectory()) return 'a directory';
  return 'a file';
}
