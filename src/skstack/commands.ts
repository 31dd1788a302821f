/**
 * Per-command syntax as data (docs/design.md §3, after smdn `SkStackProtocolSyntax`): how each command
 * ends on the wire, whether a status line comes, and which line must precede the status. The
 * client builds its jobs from this table (job.ts); the events that complete SKSCAN, SKJOIN,
 * SKSENDTO and SKTERM are watched by operations.ts, and timeouts come from `SkTimeouts` (types.ts).
 */
export const CRLF = '\r\n';

export interface CommandSyntax {
  /** CRLF for SK* (§1); CR only for the product-configuration commands (§3.12); none after SKSENDTO data (§3.10). */
  readonly terminator: '\r\n' | '\r' | '';
  /** Whether `OK`/`FAIL ERnn` answers it. SKLL64: no (§3.7, §11.5). */
  readonly status: boolean;
  /** A line that must come before the status (an `OK` before it is a stray from an earlier command). */
  readonly expect?: 'ever' | 'einfo' | 'esreg' | 'ipv6';
}

export const COMMANDS = {
  SKVER: { terminator: CRLF, status: true, expect: 'ever' },
  SKINFO: { terminator: CRLF, status: true, expect: 'einfo' },
  SKSREG: { terminator: CRLF, status: true },
  SKSETPWD: { terminator: CRLF, status: true },
  SKSETRBID: { terminator: CRLF, status: true },
  SKSCAN: { terminator: CRLF, status: true },
  SKLL64: { terminator: CRLF, status: false, expect: 'ipv6' },
  SKJOIN: { terminator: CRLF, status: true },
  SKSENDTO: { terminator: '', status: true },
  SKTERM: { terminator: CRLF, status: true },
  ROPT: { terminator: '\r', status: true },
  WOPT: { terminator: '\r', status: true },
} as const satisfies Record<string, CommandSyntax>;

export type CommandName = keyof typeof COMMANDS;

/** EVENT numbers (§4, §3.9). */
export const EVENT = {
  NS_RECEIVED: 0x01,
  NA_RECEIVED: 0x02,
  BEACON: 0x20,
  UDP_SENT: 0x21,
  SCAN_DONE: 0x22,
  PANA_FAILED: 0x24,
  PANA_OK: 0x25,
  PEER_TERMINATED: 0x26,
  TERMINATED: 0x27,
  TERMINATE_TIMEOUT: 0x28,
  SESSION_EXPIRED: 0x29,
  TX_LIMIT_ON: 0x32,
  TX_LIMIT_OFF: 0x33,
} as const;

export const PANA_PORT = 0x02cc;
/** SKSENDTO DATALEN is 4 hex digits, at most 0x04D0 (§3.10). */
export const MAX_SENDTO_DATA = 0x04d0;

/** The command line as text (no terminator). */
export function commandText(name: CommandName, args: readonly string[]): string {
  return [name, ...args].join(' ');
}

/**
 * Masks the secret arguments of SKSETPWD / SKSETRBID anywhere in a text (a command we send, its
 * echo, or an echo glued behind garbage), so no log level ever shows them (§3.5).
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/(SKSETPWD +[0-9A-Fa-f]{1,2} +)[^\r\n]*/g, '$1********')
    .replace(/(SKSETPWD +)(?![0-9A-Fa-f]{1,2} +)[^\r\n]+/g, '$1********')
    .replace(/(SKSETRBID +)[^\r\n]*/g, '$1********');
}

/** Channel mask → number of channels scanned: bit 0 = channel 33 … bit 27 = channel 60 (§3.6). */
export function channelCount(mask: number): number {
  let n = 0;
  for (let bit = 0; bit < 28; bit++) if ((mask >>> bit) & 1) n++;
  return n;
}

/** Scan dwell: 9.6 ms × (2^D + 1) per channel (§3.6); plus a margin for OK and EVENT 22. */
export function scanTimeoutMs(duration: number, mask: number, marginMs = 5_000): number {
  return Math.ceil(9.6 * (2 ** duration + 1) * Math.max(1, channelCount(mask))) + marginMs;
}

/**
 * `value` in upper-case hex, zero-padded to `digits` characters, as SKSTACK commands take numbers (§3).
 */
export function hex(value: number, digits: number): string {
  return value.toString(16).toUpperCase().padStart(digits, '0');
}
