/**
 * The meter session: one PANA session with the meter, driven by the link-health machine
 * (machine.ts) with the stick's events, running requests (the exchange layer's Requester,
 * src/echonet/exchange/) under it and carrying out the recovery steps it asks for (recovery.ts).
 * Use cases compose it: poll's reader (src/poll/reader.ts) turns Get answers and notifications
 * into records; history (src/history/exchange.ts) runs SetC/Get pairs with `exchange`; both can
 * share one joined session (`bmeter serve` backfills history between readings).
 *
 * Session reuse: a stick keeps its PANA session after bmeter exits. When its S2/S3 registers still
 * name the scan file's channel and PAN, the first request is sent on that session; only FAIL ER10,
 * EVENT 21 01 or no answer within a short wait (`keptSessionProbeMs`) lead to a join.
 */
import type { EchonetFrame, EchonetProperty } from '../echonet/frame.js';
import { classifyDatagram, infcResponse } from '../echonet/exchange/match.js';
import { Requester, type RequestResult } from '../echonet/exchange/requester.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import { Waitress } from '../time/waitress.js';
import type { Attempt, MeterSessionOptions, RequestWhen, SessionFailure, SessionTiming } from './options.js';
import { asRequestResult } from './outcomes.js';
import { recoveryStep } from './recovery.js';
import { joinMeter, sessionMayBeKept, terminateSession, type MeterAddress, type SessionClient, type SessionDatagram, type SessionEvent } from './link.js';
import { canSend, initialSessionState, transition, type RecoveryStep, type SessionInput, type SessionState, type Transition } from './machine.js';

export type { Attempt, MeterSessionOptions, ReadingOutcome, RequestWhen, SessionFailure, SessionTiming, Tries } from './options.js';
export { failedNotThrown } from './outcomes.js';

/** The meter's INF/INFC notifications, as the session hands them on (an INFC is answered by the listener). */
export type NotificationListener = (frame: EchonetFrame, needsReply: boolean) => void;

/** One PANA session with the meter under the link-health machine; see the file comment. */
export class MeterSession {
  private state: SessionState = initialSessionState('up');
  private client: SessionClient;
  private meter: MeterAddress;
  private readonly requester: Requester;
  /** The clock every wait of the session runs on. */
  readonly clock: Clock;
  private joining = false;
  private closing = false;
  private reauthTimer: TimerHandle | undefined;
  private readonly changes: Waitress<'changed'>;
  private notificationListener: NotificationListener | undefined;
  private meterChangeListener: (() => void) | undefined;

  constructor(private readonly o: MeterSessionOptions) {
    this.client = o.client;
    this.meter = o.meter;
    this.clock = o.clock;
    this.changes = new Waitress<'changed'>(o.clock);
    this.requester = new Requester(this.client, () => this.meter.ipv6, o.logger, o.clock);
    this.attach(this.client);
  }

  /** The link-health state (phase, TX limit, ladder rung). */
  get sessionState(): SessionState {
    return this.state;
  }

  /** The meter in use (it changes when a full rescan found it elsewhere). */
  get currentMeter(): MeterAddress {
    return this.meter;
  }

  /** The client in use (it changes when the port is reopened). */
  get currentClient(): SessionClient {
    return this.client;
  }

  /** Receives the meter's INF/INFC (EPC sets EA/EB …); without a listener an INFC is still answered. */
  onNotification(listener: NotificationListener): void {
    this.notificationListener = listener;
  }

  /** Called after recovery found another meter (its D3/D7/E1 must be asked again). */
  onMeterChange(listener: () => void): void {
    this.meterChangeListener = listener;
  }

  /** Sends a frame that needs no answer (INFC_Res). */
  send(frame: EchonetFrame): Promise<void> {
    return this.requester.send(frame);
  }

  /** The session's timings and attempt counts (the timing table's session rows). */
  get timing(): SessionTiming {
    return this.o.timing;
  }

  /**
   * One request with its tries, not under the machine: the building block of an `Attempt`. While
   * sends are held (EVENT 29 → 25, EVENT 32 → 33) its tries wait, until `when.holdUntil` (epoch ms)
   * at most, or `when.signal`; a link that went down ends it as `interrupted`. With `abortable`
   * (default true) the signal also ends an answer wait or a pause between tries.
   */
  request(esv: number, properties: readonly EchonetProperty[], when: RequestWhen): Promise<RequestResult> {
    const t = this.o.timing;
    const { holdUntil, signal } = when;
    return this.requester.request(esv, properties, {
      ...(when.tries ?? { timeoutMs: t.responseMs, retries: t.requestRetries }),
      sendFailedPauseMs: t.sendFailedPauseMs,
      neighbourWaitMs: t.neighbourWaitMs,
      maxSolicitations: t.neighbourSolicitations,
      ...(signal !== undefined && when.abortable !== false && { signal }),
      sendable: () => canSend(this.state),
      waitSendable: async () => {
        while (!canSend(this.state)) {
          if (this.state.phase === 'down' || this.closing) return false;
          if (!(await this.waitForStateChange(holdUntil - this.clock.now(), signal))) return false;
        }
        return true;
      },
    });
  }

  /**
   * One exchange under the session machine (history's SetC/Get, or any request): sends, or
   * recovers first (rejoin, rescan, reopen), or waits while sends are held until `holdUntil`
   * (epoch ms) or `signal`. A failed recovery reads as `no-session`, a hold past its deadline as
   * `interrupted`.
   */
  async exchange(esv: number, properties: readonly EchonetProperty[], holdUntil: number, signal?: AbortSignal): Promise<RequestResult> {
    return asRequestResult(await this.run(this.sender(esv, properties), holdUntil, signal));
  }

  /** The first exchange of a process, as `start` runs it (join failures throw: AUTH → exit 4). */
  async startExchange(esv: number, properties: readonly EchonetProperty[], reuse: boolean): Promise<RequestResult & { joined: boolean }> {
    const { joined, ...result } = await this.start(this.sender(esv, properties), reuse);
    return { ...asRequestResult(result), joined };
  }

  /**
   * The first request of a process: on the kept session when that is safe (see the file comment),
   * else after SKJOIN. Join failures throw (AUTH → exit 4, TIMEOUT).
   */
  async start<T extends { ok: true }>(attempt: Attempt<T>, reuse: boolean): Promise<(T | SessionFailure) & { joined: boolean }> {
    if (reuse && (await sessionMayBeKept(this.client, this.meter, this.o.logger))) {
      this.o.logger.debug('trying the PANA session the stick kept from an earlier run');
      const probe = await attempt(this.clock.now(), undefined, {
        timeoutMs: Math.min(this.o.timing.keptSessionProbeMs, this.o.timing.responseMs),
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
    const outcome = await attempt(this.clock.now() + this.o.timing.joinMs);
    this.feedOutcome(outcome);
    return { ...outcome, joined: true };
  }

  /** One request under the state machine: reads, or recovers first, or waits while sends are held. */
  async run<T extends { ok: true }>(attempt: Attempt<T>, holdUntil: number, signal?: AbortSignal): Promise<T | SessionFailure> {
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
          const detail = (err as Error).message;
          this.feed({ type: 'recovery-failed', step: decision.step, detail });
          return { ok: false, reason: 'recovery', detail: `recovery (${decision.step}) failed: ${detail}` };
        }
        continue;
      }
      const changed = await this.waitForStateChange(holdUntil - this.clock.now(), signal);
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
        joinMs: this.o.timing.joinMs,
        retries: this.o.timing.joinRetries,
        logger: this.o.logger,
        clock: this.clock,
        backoffMs: this.o.timing.joinBackoffMs,
      });
    } finally {
      this.joining = false;
    }
  }

  /** Stops timers and ends every wait; with `terminate`, ends the PANA session (SKTERM, §3.11) first. */
  async close(options: { terminate: boolean }): Promise<void> {
    this.clearReauthTimer();
    this.closing = true;
    this.changes.close();
    if (options.terminate) await terminateSession(this.client, this.o.logger);
  }

  private sender(esv: number, properties: readonly EchonetProperty[]): Attempt<Extract<RequestResult, { ok: true }>> {
    return (holdUntil, signal, tries) =>
      this.request(esv, properties, { holdUntil, ...(signal !== undefined && { signal }), ...(tries !== undefined && { tries }) });
  }

  private feedOutcome(outcome: { ok: true } | SessionFailure): void {
    if (outcome.ok) this.feed({ type: 'reading-ok' });
    else if (outcome.reason === 'no-session' || outcome.reason === 'no-answer') {
      this.feed({ type: 'reading-failed', reason: outcome.reason, detail: outcome.detail });
    } else if (outcome.reason === 'interrupted' && this.state.phase !== 'down') {
      this.feed({ type: 'reading-failed', reason: 'held', detail: outcome.detail });
    }
  }

  private async recover(step: RecoveryStep): Promise<void> {
    const found = await recoveryStep(
      step,
      {
        client: this.client,
        meter: this.meter,
        creds: this.o.creds,
        logger: this.o.logger,
        scan: this.o.scan,
        now: () => new Date(this.clock.now()),
        ...(this.o.scanFile !== undefined && { scanFile: this.o.scanFile }),
      },
      this.o.reopen,
    );
    if (found.client !== this.client) {
      this.client = found.client;
      this.requester.useClient(this.client);
      this.attach(this.client);
    }
    if (found.meter.macAddress !== this.meter.macAddress) this.meterChangeListener?.();
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
    else if (incoming.kind === 'notification') this.onMeterNotification(incoming.frame, incoming.needsReply);
    else this.o.logger.debug({ reason: incoming.reason }, 'ignored ERXUDP');
  }

  private onMeterNotification(frame: EchonetFrame, needsReply: boolean): void {
    if (this.notificationListener !== undefined) return this.notificationListener(frame, needsReply);
    if (needsReply) {
      this.send(infcResponse(frame)).catch((err: unknown) => this.o.logger.debug({ err: (err as Error).message }, 'sending INFC_Res failed'));
    }
  }

  private feed(input: SessionInput): Transition {
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
      this.changes.resolveAll('changed');
    }
    return t;
  }

  private armReauthTimer(): void {
    this.clearReauthTimer();
    this.reauthTimer = this.clock.setTimeout(() => this.feed({ type: 'reauth-timeout' }), this.o.timing.joinMs);
  }

  private clearReauthTimer(): void {
    if (this.reauthTimer !== undefined) this.clock.clearTimeout(this.reauthTimer);
    this.reauthTimer = undefined;
  }

  /** Resolves true when the phase or TX limit changes, false after `ms`, on abort or on close. */
  private async waitForStateChange(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closing || ms <= 0 || signal?.aborted === true) return false;
    const r = await this.changes.waitFor(() => true, ms, signal).start().promise;
    return r.ok && !this.closing;
  }
}
