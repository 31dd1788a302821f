/**
 * What a failed first join of a run comes to, for every command that joins (poll one-shot and interval, serve
 * through poll, history). SKJOIN ends in EVENT 24 (docs/protocol.md §3.8) both when the meter refuses the
 * credentials and when the PANA exchange goes unanswered because the meter moved to another channel or PAN (the
 * scan file is stale). One scan of every channel (§3.6) tells them apart: found elsewhere, the scan file is
 * rewritten (or, when it must not or cannot be, left as it was with a warning: recovery.ts recordMove) and the
 * first exchange is tried there at once; found where it was, the credentials were refused;
 * found nowhere, the meter is out of reach. The caller decides only whether to retry later (an interval run) or
 * to end with the failure (a one-shot run).
 */
import { BmeterError, ERROR_CODES, isBmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { credentialsRefusedMessage, meterUnreachableMessage, movedMeterRefusedMessage } from '../skstack/operations.js';
import type { MeterSession } from './meter-session.js';

/**
 * A failed first join, settled: `joined` with the retry's result (the meter moved and the join on its new channel
 * or PAN worked), or the failure to act on (after EVENT 24 and a scan that found no meter, an AUTH saying so), with
 * whether a later join may get past it (`retriable`: a meter no
 * scan found, or a timeout, a busy or lost stick; never bad settings or credentials).
 */
export type SettledFirstJoin<T> = { joined: true; value: T } | { joined: false; failure: unknown; retriable: boolean };

/** Where one scan of every channel found the meter after EVENT 24. */
type MeterWhereabouts = 'moved' | 'same' | 'absent';

/**
 * Settles `err`, the failure of a run's first join on `session`. EVENT 24 (BmeterError AUTH) leads to one scan of
 * every channel (MeterSession.rescan); when the meter answers elsewhere, `retry` (the run's first exchange again,
 * without the kept session) is called once and its result returned. Any other error is returned as the failure.
 *
 * Throws AUTH with credentialsRefusedMessage when the scan found the meter where the scan file says; AUTH with
 * movedMeterRefusedMessage when the retry is refused on the new channel too (the credentials); anything the
 * retry throws after `signal`; the scan's
 * errors other than NO_METER (CLOSED when stopped by `signal`, the stick's PORT/TIMEOUT).
 */
export async function settleFirstJoin<T>(
  session: Pick<MeterSession, 'rescan' | 'currentMeter'>,
  err: unknown,
  retry: () => Promise<T>,
  o: { logger: Logger; signal?: AbortSignal },
): Promise<SettledFirstJoin<T>> {
  if (!isBmeterError(err, 'AUTH')) return { joined: false, failure: err, retriable: retriableJoinFailure(err) };
  const where = await locateMeter(session, o.logger);
  if (where === 'same') throw new BmeterError('AUTH', credentialsRefusedMessage(session.currentMeter.ipv6));
  if (where === 'absent') {
    const failure = new BmeterError('AUTH', meterUnreachableMessage(session.currentMeter.ipv6), { cause: err });
    return { joined: false, failure, retriable: true };
  }
  try {
    return { joined: true, value: await retry() };
  } catch (again) {
    if (isBmeterError(again, 'AUTH')) {
      const { ipv6, channel, panId } = session.currentMeter;
      throw new BmeterError('AUTH', movedMeterRefusedMessage(ipv6, channel, panId), { cause: again });
    }
    if (o.signal?.aborted === true) throw again;
    return { joined: false, failure: again, retriable: retriableJoinFailure(again) };
  }
}

/**
 * Scans every channel for the meter after EVENT 24 (the scan file is rewritten when it moved): 'moved' (the next
 * join goes to its new channel/PAN), 'same' or 'absent' (no scan found it). Throws the scan's other errors.
 */
async function locateMeter(session: Pick<MeterSession, 'rescan'>, logger: Logger): Promise<MeterWhereabouts> {
  logger.warn('the meter refused the join (EVENT 24): scanning all channels in case it moved');
  try {
    return (await session.rescan()) ? 'moved' : 'same';
  } catch (scanErr) {
    if (isBmeterError(scanErr, 'NO_METER')) return 'absent';
    throw scanErr;
  }
}

/** A join failure a later recovery can fix (timeouts, a busy or lost stick), not AUTH or a bad setting. */
function retriableJoinFailure(err: unknown): boolean {
  if (!(err instanceof BmeterError)) return false;
  const kind = ERROR_CODES[err.code];
  return kind === 'runtime' || kind === 'port';
}
