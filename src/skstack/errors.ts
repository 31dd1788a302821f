/**
 * `FAIL ERnn` replies (docs/protocol.md §5) as BmeterErrors that say what the code means.
 */
import { BmeterError } from '../errors.js';

/** §5: ER01–03 and ER07–08 are reserved. */
export const FAIL_CODES = {
  '04': 'command not supported',
  '05': 'wrong number of arguments',
  '06': 'argument format or range invalid',
  '09': 'UART input error',
  '10': 'command accepted but execution failed',
} as const;

/** Per-command hints for the common causes. */
const HINTS: Record<string, Record<string, string>> = {
  SKSENDTO: { '10': 'no PANA session?', '05': 'single/dual-stack dialect mismatch?' },
  SKSCAN: { '05': 'single/dual-stack dialect mismatch?' },
  SKTERM: { '10': 'no PANA session to terminate' },
  SKJOIN: { '10': 'is a session already being set up?' },
  ROPT: { '04': 'hex-only firmware such as RL7023 Stick-D/IPS' },
};

/**
 * What a `FAIL ERnn` code means (§5: `'04'` → unsupported command …); "reserved error code" for one the
 * table does not hold.
 */
export function failMeaning(code: string): string {
  return (FAIL_CODES as Record<string, string>)[code] ?? 'reserved error code';
}

/** A `FAIL ERnn` answer: code COMMAND_FAILED, with the raw code in `failCode` ('10'). */
export class SkstackCommandError extends BmeterError {
  readonly failCode: string;
  readonly command: string;

  constructor(command: string, failCode: string) {
    const hint = HINTS[command]?.[failCode];
    super(
      'COMMAND_FAILED',
      `${command} failed: FAIL ER${failCode} (${failMeaning(failCode)}${hint ? ` — ${hint}` : ''})`,
    );
    this.failCode = failCode;
    this.command = command;
  }
}

/**
 * True when `err` is a `FAIL ERnn` answer, and, with `code` ('10'), that code.
 */
export function isFail(err: unknown, code?: string): err is SkstackCommandError {
  return err instanceof SkstackCommandError && (code === undefined || err.failCode === code);
}
