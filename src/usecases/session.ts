/**
 * The poll session: drives session-machine.ts with the stick's events, sends one Get per reading
 * (reader-request.ts), turns answers and the meter's own notifications into records
 * (reader-context.ts, reader-notify.ts), and carries out the recovery steps the machine asks for.
 * The hold / recover / retry loop takes the request to make as a function, so history's SetC/Get
 * exchanges (history-session.ts) run under the same loop as a poll's Get.
 *
 * Session reuse (issue "fast cron polls"): a stick keeps its PANA session after bmeter exits.
 * When its S2/S3 registers still name the scan file's channel and PAN, the first Get is sent on
 * that session; only FAIL ER10, EVENT 21 01 or no answer within a short wait lead to a join.
 */
import { pause } from './pause.js';
import { BmeterError, ERROR_CODES } from '../errors.js';
import { ReadingContext } from './reader-context.js';
import { classifyDatagram } from './reader-match.js';
import { NotificationCapture } from './reader-notify.js';
import { Requester, type RequestOptions } from './reader-request.js';
import { ChangeWaiters } from './session-waiters.js';
import type { Attempt, MeterSessionOptions, ReadingOutcome, SessionFailure, Tries } from './session-options.js';
import { recoveryStep, type RecoveryContext } from './session-recovery.js';
import {
  joinMeter,
  sessionMayBeKept,
  terminateSession,
  type MeterAddress,
  type SessionClient,
  type SessionDatagram,
  type SessionEvent,
} from './session-link.js';
import { canSend, initialSessionState, transition, type RecoveryStep, type SessionInput, type SessionState, type Transition } from './session-machine.js';

export type { Attempt, MeterSessionOptions, ReadingOutcome, SessionFailure, Tries } from './session-options.js';

/**
 * A stick that fails the send itself (SKSENDTO without OK: a hung stick; the port closed: an
 * unplugged one) fails the reading instead of ending the run, so repeated failures climb the
 * ladder up to the port reopen, as a meter that does not answer does.
 */
function failedNotThrown<T extends { ok: true }>(attempt: Attempt<T>): Attempt<T> {
  return async (holdUntil, signal, tries) => {
    try {
      return await attempt(holdUntil, signal, tries);
    } catch (err) {
      const kind = err instanceof BmeterError ? ERROR_CODES[err.code] : undefined;
      if (kind !== 'runtime' && kind !== 'port') throw err;
      return { ok: false, reason: 'no-answer', detail: (err as BmeterError).message };
    }
  };
}

/** A Get on a kept session is given this long before bmeter joins instead. */
export const KEPT_SESSION_PROBE_MS = 4000;

/** Members used by subclasses are protected (history-session.ts, issue #5). */
export class MeterSession {
  protected state: SessionState = initialSessionState('up');
  protected client: SessionClient;
  protected meter: MeterAddress;
  private readonly readings: ReadingContext;
  protected readonly requester: Requester;
  private joining = false;
  protected closing = false;
  private reauthTimer: NodeJS.Timeout | undefined;
  private readonly stateWaiters = new ChangeWaiters();
  private readonly notifications: NotificationCapture;
  private readonly now: () => Date;

  constructor(protected readonly o: MeterSessionOptions) {
    this.client = o.client;
    this.meter = o.meter;
    this.now = o.now ?? (() => new Date());
    this.requester = new Requester(this.client, () => this.meter.ipv6, o.logger);
    this.readings = new ReadingContext(o.logger, this.now, () => this.notifications.flush(), o.energyFallback);
    this.notifications = new NotificationCapture({
      send: (frame) => this.requester.send(frame),
      context: () => this.readings.energy,
      logger: o.logger,
      now: this.now,
      ...(o.onNotification !== undefined && { emit: o.onNotification }),
    });
    this.attach(this.client);
  }

  get sessionState(): SessionState {
    return this.state;
  }

  /**
   * The first reading of a process: on the kept session when that is safe (see the file
   * comment), else after SKJOIN. Join failures throw (AUTH → exit 4).
   */
  async start(requested: readonly number[], reuse: boolean): Promise<ReadingOutcome & { joined: boolean }> {
    return this.startWith(this.reader(requested), reuse);
  }

  /**
   * One scheduled reading under the state machine: reads, or recovers first, or waits while
   * sends are held (EVENT 29 / 32) until `holdUntil` (epoch ms) or `signal`.
   */
  async poll(requested: readonly number[], holdUntil: number, signal?: AbortSignal): Promise<ReadingOutcome> {
    return this.underMachine(failedNotThrown(this.reader(requested)), holdUntil, signal);
  }

  /** The first request of a process, as `start` does it for a reading. */
  protected async startWith<T extends { ok: true }>(attempt: Attempt<T>, reuse: boolean): Promise<(T | SessionFailure) & { joined: boolean }> {
    if (reuse && (await sessionMayBeKept(this.client, this.meter, this.o.logger))) {
      this.o.logger.debug('trying the PANA session the stick kept from an earlier run');
      const probe = await attempt(Date.now(), undefined, {
        timeoutMs: Math.min(KEPT_SESSION_PROBE_MS, this.o.timeouts.responseMs),
        retries: 0,
      });
      if (probe.ok) {
        this.o.logger.info('read on the kept PANA session (no SKJOIN needed)');
        this.feed({ type: 'reading-ok' });
        return { ...probe, joined: false };
      }
      this.o.logger.info(`the kept PANA session is not usable (${probe.detail}); joining`);
    }
    await this.join();
    this.state = initialSessionState('up');
    const outcome = await attempt(Date.now() + this.o.timeouts.joinMs);
    this.feedOutcome(outcome);
    return { ...outcome, joined: true };
  }

  /** One request under the state machine, as `poll` does it for a reading. */
  protected async underMachine<T extends { ok: true }>(attempt: Attempt<T>, holdUntil: number, signal?: AbortSignal): Promise<T | SessionFailure> {
    let recovered = false;
    for (;;) {
      const t = this.feed({ type: 'poll-due' });
      const decision = t.actions.find((a) => a.type === 'read' || a.type === 'recover' || a.type === 'hold');
      if (decision === undefined || decision.type === 'read') {
        const outcome = await attempt(holdUntil, signal);
        this.feedOutcome(outcome);
        // A session event took the link down under the request (EVENT 26 …): recover and send
        // again in the same slot, so the reading is not lost.
        if (!outcome.ok && outcome.reason === 'interrupted' && !recovered && this.state.phase === 'down') continue;
        return outcome;
      }
      if (decision.type === 'recover') {
        if (recovered) return { ok: false, reason: 'recovery', detail: 'recovery did not bring the session back' };
        recovered = true;
        try {
          await this.recover(decision.step);
          this.feed({ type: 'recovery-ok', step: decision.step });
        } catch (err) {
          // A fault no retry can fix (bad settings) ends the run with its message; EVENT 24 here may be a
          // meter out of reach (an unanswered PANA exchange ends so too), so the ladder goes on.
          const kind = err instanceof BmeterError ? ERROR_CODES[err.code] : undefined;
          if (kind === 'usage') throw err;
          const detail = (err as Error).message;
          this.feed({ type: 'recovery-failed', step: decision.step, detail });
          return { ok: false, reason: 'recovery', detail: `recovery (${decision.step}) failed: ${detail}` };
        }
        continue;
      }
      const changed = await this.waitForStateChange(holdUntil - Date.now(), signal);
      if (!changed) {
        const detail = decision.reason === 'tx-limited' ? 'ARIB transmission limit (EVENT 32) still active' : 'still re-authenticating (EVENT 29)';
        this.feed({ type: 'reading-failed', reason: 'held', detail });
        return { ok: false, reason: 'held', detail };
      }
    }
  }

  /** SKJOIN with the scan file's channel and PAN (throws AUTH / TIMEOUT after the retries). */
  async join(): Promise<void> {
    this.joining = true;
    try {
      await joinMeter(this.client, this.meter, {
        creds: this.o.creds,
        joinMs: this.o.timeouts.joinMs,
        retries: this.o.retries.join,
        logger: this.o.logger,
        ...(this.o.joinBackoffMs !== undefined && { backoffMs: this.o.joinBackoffMs }),
        ...(this.o.signal !== undefined && { sleep: (ms: number) => pause(ms, this.o.signal) }),
      });
    } finally {
      this.joining = false;
    }
  }

  /** Stops timers; with `terminate`, ends the PANA session (SKTERM, §3.11) first. */
  async close(options: { terminate: boolean }): Promise<void> {
    this.clearReauthTimer();
    this.closing = true;
    this.stateWaiters.wake();
    if (options.terminate) await terminateSession(this.client, this.o.logger);
  }

  /** The client in use (it changes when the port is reopened). */
  get currentClient(): SessionClient {
    return this.client;
  }

  /**
   * The tries of one request. While the session cannot send (EVENT 29 → 25, EVENT 32 → 33) they
   * wait, until `holdUntil` at most; a link that went down ends the request as interrupted.
   */
  protected requestOptions(holdUntil: number, signal?: AbortSignal, tries?: Tries): RequestOptions {
    return {
      ...(tries ?? { timeoutMs: this.o.timeouts.responseMs, retries: this.o.retries.request }),
      // SIGINT/SIGTERM ends the wait for an answer too, not only the wait for sending.
      ...(signal !== undefined && { signal }),
      sendable: () => canSend(this.state),
      waitSendable: async () => {
        while (!canSend(this.state)) {
          if (this.state.phase === 'down' || this.closing) return false;
          if (!(await this.waitForStateChange(holdUntil - Date.now(), signal))) return false;
        }
        return true;
      },
    };
  }

  /** One Get for a reading. */
  private reader(requested: readonly number[]): Attempt<Extract<ReadingOutcome, { ok: true }>> {
    return async (holdUntil, signal, tries) => {
      const result = await this.requester.get(this.readings.epcsFor(requested), this.requestOptions(holdUntil, signal, tries));
      if (!result.ok) return { ok: false, reason: result.reason, detail: result.detail };
      return { ok: true, reading: this.readings.reading(result.frame, requested) };
    };
  }

  protected feedOutcome(outcome: { ok: true } | SessionFailure): void {
    if (outcome.ok) this.feed({ type: 'reading-ok' });
    else if (outcome.reason === 'no-session' || outcome.reason === 'no-answer') {
      this.feed({ type: 'reading-failed', reason: outcome.reason, detail: outcome.detail });
    } else if (outcome.reason === 'interrupted' && this.state.phase !== 'down') {
      this.feed({ type: 'reading-failed', reason: 'held', detail: outcome.detail });
    }
  }

  protected async recover(step: RecoveryStep): Promise<void> {
    const r: RecoveryContext = {
      client: this.client,
      meter: this.meter,
      creds: this.o.creds,
      logger: this.o.logger,
      scan: this.o.scan,
      now: this.now,
      ...(this.o.scanFile !== undefined && { scanFile: this.o.scanFile }),
    };
    const found = await recoveryStep(step, r, this.o.reopen);
    if (found.client !== this.client) {
      this.client = found.client;
      this.requester.useClient(this.client);
      this.attach(this.client);
    }
    if (found.meter.macAddress !== this.meter.macAddress) this.readings.forget(); // another meter: ask D3/D7/E1 again
    this.meter = found.meter;
    await this.join();
  }

  private attach(client: SessionClient): void {
    client.onNotification((line) => {
      if (client !== this.client) return; // a replaced client's late lines
      if (line.type === 'event') this.onEvent(line);
      else this.onDatagram(line);
    });
  }

  private onEvent(line: SessionEvent): void {
    if (line.num === 0x02) this.requester.neighbourAdvertised();
    if (line.num === 0x21 || line.num === 0x02) return; // handled per send (§3.10)
    if (this.joining && (line.num === 0x24 || line.num === 0x25)) return; // our own SKJOIN's outcome
    if (this.closing && (line.num === 0x27 || line.num === 0x28)) return; // our SKTERM
    this.o.logger.debug({ event: line.num.toString(16).toUpperCase() }, 'EVENT');
    this.feed({ type: 'event', num: line.num });
  }

  private onDatagram(line: SessionDatagram): void {
    const incoming = classifyDatagram(line, this.requester.inFlight);
    if (incoming.kind === 'response') this.requester.deliver(incoming.frame);
    else if (incoming.kind === 'notification') this.notifications.handle(incoming.frame, incoming.needsReply);
    else this.o.logger.debug({ reason: incoming.reason }, 'ignored ERXUDP');
  }

  protected feed(input: SessionInput): Transition {
    const before = this.state;
    const t = transition(this.state, input);
    this.state = t.state;
    for (const action of t.actions) {
      if (action.type === 'log') this.o.logger[action.level](action.message);
      else if (action.type === 'arm-reauth-timer') this.armReauthTimer();
      else if (action.type === 'cancel-reauth-timer') this.clearReauthTimer();
    }
    if (before.phase !== t.state.phase || before.txLimited !== t.state.txLimited) {
      if (canSend(before) && !canSend(t.state)) this.requester.interrupt();
      this.stateWaiters.wake();
    }
    return t;
  }

  private armReauthTimer(): void {
    this.clearReauthTimer();
    this.reauthTimer = setTimeout(() => this.feed({ type: 'reauth-timeout' }), this.o.timeouts.joinMs);
    this.reauthTimer.unref();
  }

  private clearReauthTimer(): void {
    if (this.reauthTimer !== undefined) clearTimeout(this.reauthTimer);
    this.reauthTimer = undefined;
  }

  /** Resolves true when the phase or TX limit changes, false after `ms`, on abort or on close. */
  protected async waitForStateChange(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closing) return false;
    return (await this.stateWaiters.wait(ms, signal)) && !this.closing;
  }
}
