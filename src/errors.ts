/**
 * One error type for everything bmeter reports to a user. The code decides the exit status
 * (docs/design.md §4); the message says what happened and what to do.
 */
export const EXIT_CODES = {
  runtime: 1, // timeouts, meter not answering, protocol faults
  usage: 2, // bad flags, bad config, missing scan file
  notFound: 3, // the scan found no meter
  auth: 4, // PANA authentication rejected (EVENT 24)
  port: 5, // serial port missing, busy or not permitted
} as const;

export type ErrorKind = keyof typeof EXIT_CODES;

export const ERROR_CODES = {
  // runtime
  TIMEOUT: 'runtime',
  COMMAND_FAILED: 'runtime',
  NO_RESPONSE: 'runtime',
  PROTOCOL: 'runtime',
  NOT_SKSTACK: 'runtime',
  CLOSED: 'runtime',
  DECODE: 'runtime',
  BROKER: 'runtime', // MQTT broker refused the credentials
  WRITE_FAILED: 'runtime', // a file could not be written whole: a full disk, an I/O error
  // usage
  USAGE: 'usage',
  CONFIG: 'usage',
  NO_SCAN_FILE: 'usage',
  BAD_SCAN_FILE: 'usage',
  // scan
  NO_METER: 'notFound',
  // join
  AUTH: 'auth',
  // port
  PORT_MISSING: 'port',
  PORT_BUSY: 'port',
  PORT_DENIED: 'port',
  PORT: 'port',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * The one error type bmeter throws on purpose: `code` names the kind (mapped to exit codes 1–5 by
 * ERROR_CODES) and the message says what happened and what to do.
 */
export class BmeterError extends Error {
  readonly code: ErrorCode;
  override readonly name = 'BmeterError';

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  get exitCode(): number {
    return EXIT_CODES[ERROR_CODES[this.code]];
  }
}

/** True when `err` is a BmeterError, and of kind `code` when one is given. */
export function isBmeterError(err: unknown, code?: ErrorCode): err is BmeterError {
  return err instanceof BmeterError && (code === undefined || err.code === code);
}
