/**
 * Log level names and the -v mapping, without pino: the CLI needs them to define its options,
 * before (and often without) loading the logger, so a quiet run starts fast.
 */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `-v` counts: 0 → warn, 1 → info, 2 → debug, 3+ → trace. */
export function levelFromVerbosity(count: number): LogLevel {
  return (['warn', 'info', 'debug', 'trace'] as const)[Math.min(Math.max(count, 0), 3)] ?? 'trace';
}
