/**
 * What a meter session (session.ts) is given and what its requests end in: the options, the
 * failures the session machine reports (no answer, no session, interrupted, held, recovery), a
 * reading's outcome, and the shape of one request that the session runs under its machine.
 */
import type { Logger } from '../log/logger.js';
import type { EnergyFallback } from '../meter/energy-fallback.js';
import type { Reading } from '../meter/reading.js';
import type { RecoveryContext } from './session-recovery.js';
import type { MeterAddress, SessionClient } from './session-link.js';

/** How a request under the session machine ended without an answer. */
export type SessionFailure = { ok: false; detail: string; reason: 'no-answer' | 'no-session' | 'interrupted' | 'held' | 'recovery' };

export type ReadingOutcome = { ok: true; reading: Reading } | SessionFailure;

export interface Tries {
  timeoutMs: number;
  retries: number;
}

/**
 * One request to the meter (a reading's Get, or one half of a history SetC/Get pair): waits while
 * sends are held until `holdUntil` (epoch ms) or `signal`; `tries` overrides the configured ones.
 */
export type Attempt<T extends { ok: true }> = (holdUntil: number, signal?: AbortSignal, tries?: Tries) => Promise<T | SessionFailure>;

export interface MeterSessionOptions {
  client: SessionClient;
  meter: MeterAddress;
  creds: { id: string; password: string };
  logger: Logger;
  timeouts: { joinMs: number; responseMs: number };
  retries: { join: number; request: number };
  scan: RecoveryContext['scan'];
  scanFile?: string;
  /** Closes the port and opens it again (the last recovery step); resolves with the new client. */
  reopen?: () => Promise<SessionClient>;
  /** Records from the meter's own INF/INFC notifications. */
  onNotification?: (reading: Reading) => void;
  now?: () => Date;
  /** The user's --unit/--coefficient/--digits for what the meter leaves out of D3/D7/E1. */
  energyFallback?: EnergyFallback;
  /** SIGINT/SIGTERM: cuts the join's backoff waits short. */
  signal?: AbortSignal;
  /** First join backoff after EVENT 24 (doubles per retry). */
  joinBackoffMs?: number;
}
