/**
 * pino to stderr only (stdout carries data). Every serialized line passes through the secret
 * redactor before it is written, so no level and no field can leak the Route-B credentials.
 *
 * Fast start: pino (with thread-stream, worker_threads, assert …) is loaded only when
 * a line is really logged. `createLazyLogger` answers disabled levels itself and builds the pino
 * logger, synchronously (pino's CommonJS build), on the first enabled call — so a cron poll at the
 * default level `warn` that has nothing to warn about never loads it, and the order of lines on
 * stderr is the same as with an eager logger.
 */
import { createRequire } from 'node:module';
import type { Logger, LevelWithSilent } from 'pino';
import { secretRedactor, type SecretRedactor } from './redact.js';

export type { Logger };
export { LOG_LEVELS, levelFromVerbosity, type LogLevel } from './levels.js';

export interface LogDestination {
  write(text: string): unknown;
}

export interface LoggerOptions {
  level?: LevelWithSilent;
  destination?: LogDestination;
  redactor?: SecretRedactor;
}

type Pino = typeof import('pino').pino;
let pinoFn: Pino | undefined;

/** pino itself, required on first use (it is CommonJS, so this is synchronous). */
function loadPino(): Pino {
  return (pinoFn ??= (createRequire(import.meta.url)('pino') as { pino: Pino }).pino);
}

/**
 * A pino logger writing JSON lines to `destination` (stderr by default) at `level`; every line passes through
 * the secret redactor first, so Route-B ID, password and PairID never reach the log.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const pino = loadPino();
  const redactor = options.redactor ?? secretRedactor;
  const target = options.destination ?? process.stderr;
  const stream = {
    write(line: string): void {
      target.write(redactor.redact(line));
    },
  };
  return pino(
    {
      level: options.level ?? 'warn',
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
}

const LEVEL_VALUES: Record<LevelWithSilent, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};
const METHODS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/**
 * A Logger that is createLogger(options) as soon as something is logged at an enabled level,
 * and costs nothing before. Covers the level methods, `level`, `isLevelEnabled` and `child`.
 */
export function createLazyLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'warn';
  const threshold = LEVEL_VALUES[level];
  let real: Logger | undefined;
  const get = (): Logger => (real ??= createLogger(options));
  const lazy: Record<string, unknown> = {
    level,
    isLevelEnabled: (l: LevelWithSilent) => LEVEL_VALUES[l] >= threshold,
    child: (...args: Parameters<Logger['child']>) => get().child(...args),
    silent: () => undefined,
  };
  for (const method of METHODS) {
    lazy[method] = (...args: unknown[]) => {
      if (LEVEL_VALUES[method] < threshold) return;
      (get()[method] as (...a: unknown[]) => void)(...args);
    };
  }
  return lazy as unknown as Logger;
}

/** A logger that drops everything: the default for library code and tests (never loads pino). */
export function silentLogger(): Logger {
  return createLazyLogger({ level: 'silent' });
}
