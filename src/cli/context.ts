/**
 * What a command needs from the outside world. Only cli/ touches `process`; main.ts builds this
 * from it, tests build it from in-memory streams (docs/design.md §3, program factory).
 */
import type { Logger } from '../log/logger.js';
import type { Clock } from '../time/clock.js';
import type { TransportFactory } from '../transport/transport.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stderr is a terminal: progress bars only then, log lines otherwise. */
  stderrIsTTY: boolean;
}

export interface CliContext {
  io: CliIo;
  /** Opens the port named by --port / BMETER_PORT / config (device, tcp://, sim://). */
  transportFactory?: TransportFactory;
  /** Aborted on SIGINT/SIGTERM: long-running commands finish their work in flight and return. */
  signal: AbortSignal;
  /** The host clock (tests may fix it). */
  now: () => Date;
  /** Timers and now for every wait of the use cases (the one place systemClock is chosen). */
  clock: Clock;
  /**
   * Registers a listener for SIGHUP (log rotation: output files are opened by name again);
   * returns the function that removes it. Absent in tests that do not need it.
   */
  onHangup?: (listener: () => void) => () => void;
  /** Created by the program from --log-level / -v once options are parsed. */
  logger(): Logger;
}
