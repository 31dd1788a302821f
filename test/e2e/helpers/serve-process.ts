/**
 * A running `bmeter serve` for the end-to-end tests: spawned with the Node that has node:sqlite
 * (serve-node.ts) on an API port the kernel picks (`--listen 127.0.0.1:0`), its printed records
 * parsed as they come, and a wait-for-a-condition with a deadline instead of sleeps.
 */
import { spawnBmeter, type BmeterProcess, type RunOptions } from './run-bmeter.js';
import { SERVE_NODE } from './serve-node.js';
import { waitFor } from './wait.js';

export { waitFor };

export interface ServeProcess {
  readonly proc: BmeterProcess;
  /** The JSON lines serve printed on stdout so far (one per record). */
  printed(): Record<string, unknown>[];
  /** http://127.0.0.1:<port>, once serve has logged where it listens. */
  baseUrl(): Promise<string>;
  /** Waits until `check` holds (polling every 50 ms); fails with serve's stderr after `ms`. */
  until(what: string, check: () => boolean | Promise<boolean>, ms?: number): Promise<void>;
}

/**
 * Spawns `bmeter serve <args> --listen 127.0.0.1:<port>` (stopped when the test ends); `port`
 * defaults to 0, the kernel's choice.
 */
export function startServe(
  t: { after(fn: () => unknown): void },
  args: readonly string[],
  options: RunOptions & { port?: number } = {},
): ServeProcess {
  const proc = spawnBmeter(['serve', ...args, '--listen', `127.0.0.1:${options.port ?? 0}`], {
    timeoutMs: 120_000,
    ...options,
    ...(SERVE_NODE !== undefined && { node: SERVE_NODE }),
  });
  t.after(() => proc.stop(2000));
  const printed = (): Record<string, unknown>[] =>
    proc
      .stdout()
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> =>
    waitFor(
      what,
      async () => {
        if (proc.child.exitCode !== null) throw new Error(`serve exited while waiting for ${what}:\n${proc.stderr()}`);
        return check();
      },
      ms,
      () => proc.stderr(),
    );
  const port = (): string | undefined => /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(proc.stderr())?.[1];
  return {
    proc,
    printed,
    until,
    async baseUrl() {
      await until('the API address in the log', () => port() !== undefined);
      return `http://127.0.0.1:${port()}`;
    },
  };
}
