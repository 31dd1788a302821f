/**
 * The process entry: wires process streams, signals and exit codes to the program. The only file
 * that sets the exit status (docs/design.md §1: only cli/ touches process).
 */
import { CommanderError } from 'commander';
import { BmeterError, isBmeterError } from '../errors.js';
import { secretRedactor } from '../log/redact.js';
import { printable } from '../log/printable.js';
import { createProgram } from './program.js';
import { commanderPrinted, usageLine } from './usage-line.js';

/**
 * The process entry point (bin/bmeter.js calls it with process.argv): wires stdin/stdout/stderr,
 * SIGINT/SIGTERM and the environment into the program, runs it and sets process.exitCode from the error's
 * code (1–5, docs/design.md §4).
 */
export async function main(argv: string[]): Promise<void> {
  const abort = new AbortController();
  let stoppedBySignal = false;
  // `on`, not `once`: a library's exit hook (signal-exit, under proper-lockfile) re-raises a
  // signal it sees no other listener for, which would kill the run before it stops cleanly.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stoppedBySignal) process.exit(signal === 'SIGINT' ? 130 : 143); // asked twice: stop now
    stoppedBySignal = true;
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // SIGHUP after log rotation: output files are opened by name again (the default would kill the run).
  const hangupListeners = new Set<() => void>();
  const onHangup = (): void => hangupListeners.forEach((listener) => listener());
  process.on('SIGHUP', onHangup);
  // A closed stdout (`bmeter poll … | head -1`) ends the run quietly; the sinks notice it. One
  // that fails (`> /dev/full`: ENOSPC) stops the run and is reported in one line at the end.
  let stdoutError: NodeJS.ErrnoException | undefined;
  // stderr on a full disk: there is nowhere left to say anything; the exit status still tells.
  process.stderr.on('error', () => undefined);
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || stdoutError !== undefined) return;
    stdoutError = err;
    abort.abort();
  });

  try {
    const program = await createProgram({
      io: {
        stdout: process.stdout,
        stderr: process.stderr,
        // A getter: process.stdin builds a stream (and loads its modules) on first access.
        get stdin() {
          return process.stdin;
        },
        env: process.env,
        cwd: process.cwd(),
        stderrIsTTY: process.stderr.isTTY === true,
      },
      signal: abort.signal,
      onHangup: (listener) => {
        hangupListeners.add(listener);
        return () => hangupListeners.delete(listener);
      },
      argv,
    });
    await program.parseAsync(argv);
    process.exitCode = 0;
  } catch (err) {
    // Once stdout failed, the run was stopped for it: that is the one thing to report.
    await new Promise((resolve) => setImmediate(resolve));
    if (stoppedBySignal && isBmeterError(err, 'CLOSED')) {
      // Stopped as asked (SIGINT/SIGTERM) in the middle of a wait: say where, and exit 0.
      process.stderr.write(`bmeter: ${printable(secretRedactor.redact(err.message))}\n`);
      process.exitCode = 0;
    } else if (stdoutError === undefined) process.exitCode = reportError(err, process.stderr);
  } finally {
    await new Promise((resolve) => setImmediate(resolve)); // a failed write reports on the next tick
    if (stdoutError !== undefined) {
      process.stderr.write(`bmeter: cannot write to standard output: ${stdoutError.message} — output is incomplete\n`);
      process.exitCode = 1;
    }
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangup);
  }
}

/** Prints an error as one clear message and returns the exit code docs/design.md §4 gives it. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream): number {
  if (err instanceof CommanderError) {
    // --help and --version end this way with exit code 0 (and help asked for without a command with 1).
    if (commanderPrinted(err)) return err.exitCode === 0 ? 0 : 2;
    stderr.write(`bmeter: ${printable(secretRedactor.redact(usageLine(err)))}\n`);
    return 2;
  }
  if (err instanceof BmeterError) {
    stderr.write(`bmeter: ${printable(secretRedactor.redact(err.message))}\n`);
    return err.exitCode;
  }
  if (isEnvironmentFault(err)) {
    // A fault of the machine (a full disk, a missing permission), not of bmeter: no stack trace.
    stderr.write(`bmeter: ${printable(secretRedactor.redact(err.message))}\n`);
    return 1;
  }
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  stderr.write(`bmeter: internal error: ${printable(secretRedactor.redact(message))}\n`);
  return 1;
}

/** A system call's error (ENOSPC, EACCES, EROFS …) with the call that failed. */
function isEnvironmentFault(err: unknown): err is NodeJS.ErrnoException {
  const e = err as NodeJS.ErrnoException;
  return (
    err instanceof Error && typeof e.code === 'string' && /^E[A-Z0-9]+$/.test(e.code) && typeof e.syscall === 'string'
  );
}
