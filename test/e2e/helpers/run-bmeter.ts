/**
 * Runs `bin/bmeter.js` as a user would: a child process with its own environment and arguments.
 * The environment starts clean (PATH, HOME, LANG, TZ only) so a developer's BMETER_* variables
 * never leak into a test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, REPO_ROOT, assertBuilt } from './paths.js';

export interface RunOptions {
  /** Added to the clean base environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Killed (SIGKILL to its process group) after this long; default 30 s. */
  timeoutMs?: number;
  /** Written to stdin, which is then closed. */
  input?: string;
  /** The Node binary that runs bin/bmeter.js; default this test's own (process.execPath). */
  node?: string;
}

export interface RunResult {
  /** Exit code, or null when the process was killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

/** A running bmeter process whose output is collected as it comes. */
export interface BmeterProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (whatever the code). */
  readonly exited: Promise<RunResult>;
  /** SIGTERM, then SIGKILL to its process group after graceMs; resolves on exit. */
  stop(graceMs?: number): Promise<RunResult>;
}

/**
 * The process groups of the bmeter runs still alive. A run leads its own group (below), so a Ctrl-C or a
 * SIGTERM sent to the test runner's group never reaches it: they are killed when this test process ends,
 * however it ends (a `bmeter serve` left running used to outlive an interrupted `npm test`).
 */
const liveGroups = new Set<number>();
function killLiveGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killLiveGroups);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killLiveGroups();
    process.kill(process.pid, signal); // then as if this handler were not there
  });
}

export function spawnBmeter(args: readonly string[], options: RunOptions = {}): BmeterProcess {
  assertBuilt();
  const started = Date.now();
  // detached: the child leads its own process group, so a hung run (and anything it started,
  // e.g. socat) can be killed by this group's id only.
  const child = spawn(options.node ?? process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: baseEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${BIN}`);
  const pid = child.pid;
  liveGroups.add(pid);
  let out = '';
  let err = '';
  let timedOut = false;
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();

  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup('SIGKILL');
  }, options.timeoutMs ?? 30_000);
  timer.unref();

  const exited = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      liveGroups.delete(pid);
      resolve({ code, signal, stdout: out, stderr: err, timedOut, durationMs: Date.now() - started });
    });
  });

  return {
    child,
    pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(graceMs = 3000) {
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const grace = setTimeout(() => killGroup('SIGKILL'), graceMs);
        grace.unref();
        const result = await exited;
        clearTimeout(grace);
        killGroup('SIGKILL'); // leftovers of the group (none if it cleaned up)
        return result;
      }
      return exited;
    },
  };
}

/** Runs bmeter to completion. */
export function runBmeter(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return spawnBmeter(args, options).exited;
}

/** A readable dump for assertion messages. */
export function describeRun(result: RunResult): string {
  return (
    `exit ${result.code ?? result.signal}${result.timedOut ? ' (timed out)' : ''} after ${result.durationMs} ms\n` +
    `--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`
  );
}
