/**
 * pino to stderr only (stdout carries data). Every serialized line passes through the secret
 * redactor before it is written, so no level and no field can leak the Route-B credentials.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { secretRedactor, type SecretRedactor } from './redact.js';

export type { Logger };
export { LOG_LEVELS, levelFromVerbosity, type LogLevel } from './levels.js';

export interface LogDestination {
  write(text: string): unknown;
}

export function createLogger(options: {
  level?: LevelWithSilent;
  destination?: LogDestination;
  redactor?: SecretRedactor;
} = {}): Logger {
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

/** A logger that drops everything: the default for library code and tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
