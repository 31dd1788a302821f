/**
 * History's requests on a meter session (composition: the session is used, not extended). The
 * history pairs are SetC E5 then Get E2/E4, SetC ED then Get EC, SetC EF then Get EE (PROTOCOL.md
 * §7, §9); each request runs under the session machine (MeterSession.exchange): same join,
 * kept-session reuse, waiting while sends are held (EVENT 29, 32) and recovery as a poll.
 */
import type { EchonetFrame } from '../echonet/frame.js';
import { BmeterError, isBmeterError } from '../errors.js';
import type { MeterSession } from '../session/meter-session.js';

/** One request and its answer; throws NO_RESPONSE (no answer), CLOSED (stopped by the signal). */
export type Exchange = (esv: number, properties: { epc: number; edt: Buffer }[]) => Promise<EchonetFrame>;

/**
 * The exchanges of a history run on `session`: sends held by EVENT 29/32 wait up to the join
 * timeout; SIGINT/SIGTERM (the session's stop signal, `signal` here) ends the wait and the request
 * with BmeterError CLOSED.
 */
export function sessionExchange(session: MeterSession, signal: AbortSignal): Exchange {
  return async (esv, properties) => {
    const result = await session.exchange(esv, properties, session.clock.now() + session.timing.joinMs);
    if (!result.ok) {
      if (signal.aborted) throw new BmeterError('CLOSED', 'interrupted');
      throw new BmeterError('NO_RESPONSE', `no answer from the meter: ${result.detail}`);
    }
    return result.frame;
  };
}

/** An exchange cut short by SIGINT/SIGTERM: the run ends with what it wrote, as it does between days. */
export function stoppedBySignal(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted && isBmeterError(err, 'CLOSED');
}
