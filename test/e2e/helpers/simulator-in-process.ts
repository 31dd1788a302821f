/**
 * `bmeter simulate --pty <path> …` run inside the test process: the real program (createProgram,
 * the `simulate` command's own option parsing, src/sim/server.ts servePty behind socat) with an
 * in-memory stderr and its own abort signal in place of SIGTERM. bmeter under test still opens the
 * pty through the real serialport stack; only the node process that `startPtySimulator`
 * (simulator.ts) would spawn for the simulator is saved. A test whose subject is the `simulate`
 * command, or that needs the simulator in a process of its own (to kill it, read its pid), spawns
 * it with simulator.ts instead. While it serves, the test process must not block its event loop
 * (spawnSync, Atomics.wait): the simulator answers from it.
 */
import { PassThrough, Writable } from 'node:stream';
import { dirname } from 'node:path';
import { reportError } from '../../../src/cli/main.js';
import { createProgram } from '../../../src/cli/program.js';

/** A pty simulator served by this process. */
export interface InProcessPtySimulator {
  /** The pty link to pass as --port. */
  readonly path: string;
  /** What `bmeter simulate` has written to its stderr so far. */
  stderr(): string;
  /** Stops it as SIGTERM stops the command (socat ended, the pty link and claim removed); idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `bmeter simulate --pty <path> ...args` in this process and resolves once it says it listens
 * on `path` (the link then exists). Rejects with the command's error message (as bmeter would print
 * it, with its exit code) when it ends before that: a bad option, a claimed path, no socat.
 * @param path where the pty link is created (in a temp dir)
 * @param args further `simulate` options, e.g. ['--find-at', '5', '--dialect', 'dual']
 */
export async function startInProcessPtySimulator(
  path: string,
  args: readonly string[] = [],
): Promise<InProcessPtySimulator> {
  // --log-level: the level `simulate` would otherwise look up in the environment and a config file
  // (it logs nothing through it), and loading the config module (zod, unbundled here) is 80 ms of CPU.
  const argv = ['node', 'bmeter', '--log-level', 'warn', 'simulate', '--pty', path, ...args];
  let text = '';
  let onText = (): void => undefined;
  const stderr = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      onText();
      done();
    },
  });
  const listening = `listening on ${path} `;
  const ready = new Promise<void>((resolve) => {
    onText = () => {
      if (text.includes(listening)) resolve();
    };
  });
  const abort = new AbortController();
  const program = await createProgram({
    io: {
      stdout: new PassThrough(),
      stderr,
      stdin: new PassThrough(),
      env: {},
      cwd: dirname(path),
      stderrIsTTY: false,
    },
    signal: abort.signal,
    argv,
  });
  const ended = program.parseAsync(argv).then(
    () => 0,
    (err: unknown) => reportError(err, stderr),
  );
  const first = await Promise.race([ready.then(() => 'ready' as const), ended]);
  if (first !== 'ready') {
    throw new Error(`bmeter simulate --pty ${path} ended (exit ${first}) before it listened:\n${text}`);
  }
  return {
    path,
    stderr: () => text,
    async stop() {
      abort.abort();
      const code = await ended;
      if (code !== 0) throw new Error(`bmeter simulate --pty ${path} stopped with exit ${code}:\n${text}`);
    },
  };
}
