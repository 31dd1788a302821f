/**
 * The meter session: one PANA session with the meter, driven by the link-health machine
 * (machine.ts) with the stick's events, running requests (the exchange layer's Requester,
 * src/echonet/exchange/) under it and carrying out the recovery steps it asks for (recovery.ts).
 * Use cases compose it: poll's reader (src/poll/reader.ts) makes records; history
 * (src/history/exchange.ts) runs SetC/Get pairs with `exchange`; `bmeter serve` shares one session.
 *
 * Stopping: the stop signal (SIGINT/SIGTERM, MeterSessionOptions.signal) is the one signal of every wait
 * the session makes (answers, pauses, held sends, joins, probes, recovery steps): none can do without it.
 *
 * Session reuse: a stick keeps its PANA session after bmeter exits. When its S2/S3 registers still
 * name the scan file's channel and PAN, the first request is sent on that session; only FAIL ER10,
 * EVENT 21 01 or no answer within a short wait (`keptSessionProbeMs`) lead to a join.
 */
import { BmeterError, ERROR_CODES } from '../errors.js';
import type { EchonetFrame, EchonetProperty } from '../echonet/frame.js';
import { Requester, type RequestResult } from '../echonet/exchange/requester.js';
import type { Clock } from '../time/clock.js';
import type {
  Attempt,
  MeterSessionOptions,
  NotificationListener,
  RequestWhen,
  SessionFailure,
  SessionTiming,
} from './options.js';
import { asRequestResult } from './outcomes.js';
import { fullRescan, recoveryContext, recoveryStep, sessionJoinOptions } from './recovery.js';
import { attachInbox } from './inbox.js';
import { joinMeter, sessionMayBeKept, terminateSession, type MeterAddress, type SessionClient } from './link.js';
import { LinkHealth } from './link-health.js';
import type { RecoveryStep, SessionState } from './machine.js';

/** One PANA session with the meter under the link-health machine; see the file comment. */
export class MeterSession {
  private readonly health: LinkHealth;
  private client: SessionClient;
  private meter: MeterAddress;
  private readonly requester: Requester;
  /** The clock every wait of the session runs on. */
  readonly clock: Clock;
  private joining = false;
  private closing = false;
  /** A recovery step runs (its own port reopen closes the old client on purpose). */
  private recovering = false;
  private notificationListener: NotificationListener | undefined;
  private meterChangeListener: (() => void) | undefined;

  constructor(private readonly o: MeterSessionOptions) {
    this.client = o.client;
    this.meter = o.meter;
    this.clock = o.clock;
    this.requester = new Requester(this.client, () => this.meter.ipv6, o.logger, o.clock);
    this.health = new LinkHealth(o.clock, o.logger, o.timing.joinMs, () => this.requester.interrupt());
    this.attach(this.client);
  }

  /** The link-health state (phase, TX limit, ladder rung). */
  get sessionState(): SessionState {
    return this.health.state;
  }

  /** The meter in use (it changes when a full rescan found it elsewhere). */
  get currentMeter(): MeterAddress {
    return this.meter;
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
   * at most; a link that went down ends it as `interrupted`, and so does the stop signal, at once.
   */
  request(esv: number, properties: readonly EchonetProperty[], when: RequestWhen): Promise<RequestResult> {
    const t = this.o.timing;
    const { holdUntil } = when;
    const signal = this.o.signal;
    return this.requester.request(esv, properties, {
      ...(when.tries ?? { timeoutMs: t.responseMs, retries: t.requestRetries }),
      sendFailedPauseMs: t.sendFailedPauseMs,
      neighbourWaitMs: t.neighbourWaitMs,
      maxSolicitations: t.neighbourSolicitations,
      ...(signal !== undefined && { signal }),
      sendable: () => this.health.sendable,
      waitSendable: async () => {
        while (!this.health.sendable) {
          if (this.health.state.phase === 'down' || this.closing) return false;
          if (!(await this.health.waitForChange(holdUntil - this.clock.now(), signal))) return false;
        }
        return true;
      },
    });
  }

  /**
   * One exchange under the session machine (history's SetC/Get, or any request): sends, or
   * recovers first (rejoin, rescan, reopen), or waits while sends are held until `holdUntil`
   * (epoch ms). A failed recovery reads as `no-session`, a hold past its deadline or the stop
   * signal as `interrupted`.
   */
  async exchange(esv: number, properties: readonly EchonetProperty[], holdUntil: number): Promise<RequestResult> {
    return asRequestResult(await this.run(this.sender(esv, properties), holdUntil));
  }

  /** The first exchange of a process, as `start` runs it (join failures throw: AUTH → exit 4). */
  async startExchange(
    esv: number,
    properties: readonly EchonetProperty[],
    reuse: boolean,
  ): Promise<RequestResult & { joined: boolean }> {
    const { joined, ...result } = await this.start(this.sender(esv, properties), reuse);
    return { ...asRequestResult(result), joined };
  }

  /**
   * The first request of a process: on the kept session when that is safe (see the file comment),
   * else after SKJOIN. Join failures throw (AUTH → exit 4, TIMEOUT; CLOSED when stopped). Stopped
   * during the probe of the kept session, it ends with the probe's failure: no SKJOIN after a signal.
   */
  async start<T extends { ok: true }>(
    attempt: Attempt<T>,
    reuse: boolean,
  ): Promise<(T | SessionFailure) & { joined: boolean }> {
    if (reuse && (await sessionMayBeKept(this.client, this.meter, this.o.logger, this.o.signal))) {
      this.o.logger.debug('trying the PANA session the stick kept from an earlier run');
      const probe = await attempt(this.clock.now(), {
        timeoutMs: Math.min(this.o.timing.keptSessionProbeMs, this.o.timing.responseMs),
        retries: 0,
      });
      if (probe.ok) {
        this.o.logger.info('read on the kept PANA session (no SKJOIN needed)');
        this.health.feed({ type: 'reading-ok' });
        return { ...probe, joined: false };
      }
      if (this.stopped) return { ...probe, joined: false };
      this.o.logger.info(`the kept PANA session is not usable (${probe.detail}); joining`);
    }
    await this.join();
    this.health.reset();
    const outcome = await attempt(this.clock.now() + this.o.timing.joinMs);
    this.feedOutcome(outcome);
    return { ...outcome, joined: true };
  }

  /**
   * One request under the state machine: reads, or recovers first, or waits while sends are held
   * (until `holdUntil`, epoch ms). The stop signal ends any of these as `interrupted`.
   */
  async run<T extends { ok: true }>(attempt: Attempt<T>, holdUntil: number): Promise<T | SessionFailure> {
    let recovered = false;
    for (;;) {
      const t = this.health.feed({ type: 'poll-due' });
      const decision = t.actions.find((a) => a.type === 'read' || a.type === 'recover' || a.type === 'hold');
      if (decision === undefined || decision.type === 'read') {
        const outcome = await attempt(holdUntil);
        this.feedOutcome(outcome);
        // A session event took the link down under the request (EVENT 26 …), or the stick said it
        // has no session (FAIL ER10): recover and send again in the same slot, so it is not lost.
        const lostLink = !outcome.ok && (outcome.reason === 'interrupted' || outcome.reason === 'no-session');
        if (lostLink && !recovered && !this.stopped && this.health.state.phase === 'down') continue;
        return outcome;
      }
      if (decision.type === 'recover') {
        if (recovered) return { ok: false, reason: 'recovery', detail: 'recovery did not bring the session back' };
        recovered = true;
        this.o.onRecovery?.(decision.step);
        try {
          this.recovering = true;
          await this.recover(decision.step);
          this.health.feed({ type: 'recovery-ok', step: decision.step });
        } catch (err) {
          // Bad settings end the run; EVENT 24 here may be a meter out of reach: the ladder goes on.
          if (err instanceof BmeterError && ERROR_CODES[err.code] === 'usage') throw err;
          const detail = (err as Error).message;
          if (this.stopped)
            return { ok: false, reason: 'interrupted', detail: `recovery (${decision.step}): ${detail}` };
          this.health.feed({ type: 'recovery-failed', step: decision.step, detail });
          return { ok: false, reason: 'recovery', detail: `recovery (${decision.step}) failed: ${detail}` };
        } finally {
          this.recovering = false;
        }
        continue;
      }
      const changed = await this.health.waitForChange(holdUntil - this.clock.now(), this.o.signal);
      if (!changed) {
        const detail =
          decision.reason === 'tx-limited'
            ? 'ARIB transmission limit (EVENT 32) still active'
            : 'still re-authenticating (EVENT 29)';
        this.health.feed({ type: 'reading-failed', reason: 'held', detail });
        return { ok: false, reason: 'held', detail };
      }
    }
  }

  /** SKJOIN with the scan file's channel and PAN (throws AUTH / TIMEOUT after the retries). */
  async join(): Promise<void> {
    this.joining = true;
    try {
      await joinMeter(this.client, this.meter, sessionJoinOptions(this.o));
    } finally {
      this.joining = false;
    }
  }

  /**
   * Scans all channels for the meter (fullRescan: the scan file rewritten when it moved) for the next join; true
   * when it moved. Throws NO_METER when no scan finds it, CLOSED when stopped.
   */
  async rescan(): Promise<boolean> {
    const found = await fullRescan(recoveryContext(this.o, this.client, this.meter));
    if (found.meter.macAddress !== this.meter.macAddress) this.meterChangeListener?.();
    this.meter = found.meter;
    return found.changed;
  }

  /** Takes the link as lost (a failed first SKJOIN of an interval run): the next request climbs the ladder. */
  linkLost(detail: string): void {
    this.health.feed({ type: 'reading-failed', reason: 'no-session', detail });
  }

  /**
   * Stops timers and ends every wait; with `terminate`, ends the PANA session (SKTERM, §3.11) first,
   * unless the link is down (a recovery the signal cut short may have left SKJOIN or SKSCAN to the
   * stick). After the stop signal, SKTERM is given `stopTerminateMs` at most.
   */
  async close(options: { terminate: boolean }): Promise<void> {
    this.closing = true;
    this.health.close();
    if (!options.terminate || this.health.state.phase === 'down') return;
    const stop = this.stopped ? { clock: this.clock, ms: this.o.timing.stopTerminateMs } : undefined;
    await terminateSession(this.client, this.o.logger, stop);
  }

  /** Whether the run's stop signal (SIGINT/SIGTERM) came. */
  private get stopped(): boolean {
    return this.o.signal?.aborted === true;
  }

  private sender(esv: number, properties: readonly EchonetProperty[]): Attempt<Extract<RequestResult, { ok: true }>> {
    return (holdUntil, tries) => this.request(esv, properties, { holdUntil, ...(tries !== undefined && { tries }) });
  }

  /** Tells the machine how a request ended; one cut short by the stop signal says nothing about the link. */
  private feedOutcome(outcome: { ok: true } | SessionFailure): void {
    if (outcome.ok) this.health.feed({ type: 'reading-ok' });
    else if (this.stopped) return;
    else if (outcome.reason === 'no-session' || outcome.reason === 'no-answer') {
      this.health.feed({ type: 'reading-failed', reason: outcome.reason, detail: outcome.detail });
    } else if (outcome.reason === 'interrupted' && this.health.state.phase !== 'down') {
      this.health.feed({ type: 'reading-failed', reason: 'held', detail: outcome.detail });
    }
  }

  private async recover(step: RecoveryStep): Promise<void> {
    const found = await recoveryStep(step, recoveryContext(this.o, this.client, this.meter), this.o.reopen);
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
    attachInbox(client, () => this.client, {
      requester: this.requester,
      logger: this.o.logger,
      joining: () => this.joining,
      closing: () => this.closing,
      event: (num) => this.health.feed({ type: 'event', num }),
      listener: () => this.notificationListener,
      send: (frame) => this.send(frame),
      closed: () => {
        if (!this.closing && !this.recovering) this.health.feed({ type: 'port-closed' });
      },
    });
  }
}
