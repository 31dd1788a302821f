/**
 * `bmeter serve`: one process that joins once and reads every interval for months. Readings and
 * the meter's notifications go to the store (committed before the next reading is taken), then
 * to the listeners (stdout, server-sent events); between readings, on the same joined session,
 * the half-hour record is backfilled when backfill-plan.ts says so. The recovery ladder is the
 * poll's; a stick or meter fault that ends a session (the join itself timing out, the port gone
 * for good) restarts the session after a back-off instead of ending the process. Only
 * configuration faults (bad credentials: AUTH, usage) and the abort signal end it.
 */
import { ERROR_CODES, isBmeterError, BmeterError } from '../errors.js';
import type { Clock } from '../time/clock.js';
import { historyOnSession } from '../history/history.js';
import type { MeterSession } from '../session/meter-session.js';
import { runPoll, type PollOptions, type PollSummary } from '../poll/poll.js';
import { backfillDue, backfillRequest, isReadingGap, type BackfillState } from './backfill-plan.js';
import type { ServeEvents } from './events.js';
import type { Health } from './health.js';
import { createStoreSink, halfHourWriter, readingWriter } from './store-sink.js';
import type { ServeStore } from './store-port.js';
import { count } from '../log/count.js';

/** Back-off before a new session after a fault that ended one: doubles from the first to the last. */
export const RESTART_BACKOFF_MS = [5_000, 30_000, 120_000, 300_000] as const;
/** How often the status is checked for a change, and how often it is sent anyway. */
export const STATUS_CHECK_MS = 1_000;
export const STATUS_EVERY_MS = 10_000;

export interface ServeOptions extends Omit<
  PollOptions,
  'sink' | 'intervalSeconds' | 'count' | 'between' | 'onSession'
> {
  store: ServeStore;
  /** The meter's MAC, lower case (the store's `meter`). */
  meter: string;
  intervalSeconds: number;
  /** Days of half-hours to fetch into a store that has none yet (1–100). */
  historyDays: number;
  clock: Clock;
  events: ServeEvents;
  health: Health;
  /** Each committed record (stdout as JSON lines). */
  onRecord?: (record: Record<string, unknown>) => void | Promise<void>;
  maxPending?: number;
}

export interface ServeSummary {
  readings: number;
  notifications: number;
  halfHours: number;
  sessions: number;
}

/**
 * Runs serve until `o.signal` aborts (resolves with the counts) or a configuration fault (AUTH,
 * USAGE: rejects with that BmeterError). Store faults never end it (store-sink.ts).
 */
export async function runServe(o: ServeOptions): Promise<ServeSummary> {
  const intervalMs = o.intervalSeconds * 1000;
  const summary: ServeSummary = { readings: 0, notifications: 0, halfHours: 0, sessions: 0 };
  const plan: BackfillState = {};
  let lastPollMs: number | undefined;

  const readings = createStoreSink({
    write: readingWriter(o.store, o.meter),
    path: o.store.path,
    logger: o.logger,
    what: 'reading',
    ...(o.maxPending !== undefined && { maxPending: o.maxPending }),
    onCommitted: async (record) => {
      const now = o.clock.now();
      o.health.reading(now);
      if (record['source'] === 'poll') {
        summary.readings += 1;
        if (isReadingGap(lastPollMs, now, intervalMs)) {
          o.logger.info(
            `no reading for ${Math.round((now - (lastPollMs ?? now)) / 1000)} s: ` +
              'the half-hours of the gap will be fetched',
          );
          plan.gap = true;
        }
        lastPollMs = now;
      } else summary.notifications += 1;
      o.events.publish({ type: 'reading', data: { meter: o.meter, ...record } });
      await o.onRecord?.(record);
    },
  });
  const halfHours = createStoreSink({
    write: halfHourWriter(o.store, o.meter),
    path: o.store.path,
    logger: o.logger,
    what: 'half-hour',
    onCommitted: () => {
      summary.halfHours += 1;
    },
  });

  const between = async (session: MeterSession): Promise<void> => {
    await halfHours.flush();
    const reason = backfillDue(plan, o.clock.now());
    if (reason === undefined) return;
    const request = backfillRequest(o.store.lastSlotMs(o.meter), o.historyDays);
    o.logger.info({ reason, ...request }, 'fetching the half-hour record');
    try {
      const done = await historyOnSession(session, {
        sink: halfHours,
        signal: o.signal,
        logger: o.logger,
        now: o.now,
        ...(o.energyFallback !== undefined && { energyFallback: o.energyFallback }),
        ...request,
        nearMidnight: 'defer', // readings do not wait minutes for the meter's midnight
      });
      o.health.answeredOnce();
      delete plan.failedAt;
      if (done.deferredMs !== undefined) {
        plan.deferredUntil = o.clock.now() + done.deferredMs;
        return;
      }
      delete plan.deferredUntil;
      o.logger.info({ days: done.days, records: done.records }, 'half-hour record fetched');
      plan.doneAt = o.clock.now();
      plan.gap = false;
    } catch (err) {
      if (o.signal.aborted) return;
      if (!isBmeterError(err) || ERROR_CODES[err.code] !== 'runtime') throw err;
      plan.failedAt = o.clock.now();
      delete plan.deferredUntil; // tried again as failures are, not at every reading
      o.logger.warn(`the half-hour record could not be fetched (${err.message}); trying again in a few minutes`);
    }
  };

  const stopStatus = statusTicker(o);
  try {
    for (let attempt = 0; !o.signal.aborted; attempt++) {
      summary.sessions += 1;
      let result: PollSummary | undefined;
      try {
        result = await runPoll({
          ...o,
          sink: readings,
          intervalSeconds: o.intervalSeconds,
          onSession: (session) => o.health.watch(session),
          between,
          // A restarted session joins: what the stick kept is gone with the fault.
          reuseSession: attempt === 0 ? (o.reuseSession ?? true) : false,
        });
      } catch (err) {
        if (o.signal.aborted) break;
        if (!restartable(err)) throw err;
        const wait = RESTART_BACKOFF_MS[Math.min(attempt, RESTART_BACKOFF_MS.length - 1)] ?? 300_000;
        o.health.restarting();
        o.logger.error(`the session ended: ${(err as Error).message} — starting a new one in ${wait / 1000} s`);
        await clockSleep(o.clock, wait, o.signal);
        continue;
      }
      if (result.stoppedBy === 'signal' || result.stoppedBy === 'output-closed') break;
    }
    if (readings.pending > 0 && !(await readings.flush())) {
      o.logger.error(`${count(readings.pending, 'reading')} could not be written to ${o.store.path} and are lost`);
    }
    return summary;
  } finally {
    o.health.stopped();
    stopStatus();
  }
}

/** Faults of the stick or the meter restart the session; bad settings and credentials end serve. */
function restartable(err: unknown): boolean {
  if (!(err instanceof BmeterError)) return false;
  const kind = ERROR_CODES[err.code];
  return kind === 'runtime' || kind === 'port' || kind === 'notFound';
}

/** Publishes the status on every change (checked each second) and every 10 s; returns its stop. */
function statusTicker(o: Pick<ServeOptions, 'clock' | 'events' | 'health'>): () => void {
  let last = '';
  let sentAt = -Infinity;
  let timer: unknown;
  let stopped = false;
  const tick = (): void => {
    const status = o.health.status();
    const key = status.state;
    const now = o.clock.now();
    if (key !== last || now - sentAt >= STATUS_EVERY_MS) {
      last = key;
      sentAt = now;
      o.events.publish({ type: 'status', data: status });
    }
    if (!stopped) timer = o.clock.setTimeout(tick, STATUS_CHECK_MS);
  };
  tick();
  return () => {
    stopped = true;
    o.clock.clearTimeout(timer);
    o.events.publish({ type: 'status', data: o.health.status() });
  };
}

function clockSleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
