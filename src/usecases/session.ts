/**
 * The poll session: drives session-machine.ts with the stick's events, sends one Get per reading
 * (reader-request.ts), turns answers and the meter's own notifications into records
 * (reader-record.ts), and carries out the recovery steps the machine asks for.
 *
 * Session reuse (issue "fast cron polls"): a stick keeps its PANA session after bmeter exits.
 * When its S2/S3 registers still name the scan file's channel and PAN, the first Get is sent on
 * that session; only FAIL ER10, EVENT 21 01 or no answer within a short wait lead to a join.
 */
import type { Logger } from '../log/logger.js';
import type { EnergyContext } from '../meter/properties.js';
import type { Reading } from '../meter/reading.js';
import { classifyDatagram } from './reader-match.js';
import { NotificationCapture } from './reader-notify.js';
import {
  assembleReading,
  contextKnown,
  epcName,
  missingMessage,
  requestEpcs,
  updateContext,
} from './reader-record.js';
import { Requester, type RequestResult } from './reader-request.js';
import { ChangeWaiters } from './session-waiters.js';
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

export type ReadingOutcome =
  | { ok: true; reading: Reading }
  | { ok: false; detail: string; reason?: 'no-answer' | 'no-session' | 'interrupted' | 'held' | 'recovery' };

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
  /** First join backoff after EVENT 24 (doubles per retry). */
  joinBackoffMs?: number;
}

/** A Get on a kept session is given this long before bmeter joins instead. */
export const KEPT_SESSION_PROBE_MS = 4000;

/** Members used by subclasses are protected (history-session.ts, issue #5). */
export class MeterSession {
  protected state: SessionState = initialSessionState('up');
  protected client: SessionClient;
  protected meter: MeterAddress;
  private ctx: EnergyContext | undefined;
  protected readonly requester: Requester;
  private joining = false;
  protected closing = false;
  private reauthTimer: NodeJS.Timeout | undefined;
  private readonly stateWaiters = new ChangeWaiters();
  private readonly notifications: NotificationCapture;
  private warnedMissing = new Set<string>();
  private readonly now: () => Date;

  constructor(protected readonly o: MeterSessionOptions) {
    this.client = o.client;
    this.meter = o.meter;
    this.now = o.now ?? (() => new Date());
    this.requester = new Requester(this.client, () => this.meter.ipv6, o.logger);
    this.notifications = new NotificationCapture({
      send: (frame) => this.requester.send(frame),
      context: () => this.ctx,
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
    if (reuse && (await sessionMayBeKept(this.client, this.meter, this.o.logger))) {
      this.o.logger.debug('trying the PANA session the stick kept from an earlier run');
      const probe = await this.read(requested, Date.now(), undefined, {
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
    const outcome = await this.read(requested, Date.now() + this.o.timeouts.joinMs);
    this.feedOutcome(outcome);
    return { ...outcome, joined: true };
  }

  /**
   * One scheduled reading under the state machine: reads, or recovers first, or waits while
   * sends are held (EVENT 29 / 32) until `holdUntil` (epoch ms) or `signal`.
   */
  async poll(requested: readonly number[], holdUntil: number, signal?: AbortSignal): Promise<ReadingOutcome> {
    let recovered = false;
    for (;;) {
      const t = this.feed({ type: 'poll-due' });
      const decision = t.actions.find((a) => a.type === 'read' || a.type === 'recover' || a.type === 'hold');
      if (decision === undefined || decision.type === 'read') {
        const outcome = await this.read(requested, holdUntil, signal);
        this.feedOutcome(outcome);
        // A session event took the link down under the reading (EVENT 26 …): recover and read
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
   * One Get for a reading. While the session cannot send (EVENT 29 → 25, EVENT 32 → 33) the
   * tries wait, until `holdUntil` at most; a link that went down ends the reading as interrupted.
   */
  private async read(
    requested: readonly number[],
    holdUntil: number,
    signal?: AbortSignal,
    tries?: { timeoutMs: number; retries: number },
  ): Promise<ReadingOutcome> {
    const epcs = requestEpcs(requested, !contextKnown(this.ctx));
    const result: RequestResult = await this.requester.get(epcs, {
      ...(tries ?? { timeoutMs: this.o.timeouts.responseMs, retries: this.o.retries.request }),
      sendable: () => canSend(this.state),
      waitSendable: async () => {
        while (!canSend(this.state)) {
          if (this.state.phase === 'down' || this.closing) return false;
          if (!(await this.waitForStateChange(holdUntil - Date.now(), signal))) return false;
        }
        return true;
      },
    });
    if (!result.ok) return { ok: false, reason: result.reason, detail: result.detail };
    const update = updateContext(this.ctx, result.frame);
    if (update.answered) {
      this.ctx = update.ctx;
      this.o.logger.debug({ ctx: this.ctx, missing: update.missing.map(epcName) }, 'energy context (D3 coefficient, D7 digits, E1 unit)');
      if (update.missing.includes(0xe1)) this.o.logger.warn('the meter did not give its energy unit (E1): kWh values stay empty');
      this.notifications.flush();
    }
    const assembled = assembleReading(result.frame, requested, this.ctx ?? {}, this.now(), 'poll');
    if (assembled.missing.length > 0) {
      const key = assembled.missing.join(',');
      const level = this.warnedMissing.has(key) ? 'debug' : 'warn';
      this.warnedMissing.add(key);
      this.o.logger[level](missingMessage(assembled.missing, assembled.partial));
    }
    return { ok: true, reading: assembled.reading };
  }

  protected feedOutcome(outcome: ReadingOutcome): void {
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
    if (found.meter.macAddress !== this.meter.macAddress) this.ctx = undefined; // another meter: ask D3/D7/E1 again
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
