/**
 * `bmeter poll`: one reading and exit (cron), or readings on a fixed schedule until SIGINT /
 * SIGTERM (`--interval`) or `--count` readings. One Get frame per reading (PROTOCOL.md §9);
 * the meter's own notifications become records too. The session (join, reuse, recovery) is
 * session.ts, its port session-port.ts; this file is the outer loop: schedule, output, shutdown.
 *
 * Shutdown: a signal lets the reading in flight finish, then SKTERM (§3.11) ends the session.
 * A one-shot poll (and a --count run that ran out) keeps the session on purpose: the stick holds
 * it after the port closes, and the next cron run reads on it with one round trip instead of a
 * join (§3.8: ~3 s, up to ~40 s, and PANA airtime under the ARIB budget, §3.9).
 */
import { BmeterError, ERROR_CODES } from '../errors.js';
import type { Reading } from '../meter/reading.js';
import { sleep } from './pause.js';
import { untilAborted } from './until-aborted.js';
import { nextSlot, delayUntil } from './reader-schedule.js';
import { MeterSession, type ReadingOutcome } from './session.js';
import { openPortSession, type PortSessionOptions } from './session-port.js';

/** Where records go (src/output/sink.ts `Sink`). */
export interface RecordSink {
  write(record: Record<string, unknown>): Promise<void>;
  readonly closed: boolean;
}

/** What a run on the meter takes (poll, history): the port session, where records go, when to stop. */
export interface MeterRunOptions extends PortSessionOptions {
  sink: RecordSink;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Try the PANA session the stick kept before joining (default true). */
  reuseSession?: boolean;
}

export interface PollOptions extends MeterRunOptions {
  /** EPCs every reading asks for, in one Get frame. */
  properties: readonly number[];
  /** Seconds between readings; undefined = one reading (or --count readings back to back). */
  intervalSeconds?: number;
  /** Stop after this many readings (polls, failed ones included). */
  count?: number;
}

export interface PollSummary {
  readings: number;
  failed: number;
  notifications: number;
  /** Whether this run had to SKJOIN (false: it read on the session the stick kept). */
  joined: boolean;
  stoppedBy: 'count' | 'signal' | 'output-closed' | 'one-shot';
}

export async function runPoll(o: PollOptions): Promise<PollSummary> {
  const intervalMs = Math.max(0, (o.intervalSeconds ?? 0) * 1000);
  const continuous = o.intervalSeconds !== undefined;
  const count = o.count ?? (continuous ? Infinity : 1);
  const summary: PollSummary = { readings: 0, failed: 0, notifications: 0, joined: false, stoppedBy: 'one-shot' };
  // Lost readings in a row: the first is a warning, the rest of an outage one line when it ends.
  let lost: { count: number; from: number } | undefined;

  // Records go out in the order they were made (notifications arrive between polls).
  let writes: Promise<void> = Promise.resolve();
  const emit = (reading: Reading): Promise<void> => {
    writes = writes.then(() => (o.sink.closed ? undefined : o.sink.write({ ...reading })));
    return writes;
  };

  const { session, close } = await openPortSession(o, (options) => new MeterSession(options), {
    onNotification: (reading) => {
      summary.notifications += 1;
      void emit(reading).catch((err: unknown) => o.logger.warn({ err: (err as Error).message }, 'cannot write a notification record'));
    },
  });

  let terminate = false;
  try {
    const started = Date.now();
    const first = await untilAborted(startOrRetryLater(session, o, continuous), o.signal);
    if (first === undefined) {
      // Stopped during the first join (up to ~40 s with its retries): no reading after it.
      summary.stoppedBy = 'signal';
      o.logger.info('stopped before the first reading (SIGINT/SIGTERM)');
      return summary;
    }
    summary.joined = first.joined;
    await record(first, 0);
    if (!continuous && count === 1) {
      if (!first.ok) throw new BmeterError('NO_RESPONSE', `no reading from the meter: ${first.detail}`);
      return summary;
    }
    let index = 0;
    for (;;) {
      if (summary.readings + summary.failed >= count) {
        summary.stoppedBy = 'count';
        break;
      }
      if (o.sink.closed) {
        summary.stoppedBy = 'output-closed';
        break;
      }
      if (o.signal.aborted) {
        summary.stoppedBy = 'signal';
        break;
      }
      const slot = nextSlot(started, intervalMs, index, Date.now());
      if (slot.skipped > 0) o.logger.debug({ skipped: slot.skipped }, 'the last reading ran past its slot; skipping missed slots');
      await sleep(delayUntil(slot, Date.now()), o.signal);
      if (o.signal.aborted) {
        summary.stoppedBy = 'signal';
        break;
      }
      index = slot.index;
      const holdUntil = slot.at + (intervalMs > 0 ? intervalMs : o.config.timeouts.joinMs);
      const outcome = await session.poll(o.properties, holdUntil, o.signal);
      await record(outcome, index);
    }
    if (summary.stoppedBy === 'signal') terminate = true;
    if (summary.readings === 0 && summary.stoppedBy === 'count') {
      throw new BmeterError('NO_RESPONSE', `none of the ${summary.failed} readings got an answer from the meter`);
    }
    return summary;
  } finally {
    await writes.catch(() => undefined);
    await close(terminate);
  }

  async function record(outcome: ReadingOutcome, index: number): Promise<void> {
    if (outcome.ok) {
      if (lost !== undefined && lost.count > 1) {
        o.logger.warn(`${lost.count} readings were lost in a row (slots ${lost.from}–${index - 1}); reading again`);
      }
      lost = undefined;
      summary.readings += 1;
      o.logger.debug({ index }, 'reading done');
      await emit(outcome.reading);
    } else {
      summary.failed += 1;
      if (o.signal.aborted) return; // stopped as asked: not a lost reading
      // A reading given up (after the retries, or a pause outlasting its slot) is said, not dropped
      // silently — once per outage at warn, so a silent meter does not fill the log.
      lost = lost === undefined ? { count: 1, from: index } : { ...lost, count: lost.count + 1 };
      o.logger[lost.count === 1 ? 'warn' : 'debug']({ index, reason: outcome.reason }, `no reading in slot ${index}: ${outcome.detail}`);
    }
  }
}

/**
 * The first reading with its join. In an interval run a failed first join is retried like any
 * later failure (the session machine rejoins at the next slot); only what no retry can fix ends
 * the run: AUTH (EVENT 24 after the retries, exit 4) and bad settings.
 */
async function startOrRetryLater(session: MeterSession, o: PollOptions, continuous: boolean): Promise<ReadingOutcome & { joined: boolean }> {
  try {
    return await session.start(o.properties, o.reuseSession ?? true);
  } catch (err) {
    const kind = err instanceof BmeterError ? ERROR_CODES[err.code] : undefined;
    if (!continuous || (kind !== 'runtime' && kind !== 'port')) throw err;
    const detail = (err as Error).message;
    o.logger.warn(`the first join failed (${detail}); trying again at the next reading`);
    return { ok: false, reason: 'no-session', detail, joined: false };
  }
}
