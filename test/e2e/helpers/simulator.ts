/**
 * Starts `bmeter simulate --pty <path> …` (the built-in simulator behind a socat pty) and waits
 * until the pty link exists and the simulator says it listens there, so a test can then run bmeter
 * against `--port <path>` over the real serialport stack. For the tests whose subject is the
 * `simulate` command itself (its own process, pid, stderr and exit); the others serve the same
 * command from the test process (simulator-in-process.ts), which saves a node process per test.
 */
import { lstatSync } from 'node:fs';
import { spawnBmeter, type BmeterProcess, type RunOptions } from './run-bmeter.js';

export interface PtySimulator {
  /** The pty link to pass as --port. */
  readonly path: string;
  readonly process: BmeterProcess;
  stop(): Promise<void>;
}

function linkExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * @param path where the pty link is created (in a temp dir)
 * @param args further `simulate` options, e.g. ['--find-at', '5', '--dialect', 'dual']
 */
export async function startPtySimulator(
  path: string,
  args: readonly string[] = [],
  options: RunOptions & { readyTimeoutMs?: number } = {},
): Promise<PtySimulator> {
  const sim = spawnBmeter(['simulate', '--pty', path, ...args], { timeoutMs: 120_000, ...options });
  let exited = false;
  void sim.exited.then(() => (exited = true));
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  // Ready = the link exists and the simulator has announced it (socat creates the link a moment
  // before the simulator attaches to the other end).
  while (!(linkExists(path) && sim.stderr().includes(path))) {
    if (exited) {
      const result = await sim.exited;
      throw new Error(
        `bmeter simulate exited (${result.code ?? result.signal}) before ${path} existed:\n${result.stderr}`,
      );
    }
    if (Date.now() > deadline) {
      await sim.stop();
      throw new Error(`bmeter simulate did not create ${path} in time:\n${sim.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    path,
    process: sim,
    async stop() {
      await sim.stop();
    },
  };
}
