/**
 * The driver of the link-health machine (machine.ts): holds its state, feeds it inputs, carries
 * out its timer actions (the EVENT 25 wait after EVENT 29, on the injected clock) and its log
 * lines, and tells waiters when sending became possible or impossible. I/O stays with the session.
 */
import type { Logger } from '../log/logger.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { Waitress } from '../time/waitress.js';
import {
  canSend,
  initialSessionState,
  transition,
  type SessionInput,
  type SessionState,
  type Transition,
} from './machine.js';

/** The link-health state of one session, with waits for its changes. */
export class LinkHealth {
  private current: SessionState = initialSessionState('up');
  private reauthTimer: TimerHandle | undefined;
  private readonly changes: Waitress<'changed'>;
  private closed = false;

  /**
   * @param reauthMs how long EVENT 25 may take after EVENT 29 before the session rejoins (ms)
   * @param stoppedSending called when sending just became impossible (the request in flight is interrupted)
   */
  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly reauthMs: number,
    private readonly stoppedSending: () => void,
  ) {
    this.changes = new Waitress<'changed'>(clock);
  }

  /** The machine's state now. */
  get state(): SessionState {
    return this.current;
  }

  /** Whether a send may go out now (up, no TX limit). */
  get sendable(): boolean {
    return canSend(this.current);
  }

  /** Starts over as a fresh session (after a join). */
  reset(): void {
    this.current = initialSessionState('up');
  }

  /** Feeds one input; logs, arms or cancels the timer, wakes waiters on a change of phase or TX limit. */
  feed(input: SessionInput): Transition {
    const before = this.current;
    const t = transition(this.current, input);
    this.current = t.state;
    for (const action of t.actions) {
      if (action.type === 'log') this.logger[action.level](action.message);
      else if (action.type === 'arm-reauth-timer') this.armReauthTimer();
      else if (action.type === 'cancel-reauth-timer') this.clearReauthTimer();
    }
    if (before.phase !== t.state.phase || before.txLimited !== t.state.txLimited) {
      if (canSend(before) && !canSend(t.state)) this.stoppedSending();
      this.changes.resolveAll('changed');
    }
    return t;
  }

  /** Resolves true when the phase or TX limit changes, false after `ms`, on abort or on close. */
  async waitForChange(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closed || ms <= 0 || signal?.aborted === true) return false;
    const r = await this.changes.waitFor(() => true, ms, signal).start().promise;
    return r.ok && !this.closed;
  }

  /** Stops the timer and ends every wait. */
  close(): void {
    this.closed = true;
    this.clearReauthTimer();
    this.changes.close();
  }

  private armReauthTimer(): void {
    this.clearReauthTimer();
    this.reauthTimer = this.clock.setTimeout(() => this.feed({ type: 'reauth-timeout' }), this.reauthMs);
  }

  private clearReauthTimer(): void {
    if (this.reauthTimer !== undefined) this.clock.clearTimeout(this.reauthTimer);
    this.reauthTimer = undefined;
  }
}
