/**
 * Who holds a serial device open? Scans /proc/<pid>/fd/* links for the device (Linux only;
 * elsewhere, or without permission to read other users' fds, the answer is simply empty).
 */
import { readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';

export interface PortHolder {
  pid: number;
  command: string;
}

/**
 * The processes other than `excludePid` (default: this one) that hold `device` open (pid and
 * command line, lock holders first), from /proc/<pid>/fd links; empty when that cannot be known.
 */
export async function findPortHolders(
  device: string,
  procRoot = '/proc',
  excludePid: number = process.pid,
): Promise<PortHolder[]> {
  let target: string;
  try {
    target = await realpath(device);
  } catch {
    return [];
  }
  let pids: string[];
  try {
    pids = (await readdir(procRoot)).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const holders: PortHolder[] = [];
  for (const pid of pids) {
    if (Number(pid) === excludePid) continue;
    let fds: string[];
    try {
      fds = await readdir(`${procRoot}/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      const link = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '');
      if (link === target) {
        holders.push({ pid: Number(pid), command: await commandLine(`${procRoot}/${pid}`) });
        break;
      }
    }
  }
  // Prefer the processes that hold the flock serialport trips over (/proc/locks); others (a socat
  // or getty with the device open) are only named when no lock holder is known.
  const lockers = await flockPids(target, procRoot);
  const locking = holders.filter((h) => lockers.has(h.pid));
  return locking.length > 0 ? locking : holders;
}

async function flockPids(device: string, procRoot: string): Promise<Set<number>> {
  const pids = new Set<number>();
  try {
    const { ino } = await stat(device);
    const text = await readFile(`${procRoot}/locks`, 'utf8');
    // e.g. "1: FLOCK  ADVISORY  WRITE 4242 00:19:3 0 EOF"
    for (const m of text.matchAll(/FLOCK\s+\S+\s+\S+\s+(\d+)\s+[0-9a-f]+:[0-9a-f]+:(\d+)/g)) {
      if (Number(m[2]) === ino) pids.add(Number(m[1]));
    }
  } catch {
    // no /proc/locks: fall back to every opener
  }
  return pids;
}

/**
 * The command line of the process in `procDir`, one line, at most 120 characters, with the user name and
 * password of every URL in it left out (`--mqtt mqtt://user:pass@host` → `mqtt://host`): the PORT_BUSY
 * message goes to logs, and another bmeter's command line may carry a broker password.
 */
async function commandLine(procDir: string): Promise<string> {
  const raw = await readFile(`${procDir}/cmdline`, 'utf8').catch(() => '');
  const text = withoutUserinfo(
    raw
      .split('\0')
      .filter((s) => s !== '')
      .join(' ')
      .replace(/\s+/g, ' '),
  );
  return text.length > 120 ? `${text.slice(0, 117)}...` : text || '?';
}

/** `text` with the userinfo (`user:password@`) of each URL removed. */
export function withoutUserinfo(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, '$1');
}

/** `pid 123 (command)` for each holder, comma-separated, for the PORT_BUSY message. */
export function describeHolders(holders: readonly PortHolder[]): string {
  return holders.map((h) => `pid ${h.pid} (${h.command})`).join(', ');
}
