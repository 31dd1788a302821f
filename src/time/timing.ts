/**
 * The timing table: every delay, timeout and attempt count of bmeter in one place, each with its
 * default, its range, its unit and where the value comes from. The config schema
 * (src/config/schema.ts) builds its `timeouts` and `retries` sections from this table, so each
 * entry can be set in the config file (config.example.json documents them); the layers below
 * (transport/, skstack/, echonet/exchange/, session/) take the resolved values as arguments and
 * use these defaults only when called without them (tests, tools).
 */

/** One row of the table. */
export interface TimingEntry {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly unit: 'ms' | 'attempts';
  /** What waits this long, and the protocol section or field fact the default comes from. */
  readonly source: string;
}

/** Timeouts and delays (milliseconds): config section `timeouts`. */
export const TIMEOUTS = {
  commandMs: {
    default: 5000,
    min: 100,
    max: 60_000,
    unit: 'ms',
    source: 'status line (OK/FAIL) of a local stick command: SKSREG, SKSETPWD … (docs/protocol.md §3)',
  },
  skverMs: {
    default: 2000,
    min: 100,
    max: 60_000,
    unit: 'ms',
    source: 'SKVER at start-up; no answer = not a SKSTACK IP stick (§6 step 2)',
  },
  sendToMs: { default: 5000, min: 100, max: 60_000, unit: 'ms', source: 'SKSENDTO until OK and its EVENT 21 (§3.10)' },
  terminateMs: {
    default: 3000,
    min: 100,
    max: 60_000,
    unit: 'ms',
    source: 'EVENT 27/28 after the OK of SKTERM (§3.11)',
  },
  stopTerminateMs: {
    default: 1500,
    min: 0,
    max: 60_000,
    unit: 'ms',
    source:
      'SKTERM at the end of a run stopped by SIGINT/SIGTERM, before the port is closed anyway (README: a stop ' +
      'takes about two seconds; the stick ends the session itself once it has the command, §3.11)',
  },
  joinMs: {
    default: 40_000,
    min: 1000,
    max: 300_000,
    unit: 'ms',
    source: 'SKJOIN until EVENT 25/24; PANA retransmissions take up to ~38 s (§3.8)',
  },
  responseMs: {
    default: 10_000,
    min: 100,
    max: 120_000,
    unit: 'ms',
    source: "the meter's answer to one ECHONET Lite request (§7)",
  },
  drainMs: {
    default: 150,
    min: 0,
    max: 10_000,
    unit: 'ms',
    source: 'longest drain of old stick output after the opening CRLF (§6 step 1)',
  },
  drainQuietMs: {
    default: 40,
    min: 0,
    max: 10_000,
    unit: 'ms',
    source: "the drain ends once the line is quiet this long (above an FTDI adapter's 16 ms latency timer)",
  },
  keptSessionProbeMs: {
    default: 4000,
    min: 100,
    max: 120_000,
    unit: 'ms',
    source: 'first Get on the PANA session the stick kept, before joining instead (§3.8)',
  },
  neighbourWaitMs: {
    default: 2000,
    min: 0,
    max: 60_000,
    unit: 'ms',
    source: 'wait for EVENT 02 after EVENT 21 02 (neighbour solicitation) before resending (§3.10)',
  },
  sendFailedPauseMs: {
    default: 1000,
    min: 0,
    max: 60_000,
    unit: 'ms',
    source: 'pause after EVENT 21 01 (UDP send failed) before the next try (§3.10)',
  },
  joinBackoffMs: {
    default: 1000,
    min: 0,
    max: 60_000,
    unit: 'ms',
    source: 'first backoff after a failed SKJOIN; doubles per retry',
  },
  tcpConnectMs: {
    default: 5000,
    min: 100,
    max: 60_000,
    unit: 'ms',
    source: 'TCP connect to a tcp:// bridge (ser2net, socat)',
  },
  serialRetryMs: {
    default: 250,
    min: 10,
    max: 10_000,
    unit: 'ms',
    source: 'between tries to open a serial port another process holds (--wait-port)',
  },
} as const satisfies Record<string, TimingEntry>;

/** Attempt counts: config section `retries`. */
export const RETRIES = {
  join: {
    default: 3,
    min: 0,
    max: 20,
    unit: 'attempts',
    source: 'SKJOIN attempts after the first before giving up (EVENT 24 → exit 4)',
  },
  request: {
    default: 2,
    min: 0,
    max: 20,
    unit: 'attempts',
    source: 'resends of an unanswered request before it counts as failed (§7)',
  },
  neighbourSolicitations: {
    default: 3,
    min: 0,
    max: 20,
    unit: 'attempts',
    source: 'EVENT 21 02 per request before each further one counts as a try (§3.10)',
  },
} as const satisfies Record<string, TimingEntry>;

export type TimeoutName = keyof typeof TIMEOUTS;
export type RetryName = keyof typeof RETRIES;

/** Resolved timeouts (ms), one per row of TIMEOUTS. */
export type Timeouts = { [K in TimeoutName]: number };
/** Resolved attempt counts, one per row of RETRIES. */
export type Retries = { [K in RetryName]: number };

/** The table's defaults as values. */
export function defaultsOf<T extends Record<string, TimingEntry>>(table: T): { [K in keyof T]: number } {
  return Object.fromEntries(Object.entries(table).map(([k, e]) => [k, e.default])) as { [K in keyof T]: number };
}

/** Every timeout at its default. */
export const DEFAULT_TIMEOUTS: Timeouts = defaultsOf(TIMEOUTS);
/** Every attempt count at its default. */
export const DEFAULT_RETRIES: Retries = defaultsOf(RETRIES);

/**
 * SKSCAN durations tried on the known channel in recovery: one channel takes 9.6 ms × (2^d + 1),
 * ≈ 1.2 s at d 7 (§3.6).
 */
export const DEFAULT_CHANNEL_SCAN_DURATIONS: readonly number[] = [6, 7, 8];
