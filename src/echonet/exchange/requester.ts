/**
 * One ECHONET Lite request to the meter and its answer (PROTOCOL.md §3.10, §7): the driver of the
 * pure request machine (machine.ts). It writes SKSENDTO with a new TID per try, registers the wait
 * for the answer before the write (the waitress pattern, DESIGN.md §3, src/time/waitress.ts) and
 * feeds the machine what happened: EVENT 21 00/01/02, FAIL ER10, the answer, a timeout, EVENT 02,
 * a session event that made sending impossible, the caller's abort signal.
 */
import { ECHONET_UDP_PORT, EOJ, ESV, esvName } from '../constants.js';
import { encodeFrame, type EchonetFrame, type EchonetProperty } from '../frame.js';
import { isBmeterError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { unlessAborted } from '../../time/abort.js';
import type { Clock } from '../../time/clock.js';
import { Waitress, type WaitResult } from '../../time/waitress.js';
import { hex4, type PendingGet } from './match.js';
import {
  exchangeTransition,
  initialExchangeState,
  type ExchangeAction,
  type ExchangeConfig,
  type ExchangeFailure,
  type ExchangeInput,
  type ExchangeResult,
} from './machine.js';

export type { ExchangeFailure } from './machine.js';

/** What the exchange needs from the stick client: SKSENDTO to the meter, resolving with EVENT 21's PARAM. */
export interface ExchangeLink {
  sendTo(ipv6: string, data: Buffer, options: { port: number }): Promise<{ param: number }>;
}

export type RequestResult =
  | { ok: true; frame: EchonetFrame; tries: number }
  /**
   * interrupted: sending became impossible (EVENT 26/29/32 …) and did not come back in time, or
   * `signal` was aborted.
   */
  | { ok: false; reason: ExchangeFailure; detail: string };

export interface RequestOptions {
  /** Wait for the answer to one try (ms). */
  timeoutMs: number;
  /** Extra tries after the first. */
  retries: number;
  signal?: AbortSignal;
  /** Whether a send may go out now (the session machine's view). */
  sendable?: () => boolean;
  /** Waits until sending is allowed again; false = give up (the request is interrupted). */
  waitSendable?: () => Promise<boolean>;
  /** Pause after EVENT 21 01 (ms, default 1000). */
  sendFailedPauseMs?: number;
  /** Wait for EVENT 02 after EVENT 21 02 before resending anyway (ms, default 2000). */
  neighbourWaitMs?: number;
  /** Neighbour solicitations tolerated per request before each counts as a try (default 3). */
  maxSolicitations?: number;
}

/** Every request goes to the meter's ECHONET Lite port, UDP 3610 (0x0E1A, §4.1). */
const TO_ECHONET = { port: ECHONET_UDP_PORT } as const;

/** Defaults of the per-request timings (the timing table, src/config/timing.ts, overrides them). */
export const EXCHANGE_DEFAULTS = { sendFailedPauseMs: 1000, neighbourWaitMs: 2000, maxSolicitations: 3 } as const;

/** Comma-separated upper-case EPCs, e.g. "E7,E8". */
export function epcList(epcs: readonly number[]): string {
  return epcs.map((e) => e.toString(16).toUpperCase().padStart(2, '0')).join(',');
}

/** The request in flight: its TIDs so far, its answer once come, and what it sends. */
interface Pending {
  tids: Set<number>;
  answer: EchonetFrame | undefined;
  esv: number;
  properties: readonly EchonetProperty[];
}

/** The frame of one try. */
function requestFrame(tid: number, p: Pending): EchonetFrame {
  return { tid, seoj: EOJ.controller, deoj: EOJ.meter, esv: p.esv, properties: [...p.properties] };
}

type RequestEvent = { kind: 'answer'; frame: EchonetFrame } | { kind: 'interrupt' } | { kind: 'neighbour' };

/**
 * Sends requests to the meter one at a time (TIDs count up from a random start, never 0) and
 * matches their answers by TID: the session hands matched responses to `deliver`, EVENT 02 to
 * `neighbourAdvertised`, and a session event that stops sending to `interrupt`.
 */
export class Requester {
  private tid: number;
  private pending: Pending | undefined;
  private readonly events: Waitress<RequestEvent>;

  constructor(
    private client: ExchangeLink,
    private readonly meterIpv6: () => string,
    private readonly logger: Logger,
    private readonly clock: Clock,
    firstTid = (Math.floor(Math.random() * 0xfff0) + 1) & 0xffff,
  ) {
    this.tid = firstTid;
    // An answer that comes while no wait is registered (during the write, a pause) is kept.
    this.events = new Waitress<RequestEvent>(clock, (event) => {
      if (event.kind === 'answer' && this.pending !== undefined) this.pending.answer ??= event.frame;
    });
  }

  /** After a port reopen the session talks to a new client. */
  useClient(client: ExchangeLink): void {
    this.client = client;
  }

  /** The request in flight, for the datagram classifier (match.ts). */
  get inFlight(): PendingGet | undefined {
    return this.pending;
  }

  /** Waits registered now (none between requests: a months-long poll leaves nothing behind). */
  get pendingWaits(): number {
    return this.events.pending;
  }

  /** Hands a matched answer to the request in flight. */
  deliver(frame: EchonetFrame): void {
    if (this.pending?.tids.has(frame.tid) === true) this.events.resolve({ kind: 'answer', frame });
  }

  /** EVENT 02 (neighbour advertisement received): the address is resolved, resend now. */
  neighbourAdvertised(): void {
    this.events.resolve({ kind: 'neighbour' });
  }

  /**
   * Ends the answer wait of the try in flight at once: the session can no longer answer it (the
   * stick reported EVENT 26/29/32 …). The try is not counted; the next waits until sending is allowed.
   */
  interrupt(): void {
    this.events.resolve({ kind: 'interrupt' });
  }

  /** The next TID (1 … 0xFFFF, wrapping past 0). */
  nextTid(): number {
    this.tid = (this.tid + 1) & 0xffff;
    if (this.tid === 0) this.tid = 1;
    return this.tid;
  }

  /** Sends a Get for `epcs` (one frame, OPC = epcs.length) until answered or out of tries. */
  async get(epcs: readonly number[], options: RequestOptions): Promise<RequestResult> {
    return this.request(
      ESV.Get,
      epcs.map((epc) => ({ epc, edt: Buffer.alloc(0) })),
      options,
    );
  }

  /**
   * Any request ESV (Get, or SetC E5/ED/EF for history, §7 and §9) with the tries and EVENT 21
   * rules of machine.ts; the answer is matched by TID (Get_Res/Get_SNA, Set_Res/SetC_SNA).
   * Throws only what the stick client throws other than FAIL ER10 (a closed port, a hung stick).
   */
  async request(esv: number, properties: readonly EchonetProperty[], options: RequestOptions): Promise<RequestResult> {
    const config: ExchangeConfig = {
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      sendFailedPauseMs: options.sendFailedPauseMs ?? EXCHANGE_DEFAULTS.sendFailedPauseMs,
      neighbourWaitMs: options.neighbourWaitMs ?? EXCHANGE_DEFAULTS.neighbourWaitMs,
      maxSolicitations: options.maxSolicitations ?? EXCHANGE_DEFAULTS.maxSolicitations,
    };
    const name = `${esvName(esv)} ${epcList(properties.map((p) => p.epc))}`;
    const sendable = options.sendable ?? (() => true);
    const pending: Pending = { tids: new Set<number>(), answer: undefined, esv, properties };
    this.pending = pending;
    let state = initialExchangeState();
    let tid = 0;
    try {
      let input: ExchangeInput =
        options.signal?.aborted === true ? { type: 'abort' } : { type: 'start', sendable: sendable() };
      for (;;) {
        const t = exchangeTransition(config, state, input);
        state = t.state;
        let next: ExchangeInput | undefined;
        for (const action of t.actions) {
          if (action.type === 'log') this.logger.debug({ tid: hex4(tid) }, action.message);
          else if (action.type === 'done') return this.result(action.result, pending.answer, name, config);
          else next = await this.perform(action, pending, options, sendable, (sent) => (tid = sent));
        }
        if (next === undefined) throw new Error(`request machine stalled in ${state.phase}`);
        input = pending.answer !== undefined ? { type: 'answer' } : next;
      }
    } finally {
      this.pending = undefined;
    }
  }

  /** Sends a frame that needs no answer (INFC_Res). */
  async send(frame: EchonetFrame): Promise<void> {
    await this.client.sendTo(this.meterIpv6(), encodeFrame(frame), TO_ECHONET);
  }

  private async perform(
    action: Exclude<ExchangeAction, { type: 'log' | 'done' }>,
    pending: Pending,
    options: RequestOptions,
    sendable: () => boolean,
    onTid: (tid: number) => void,
  ): Promise<ExchangeInput> {
    const { signal } = options;
    switch (action.type) {
      case 'send': {
        if (signal?.aborted === true) return { type: 'abort' };
        const tid = this.nextTid();
        onTid(tid);
        pending.tids.add(tid);
        this.logger.debug(
          { tid: hex4(tid), epcs: epcList(pending.properties.map((p) => p.epc)) },
          esvName(pending.esv),
        );
        try {
          // A stick slow to take SKSENDTO (a hung one: sendToMs) is not waited for after a signal.
          const sent = await unlessAborted(
            this.client.sendTo(this.meterIpv6(), encodeFrame(requestFrame(tid, pending)), TO_ECHONET),
            signal,
          );
          if ('aborted' in sent) return { type: 'abort' };
          return { type: 'sent', param: sent.value.param, sendable: sendable() };
        } catch (err) {
          if (isBmeterError(err, 'COMMAND_FAILED') && (err as { failCode?: string }).failCode === '10')
            return { type: 'refused' };
          throw err;
        }
      }
      case 'wait-answer': {
        const r = await this.wait((e) => e.kind === 'answer' || e.kind === 'interrupt', action.ms, signal);
        if (r.ok) return r.payload.kind === 'interrupt' ? { type: 'interrupted' } : { type: 'answer' };
        return r.end === 'aborted' ? { type: 'abort' } : { type: 'timeout', sendable: sendable() };
      }
      case 'pause': {
        const until = action.until;
        const r = await this.wait(
          (e) => e.kind === 'answer' || (until === 'neighbour' && e.kind === 'neighbour'),
          action.ms,
          signal,
        );
        if (r.ok && r.payload.kind === 'answer') return { type: 'answer' };
        return !r.ok && r.end === 'aborted' ? { type: 'abort' } : { type: 'resume', sendable: sendable() };
      }
      case 'wait-sendable': {
        if (sendable()) return { type: 'sendable', ok: true };
        const ok = await (options.waitSendable?.() ?? Promise.resolve(false));
        return signal?.aborted === true ? { type: 'abort' } : { type: 'sendable', ok };
      }
    }
  }

  private async wait(
    matches: (e: RequestEvent) => boolean,
    ms: number,
    signal?: AbortSignal,
  ): Promise<WaitResult<RequestEvent>> {
    if (this.pending?.answer !== undefined)
      return { ok: true, payload: { kind: 'answer', frame: this.pending.answer } };
    const result = await this.events.waitFor(matches, ms, signal).start().promise;
    if (result.ok && result.payload.kind === 'answer' && this.pending !== undefined)
      this.pending.answer ??= result.payload.frame;
    return result;
  }

  private result(
    result: ExchangeResult,
    answer: EchonetFrame | undefined,
    name: string,
    config: ExchangeConfig,
  ): RequestResult {
    if (result.ok && answer !== undefined) return { ok: true, frame: answer, tries: result.tries };
    if (result.ok) throw new Error('request machine ended without an answer');
    const detail = {
      'no-answer': `no answer to ${name} after ${result.tries} ${result.tries === 1 ? 'try' : 'tries'} of ${Math.round(config.timeoutMs / 100) / 10} s`,
      er10: 'SKSENDTO answered FAIL ER10',
      'send-failed': 'every SKSENDTO ended in EVENT 21 01 (send failed)',
      'cannot-send': 'the stick cannot send (session down, re-authenticating or TX-limited)',
      aborted: `${name.split(' ')[0] ?? name} stopped by a signal`,
    }[result.why];
    if (result.why === 'no-answer') this.logger.debug({ timeoutMs: config.timeoutMs }, `no answer to ${name}`);
    return { ok: false, reason: result.reason, detail };
  }
}
