/**
 * One ECHONET Lite Get to the meter and its answer (PROTOCOL.md §3.10, §7): a new TID per try,
 * the waiter registered before SKSENDTO is written (the waitress pattern, DESIGN.md §3), EVENT 21
 * handled as §3.10 says: 00 sent → wait for the answer; 01 failed → try again; 02 = the stick did
 * neighbour solicitation instead of sending → wait for EVENT 02 (or a moment) and resend without
 * counting a try. FAIL ER10 means the stick has no PANA session: reported, not retried.
 */
import { EOJ, ESV, esvName } from '../constants.js';
import { encodeFrame, type EchonetFrame, type EchonetProperty } from '../frame.js';
import { isBmeterError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { pause } from '../../time/pause.js';
import { hex4, type PendingGet } from './match.js';
import type { SessionClient } from '../../session/link.js';

export type RequestResult =
  | { ok: true; frame: EchonetFrame; tries: number }
  /** interrupted: sending became impossible (EVENT 26/29/32 …) and did not come back in time, or `signal` was aborted. */
  | { ok: false; reason: 'no-answer' | 'no-session' | 'interrupted'; detail: string };

export interface RequestOptions {
  /** Wait for the answer to one try. */
  timeoutMs: number;
  /** Extra tries after the first. */
  retries: number;
  signal?: AbortSignal;
  /** Whether a send may go out now (the session machine's view). */
  sendable?: () => boolean;
  /** Waits until sending is allowed again; false = give up (the reading is interrupted). */
  waitSendable?: () => Promise<boolean>;
  /** Pause after EVENT 21 01 (default 1 s). */
  sendFailedPauseMs?: number;
  /** Wait for EVENT 02 after EVENT 21 02 before resending anyway (default 2 s). */
  neighbourWaitMs?: number;
}

/** Neighbour solicitations (EVENT 21 02) tolerated per reading before it counts as failed. */
const MAX_NEIGHBOUR_SOLICITATIONS = 3;
/** How long to wait for EVENT 02 after an EVENT 21 02 before resending anyway. */
const NEIGHBOUR_WAIT_MS = 2000;
/** Pause after EVENT 21 01 (send failed) before the next try. */
const SEND_FAILED_PAUSE_MS = 1000;

export function epcList(epcs: readonly number[]): string {
  return epcs.map((e) => e.toString(16).toUpperCase().padStart(2, '0')).join(',');
}

export class Requester {
  private tid: number;
  private pending: { tids: Set<number>; resolve: (frame: EchonetFrame) => void } | undefined;
  private neighbourWaiters: Array<() => void> = [];
  private interruptWait: (() => void) | undefined;

  constructor(
    private client: SessionClient,
    private readonly meterIpv6: () => string,
    private readonly logger: Logger,
    firstTid = (Math.floor(Math.random() * 0xfff0) + 1) & 0xffff,
  ) {
    this.tid = firstTid;
  }

  /** After a port reopen the session talks to a new client. */
  useClient(client: SessionClient): void {
    this.client = client;
  }

  /** The reading in flight, for the datagram classifier. */
  get inFlight(): PendingGet | undefined {
    return this.pending;
  }

  /** Hands the answer to the reading in flight (called by the session for a matched response). */
  deliver(frame: EchonetFrame): void {
    this.pending?.resolve(frame);
  }

  /** EVENT 02 (neighbour advertisement received): the address is resolved, resend now. */
  neighbourAdvertised(): void {
    const waiters = this.neighbourWaiters;
    this.neighbourWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * Ends the wait of the try in flight at once: the session can no longer answer it (the stick
   * reported EVENT 26/29/32 …). The try is not counted; the next one waits until sending is
   * allowed again.
   */
  interrupt(): void {
    this.interruptWait?.();
  }

  nextTid(): number {
    this.tid = (this.tid + 1) & 0xffff;
    if (this.tid === 0) this.tid = 1;
    return this.tid;
  }

  /** Sends a Get for `epcs` (one frame, OPC = epcs.length) until answered or out of tries. */
  async get(epcs: readonly number[], options: RequestOptions): Promise<RequestResult> {
    return this.request(ESV.Get, epcs.map((epc) => ({ epc, edt: Buffer.alloc(0) })), options);
  }

  /**
   * Any request ESV (Get, or SetC E5/ED/EF for history, §7 and §9) with the same tries and
   * EVENT 21 handling as a Get; the answer is matched by TID (Get_Res/Get_SNA, Set_Res/SetC_SNA).
   */
  async request(esv: number, properties: readonly EchonetProperty[], options: RequestOptions): Promise<RequestResult> {
    const epcs = properties.map((p) => p.epc);
    const name = esvName(esv);
    let answer: EchonetFrame | undefined;
    let wake: (() => void) | undefined;
    const tids = new Set<number>();
    this.pending = {
      tids,
      resolve: (frame) => {
        answer = frame;
        wake?.();
      },
    };
    let sendFailures = 0;
    let solicitations = 0;
    let tries = 0;
    try {
      const sendable = options.sendable ?? (() => true);
      while (tries <= options.retries && options.signal?.aborted !== true) {
        if (!sendable() && !(await (options.waitSendable?.() ?? Promise.resolve(false)))) {
          if (answer !== undefined) return { ok: true, frame: answer, tries };
          return { ok: false, reason: 'interrupted', detail: 'the stick cannot send (session down, re-authenticating or TX-limited)' };
        }
        const tid = this.nextTid();
        tids.add(tid);
        const frame: EchonetFrame = {
          tid,
          seoj: EOJ.controller,
          deoj: EOJ.meter,
          esv,
          properties: [...properties],
        };
        this.logger.debug({ tid: hex4(tid), epcs: epcList(epcs), try: tries + 1 }, name);
        let param: number;
        try {
          ({ param } = await this.client.sendTo(this.meterIpv6(), encodeFrame(frame)));
        } catch (err) {
          if (isBmeterError(err, 'COMMAND_FAILED') && (err as { failCode?: string }).failCode === '10') {
            return { ok: false, reason: 'no-session', detail: 'SKSENDTO answered FAIL ER10' };
          }
          throw err;
        }
        if (answer !== undefined) return { ok: true, frame: answer, tries: tries + 1 };
        if (param === 2) {
          // §3.10: neighbour solicitation was done instead of sending; not sent, so not a try.
          solicitations += 1;
          this.logger.debug({ tid: hex4(tid) }, 'EVENT 21 02: neighbour solicitation, resending after EVENT 02');
          if (solicitations > MAX_NEIGHBOUR_SOLICITATIONS) tries += 1;
          await this.waitNeighbour(options.neighbourWaitMs ?? NEIGHBOUR_WAIT_MS, options.signal);
          continue;
        }
        if (param === 1) {
          this.logger.debug({ tid: hex4(tid) }, 'EVENT 21 01: UDP send failed');
          if (!sendable()) continue; // EVENT 29/32 explain it: wait for sending to be allowed
          tries += 1;
          sendFailures += 1;
          await pause(options.sendFailedPauseMs ?? SEND_FAILED_PAUSE_MS, options.signal);
          continue;
        }
        tries += 1;
        let interrupted = false;
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            options.signal?.removeEventListener('abort', done);
            wake = undefined;
            this.interruptWait = undefined;
            resolve();
          };
          const timer = setTimeout(done, options.timeoutMs);
          wake = done;
          this.interruptWait = () => {
            interrupted = true;
            done();
          };
          options.signal?.addEventListener('abort', done, { once: true });
          if (answer !== undefined) done();
        });
        if (answer !== undefined) return { ok: true, frame: answer, tries };
        if (interrupted) {
          this.logger.debug({ tid: hex4(tid) }, 'Get interrupted by a session event; will resend');
          tries -= 1;
          continue;
        }
        this.logger.debug({ tid: hex4(tid), timeoutMs: options.timeoutMs }, `no answer to ${name}`);
      }
      if (answer !== undefined) return { ok: true, frame: answer, tries };
      if (options.signal?.aborted === true) return { ok: false, reason: 'interrupted', detail: `${name} stopped by a signal` };
      if (sendFailures > 0 && sendFailures === tries) {
        return { ok: false, reason: 'no-session', detail: `every SKSENDTO ended in EVENT 21 01 (send failed)` };
      }
      return {
        ok: false,
        reason: 'no-answer',
        detail: `no answer to ${name} ${epcList(epcs)} after ${tries} ${tries === 1 ? 'try' : 'tries'} of ${Math.round(options.timeoutMs / 100) / 10} s`,
      };
    } finally {
      this.pending = undefined;
    }
  }

  /** Sends a frame that needs no answer (INFC_Res). */
  async send(frame: EchonetFrame): Promise<void> {
    await this.client.sendTo(this.meterIpv6(), encodeFrame(frame));
  }

  /** Until EVENT 02, `ms` or abort; a waiter that timed out is dropped (a long poll must not pile them up). */
  private async waitNeighbour(ms: number, signal?: AbortSignal): Promise<void> {
    let waker: (() => void) | undefined;
    await pause(ms, signal, (wake) => {
      waker = wake;
      this.neighbourWaiters.push(wake);
    });
    this.neighbourWaiters = this.neighbourWaiters.filter((w) => w !== waker);
  }
}
