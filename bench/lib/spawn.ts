/**
 * Runs `node bin/bmeter.js …` as a user would and times it: process start (just before spawn),
 * each stdout line's arrival, exit. Optionally under /usr/bin/time for the peak RSS.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface TimedRun {
  code: number | null;
  /** ms from just before spawn() to the first stdout line. */
  firstLineMs: number | undefined;
  /** ms from just before spawn() to exit. */
  exitMs: number;
  /** Arrival of each stdout line: ms after spawn, and wall-clock epoch ms. */
  lines: { ms: number; at: number; text: string }[];
  stderr: string;
  maxRssKiB?: number;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** Wrap with /usr/bin/time -f %M to learn the peak RSS. */
  measureRss?: boolean;
  /** Kill the process after this many stdout lines (long-running commands). */
  stopAfterLines?: number;
}

export const TIME_BIN = '/usr/bin/time';
export const haveTime = (): boolean => existsSync(TIME_BIN);

export function runTimed(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<TimedRun> {
  const wrap = options.measureRss === true && haveTime();
  const file = wrap ? TIME_BIN : command;
  const argv = wrap ? ['-f', 'BENCH_MAXRSS_KB=%M', command, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: TimedRun['lines'] = [];
    let partial = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const ms = performance.now() - t0;
      const at = Date.now();
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        lines.push({ ms, at, text: partial.slice(0, nl) });
        partial = partial.slice(nl + 1);
      }
      if (options.stopAfterLines !== undefined && lines.length >= options.stopAfterLines) child.kill('SIGTERM');
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const exitMs = performance.now() - t0;
      const m = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr);
      const run: TimedRun = { code, firstLineMs: lines[0]?.ms, exitMs, lines, stderr };
      if (m) run.maxRssKiB = Number(m[1]);
      resolve(run);
    });
  });
}

/** `node <bin> …args` */
export function runBmeter(bin: string, args: readonly string[], options: SpawnOptions = {}): Promise<TimedRun> {
  return runTimed(process.execPath, [bin, ...args], options);
}
