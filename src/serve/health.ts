/**
 * The reader's health as `/healthz` and the `status` server-sent event report it: the session
 * state and the age of the last reading. `recovering` covers every state in which the session
 * cannot send (link down, re-authenticating, ARIB limit) and the wait before a restart of the
 * session after a stick fault; `joining` is the time before the first answer of a session.
 */
import type { Clock } from '../time/clock.js';
import type { SessionState } from '../session/machine.js';

export type ServeState = 'up' | 'joining' | 'recovering' | 'stopped';

export interface HealthStatus {
  state: ServeState;
  /** Seconds since the last committed reading (0.1 s resolution), null before the first. */
  last_reading_age_s: number | null;
}

/** Unhealthy after this many intervals without a reading. */
export const UNHEALTHY_INTERVALS = 3;

/** Tracks the session and the last reading for /healthz and the status event (times from the clock). */
export class Health {
  private lastReadingMs: number | undefined;
  private session: { readonly sessionState: SessionState } | undefined;
  private answered = false;
  private phase: 'running' | 'restarting' | 'stopped' = 'running';

  constructor(
    private readonly clock: Clock,
    /** The reading interval (ms): /healthz turns 503 after 3 of them without a reading. */
    readonly intervalMs: number,
  ) {}

  /** A new session exists (first start or a restart after a stick fault). */
  watch(session: { readonly sessionState: SessionState }): void {
    this.session = session;
    this.answered = false;
    this.phase = 'running';
  }

  /** A reading was committed at `ms`. */
  reading(ms: number): void {
    this.lastReadingMs = ms;
    this.answered = true;
  }

  /** The meter answered (a reading or a backfill exchange): the session is up. */
  answeredOnce(): void {
    this.answered = true;
  }

  restarting(): void {
    this.phase = 'restarting';
  }

  stopped(): void {
    this.phase = 'stopped';
  }

  get lastReadingAt(): number | undefined {
    return this.lastReadingMs;
  }

  status(): HealthStatus {
    const age =
      this.lastReadingMs === undefined
        ? null
        : Math.max(0, Math.round((this.clock.now() - this.lastReadingMs) / 100) / 10);
    return { state: this.state(), last_reading_age_s: age };
  }

  /** False when no reading came for UNHEALTHY_INTERVALS intervals (or none since start after that long). */
  healthy(startedMs: number): boolean {
    const since = this.lastReadingMs ?? startedMs;
    return this.phase !== 'stopped' && this.clock.now() - since <= UNHEALTHY_INTERVALS * this.intervalMs;
  }

  private state(): ServeState {
    if (this.phase === 'stopped') return 'stopped';
    if (this.phase === 'restarting') return 'recovering';
    if (this.session === undefined || !this.answered) return 'joining';
    const s = this.session.sessionState;
    return s.phase === 'up' && !s.txLimited ? 'up' : 'recovering';
  }
}
