/**
 * pino to stderr only (stdout carries data). Every serialized line passes through the secret
 * redactor before it is written, so no level and no field can leak the Route-B credentials.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { secretRedactor, type SecretRedactor } from './redact.js';

export type { Logger };
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

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

/** `-v` counts: 0 → warn, 1 → info, 2 → debug, 3+ → trace. */
export function levelFromVerbosity(count: number): LogLevel {
  return (['warn', 'info', 'debug', 'trace'] as const)[Math.min(Math.max(count, 0), 3)] ?? 'trace';
}
