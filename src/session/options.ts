/**
 * What a meter session (meter-session.ts) is given and what its requests end in: the options, the
 * failures the session machine reports (no answer, no session, interrupted, held, recovery), a
 * reading's outcome, and the shape of one request that the session runs under its machine.
 */
import type { RecoveryStep } from './ladder.js';
import type { ExchangeFailure } from '../echonet/exchange/machine.js';
import type { EchonetFrame } from '../echonet/frame.js';
import type { Logger } from '../log/logger.js';
import type { Reading } from '../meter/reading.js';
import type { Clock } from '../time/clock.js';
import type { MeterAddress, SessionClient } from './link.js';

/**
 * How a request under the session machine ended without an answer: the exchange's own failures
 * (machine.ts) plus the session's: `held` (sends held by EVENT 29/32 past the deadline) and
 * `recovery` (a recovery step failed).
 */
export type SessionFailureReason = ExchangeFailure | 'held' | 'recovery';

/** A request under the session machine that got no answer, with a message for the log. */
export type SessionFailure = { ok: false; detail: string; reason: SessionFailureReason };

/** One reading: the record, or why there is none. */
export type ReadingOutcome = { ok: true; reading: Reading } | SessionFailure;

/** Answer wait per try (ms) and extra tries after the first. */
export interface Tries {
  timeoutMs: number;
  retries: number;
}

/**
 * When a request may go out and how long it may wait (MeterSession.request). There is no signal
 * here: every wait of a session ends on the session's own stop signal (MeterSessionOptions.signal).
 */
export interface RequestWhen {
  /** Sends held by EVENT 29/32 wait until this instant (epoch ms) at most. */
  holdUntil: number;
  /** Overrides the configured answer wait and tries (the kept-session probe). */
  tries?: Tries;
}

/**
 * One request to the meter (a reading's Get, or one half of a history SetC/Get pair): waits while
 * sends are held until `holdUntil` (epoch ms) or the session's stop signal; `tries` overrides the
 * configured ones.
 */
export type Attempt<T extends { ok: true }> = (holdUntil: number, tries?: Tries) => Promise<T | SessionFailure>;

/** The session's timings (ms) and attempt counts: the session part of the timing table (src/config/timing.ts). */
export interface SessionTiming {
  joinMs: number;
  responseMs: number;
  /** Extra SKJOIN attempts after the first. */
  joinRetries: number;
  /** Extra tries of a request after the first. */
  requestRetries: number;
  /** EVENT 21 02 per request before each further one counts as a try. */
  neighbourSolicitations: number;
  /** First backoff after a failed SKJOIN (doubles per retry). */
  joinBackoffMs: number;
  /** A Get on a session the stick kept is given this long before bmeter joins instead. */
  keptSessionProbeMs: number;
  /** Pause after EVENT 21 01 before the next try. */
  sendFailedPauseMs: number;
  /** Wait for EVENT 02 after EVENT 21 02 before resending anyway. */
  neighbourWaitMs: number;
  /** SKTERM when a run stopped by SIGINT/SIGTERM ends its session, before the port is closed anyway. */
  stopTerminateMs: number;
}

/** The scans of the recovery ladder: durations of the full rescan, its margin (ms), the known channel's durations. */
export interface ScanSettings {
  minDuration: number;
  maxDuration: number;
  marginMs: number;
  channelDurations: readonly number[];
}

/** Everything a meter session is built from (port.ts builds it from a run's options). */
export interface MeterSessionOptions {
  client: SessionClient;
  meter: MeterAddress;
  creds: { id: string; password: string };
  logger: Logger;
  clock: Clock;
  timing: SessionTiming;
  scan: ScanSettings;
  scanFile?: string;
  /** Closes the port and opens it again (the last recovery step); resolves with the new client. */
  reopen?: () => Promise<SessionClient>;
  /**
   * SIGINT/SIGTERM, the run's stop: every wait of the session ends on it within moments — a request's
   * answer wait, its pauses and held sends, SKJOIN and its backoff, each recovery step (scans, the
   * port reopen with its drain) — and a stick command left running is not waited for.
   */
  signal?: AbortSignal;
  /** Told before each recovery step is carried out (metrics count them). */
  onRecovery?: (step: RecoveryStep) => void;
}

/** The meter's INF/INFC notifications, as the session hands them on (an INFC is answered by the listener). */
export type NotificationListener = (frame: EchonetFrame, needsReply: boolean) => void;
