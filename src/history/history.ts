/**
 * `bmeter history`: backfill the meter's half-hour record (PROTOCOL.md §8 E2/E4/E5, §8.1, §9).
 * One Get of 9F/D3/D7/E1/98/97 first; then per day, oldest first, SetC E5 and Get E2 (+E4 when
 * 9F lists it) back to back (backfill.ts); records stream out day by day so output is
 * chronological. Recent detail (EC/ED, EE/EF/D0) is recent.ts. `runHistory` opens its own port
 * session (join or reuse the kept one; kept afterwards for the next cron run); `historyOnSession`
 * runs the same on a session that is already joined (`bmeter serve`, between readings).
 */
import { ESV } from '../echonet/constants.js';
import { BmeterError } from '../errors.js';
import type { RequestResult } from '../echonet/exchange/requester.js';
import { settleFirstJoin } from '../session/first-join.js';
import type { MeterSession } from '../session/meter-session.js';
import { openPortSession } from '../session/port.js';
import { backfill } from './backfill.js';
import { sessionExchange, stoppedBySignal } from './exchange.js';
import { FIRST_GET_EPCS, meterInfo } from './meter-info.js';
import type { HistoryOptions, HistoryRequest, HistorySummary } from './options.js';
import { runRecent } from './recent.js';

export type { HistoryOptions, HistoryRequest, HistorySummary } from './options.js';

const FIRST_GET = FIRST_GET_EPCS.map((epc) => ({ epc, edt: Buffer.alloc(0) }));

/**
 * Opens the port session, fetches, keeps the PANA session for the next run (§3.8). A first join refused with
 * EVENT 24 is settled as poll's is (session/first-join.ts): a meter that moved is found by a scan of every channel,
 * the scan file updated and the fetch made there; one found where it was ends the run with AUTH (exit 4: the
 * credentials), and so does one no scan finds. Throws NO_RESPONSE when the meter does not answer the first Get,
 * PORT/NOT_SKSTACK for the stick; a signal ends it quietly with what it wrote.
 */
export async function runHistory(o: HistoryOptions): Promise<HistorySummary> {
  const stopped: HistorySummary = { days: 0, records: 0, joined: false, reverse: false };
  // SIGINT/SIGTERM while waiting for a busy port, in the first SKJOIN or the scan after it: nothing written, exit 0.
  const unlessStopped = (err: unknown): undefined => {
    if (o.signal.aborted) return undefined;
    throw err;
  };
  const opened = await openPortSession(o).catch(unlessStopped);
  if (opened === undefined) return stopped;
  const { session, close } = opened;
  try {
    const start = (reuse: boolean): Promise<RequestResult & { joined: boolean }> =>
      session.startExchange(ESV.Get, FIRST_GET, reuse);
    const first = await start(o.reuseSession ?? true)
      .catch(async (err: unknown) => {
        if (o.signal.aborted) return undefined;
        // One run, like a one-shot poll: what the settling leaves is the run's error.
        const settled = await settleFirstJoin(session, err, () => start(false), o);
        if (settled.joined) return settled.value;
        throw settled.failure;
      })
      .catch(unlessStopped);
    if (first === undefined) return stopped;
    return { ...(await historyAfterFirst(session, o, first)), joined: first.joined };
  } finally {
    await close(false);
  }
}

/**
 * The same fetch on a session that is already joined (its first Get runs under the session
 * machine like any exchange). Throws NO_RESPONSE when the meter does not answer the first Get,
 * PROTOCOL when it lacks the history EPCs; a signal ends it quietly with what it wrote.
 */
export async function historyOnSession(
  session: MeterSession,
  o: HistoryRequest,
): Promise<Omit<HistorySummary, 'joined'>> {
  const first = await session.exchange(ESV.Get, FIRST_GET, session.clock.now() + session.timing.joinMs);
  return historyAfterFirst(session, o, first);
}

async function historyAfterFirst(
  session: MeterSession,
  o: HistoryRequest,
  first: RequestResult,
): Promise<Omit<HistorySummary, 'joined'>> {
  if (!first.ok && o.signal.aborted) return { days: 0, records: 0, reverse: false }; // stopped: nothing written
  if (!first.ok) throw new BmeterError('NO_RESPONSE', `no answer from the meter: ${first.detail}`);
  const info = meterInfo(first.frame, o.now(), o.logger, session.clock.now(), o.energyFallback);
  o.logger.debug(
    { clock: info.clock, ctx: info.ctx, getMap: info.getMap?.map((e) => e.toString(16)) },
    'history: meter',
  );
  const ex = sessionExchange(session, o.signal);
  if (o.recent !== undefined) {
    const records = await runRecent(ex, info, o.recent, { ...o, clock: session.clock }).catch((err: unknown) => {
      if (stoppedBySignal(err, o.signal)) return 0; // its records go out at the end: none yet
      throw err;
    });
    return { days: 0, records, reverse: true };
  }
  return backfill(ex, info, { ...o, clock: session.clock, timing: session.timing });
}
