/**
 * The poll session (session.ts) with raw request/answer exchanges, for `bmeter history`: the
 * history pairs are SetC E5 then Get E2/E4, SetC ED then Get EC, SetC EF then Get EE (PROTOCOL.md
 * §7, §9). Same join / kept-session reuse, same waiting while sends are held (EVENT 29, 32) and
 * the same recovery steps as a poll — only the request and its answer are not a Reading.
 */
import type { EchonetProperty } from '../echonet/frame.js';
import type { RequestResult } from '../echonet/exchange/requester.js';
import { MeterSession, type Attempt, type SessionFailure } from '../session/meter-session.js';

type Answered = Extract<RequestResult, { ok: true }>;

export class HistorySession extends MeterSession {
  /**
   * The first exchange of a process: on the kept PANA session when the stick's registers say it
   * may still be there, else after SKJOIN (join failures throw: AUTH → exit 4).
   */
  async startExchange(esv: number, properties: readonly EchonetProperty[], reuse: boolean): Promise<RequestResult & { joined: boolean }> {
    const { joined, ...result } = await this.startWith(this.sender(esv, properties), reuse);
    return { ...asRequestResult(result), joined };
  }

  /**
   * One exchange under the session machine: sends, or recovers first (rejoin, rescan, reopen),
   * or waits while sends are held until `holdUntil` (epoch ms) or `signal`.
   */
  async exchange(esv: number, properties: readonly EchonetProperty[], holdUntil: number, signal?: AbortSignal): Promise<RequestResult> {
    return asRequestResult(await this.underMachine(this.sender(esv, properties), holdUntil, signal));
  }

  private sender(esv: number, properties: readonly EchonetProperty[]): Attempt<Answered> {
    return (holdUntil, signal, tries) =>
      this.requester.request(esv, properties, {
        ...this.requestOptions(holdUntil, signal, tries),
        ...(signal !== undefined && { signal }),
      });
  }
}

/** An exchange gone wrong as a request result: a failed recovery is no session, a hold that outlasted its deadline an interruption. */
function asRequestResult(outcome: Answered | SessionFailure): RequestResult {
  if (outcome.ok) return outcome;
  if (outcome.reason === 'recovery') return { ...outcome, reason: 'no-session' };
  if (outcome.reason === 'held') return { ...outcome, reason: 'interrupted' };
  return { ...outcome, reason: outcome.reason };
}
