/**
 * How the outcome of a request under the session reads to its caller: a stick fault during a
 * send as a failed request (so it climbs the recovery ladder), a session failure as one of the
 * exchange's own failures (src/echonet/exchange/machine.ts).
 */
import type { RequestResult } from '../echonet/exchange/requester.js';
import { BmeterError, ERROR_CODES } from '../errors.js';
import type { Attempt, SessionFailure } from './options.js';

/**
 * A stick that fails the send itself (SKSENDTO without OK: a hung stick; the port closed: an
 * unplugged one) fails the request instead of ending the run, so repeated failures climb the
 * ladder up to the port reopen, as a meter that does not answer does.
 */
export function failedNotThrown<T extends { ok: true }>(attempt: Attempt<T>): Attempt<T> {
  return async (holdUntil, tries) => {
    try {
      return await attempt(holdUntil, tries);
    } catch (err) {
      const kind = err instanceof BmeterError ? ERROR_CODES[err.code] : undefined;
      if (kind !== 'runtime' && kind !== 'port') throw err;
      return { ok: false, reason: 'no-answer', detail: (err as BmeterError).message };
    }
  };
}

/**
 * An exchange gone wrong as a request result: a failed recovery is no session, a hold past its
 * deadline an interruption.
 */
export function asRequestResult(outcome: Extract<RequestResult, { ok: true }> | SessionFailure): RequestResult {
  if (outcome.ok) return outcome;
  if (outcome.reason === 'recovery') return { ...outcome, reason: 'no-session' };
  if (outcome.reason === 'held') return { ...outcome, reason: 'interrupted' };
  return { ...outcome, reason: outcome.reason };
}
