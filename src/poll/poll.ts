/**
 * `bmeter poll`: one reading and exit (cron), or readings on a fixed schedule until SIGINT /
 * SIGTERM (`--interval`) or `--count` readings. One Get frame per reading (PROTOCOL.md §9);
 * the meter's own notifications become records too. The session (join, reuse, recovery) is
 * src/session/, readings on it reader.ts; this file is the outer loop: schedule, output, shutdown.
 *
 * Shutdown: a signal ends the wait in flight (the session's every wait ends on it), then SKTERM
 * (§3.11) ends the session.
 * A one-shot poll (and a --count run that ran out) keeps the session on purpose: the stick holds
 * it after the port closes, and the next cron run reads on it with one round trip instead of a
 * join (§3.8: ~3 s, up to ~40 s, and PANA airtime under the ARIB budget, §3.9).
 */
import type { EnergyFallback } from '../meter/energy-fallback.js';
import { BmeterError, isBmeterError } from '../errors.js';
import type { Reading } from '../meter/reading.js';
import { settleFirstJoin } from '../session/first-join.js';
import type { MeterSession } from '../session/meter-session.js';
import type { ReadingOutcome } from '../session/options.js';
import { openPortSession } from '../session/port.js';
import type { MeterRunOptions } from '../session/run-options.js';
import { sleep } from '../time/waitress.js';
import { MeterReader } from './reader.js';
import { nextSlot, delayUntil } from './schedule.js';
import { count as counted } from '../log/count.js';

export type { MeterRunOptions, RecordSink } from '../session/run-options.js';

/**
 * Extra work on the poll's session between readings (`bmeter serve`'s history backfill): called
 * after each reading of an interval run, before the wait for the next slot; its exchanges run
 * under the same session machine (MeterSession.exchange). It should return before the next slot
 * is due; a slot it overran is skipped, not read late. Errors it throws are logged at warn.
 */
export type BetweenReadings = (session: MeterSession, signal: AbortSignal) => Promise<void>;

export interface PollOptions extends MeterRunOptions {
  /** EPCs every reading asks for, in one Get frame. */
  properties: readonly number[];
  /** Seconds between readings; undefined = one reading (or --count readings back to back). */
  intervalSeconds?: number;
  /** Stop after this many readings recorded (failed attempts do not count; notifications neither). */
  count?: number;
  /** Runs on the session between readings of an interval run (see BetweenReadings). */
  between?: BetweenReadings;
  /** Called once the session is open, before the first reading (serve reads its state). */
  onSession?: (session: MeterSession) => void;
  /** Told about each scheduled reading that got no answer (metrics). */
  onFailure?: (detail: string) => void;
  /** The user's --unit/--coefficient/--digits for what the meter leaves out of E1/D3/D7. */
  energyFallback?: EnergyFallback;
}

export interface PollSummary {
  readings: number;
  failed: number;
  notifications: number;
  /** Whether this run had to SKJOIN (false: it read on the session the stick kept). */
  joined: boolean;
  stoppedBy: 'count' | 'signal' | 'output-closed' | 'one-shot';
}

/**
 * Runs the poll: `sink.write` once per reading (source "poll") and once per notification (source
 * "notification"). `count` readings recorded end the run (a silent meter is retried, climbing the
 * recovery ladder, until they are). Throws NO_RESPONSE when a one-shot reading failed; AUTH (exit 4)
 * when the join was rejected by a meter a scan found (session/first-join.ts); PORT/NOT_SKSTACK for the stick.
 */
export async function runPoll(o: PollOptions): Promise<PollSummary> {
  const intervalMs = Math.max(0, (o.intervalSeconds ?? 0) * 1000);
  const continuous = o.intervalSeconds !== undefined;
  const count = o.count ?? (continuous ? Infinity : 1);
  const summary: PollSummary = { readings: 0, failed: 0, notifications: 0, joined: false, stoppedBy: 'one-shot' };
  // Readings lost in a row: the first is a warning, the rest of an outage one line when it ends.
  let lost: { count: number; from: number } | undefined;

  // Records go out in the order they were made (notifications arrive between polls).
  let writes: Promise<void> = Promise.resolve();
  const emit = (reading: Reading): Promise<void> => {
    writes = writes.then(() => (o.sink.closed ? undefined : o.sink.write({ ...reading })));
    return writes;
  };

  let opened: Awaited<ReturnType<typeof openPortSession>>;
  try {
    opened = await openPortSession(o);
  } catch (err) {
    // Stopped while waiting for the port: nothing to end. A CLOSED error says what was waited for
    // (the CLI prints it as one line and exits 0).
    if (!o.signal.aborted || isBmeterError(err, 'CLOSED')) throw err;
    summary.stoppedBy = 'signal';
    return summary;
  }
  const { session, close } = opened;
  const clock = session.clock;
  const reader = new MeterReader(session, {
    logger: o.logger,
    now: o.now,
    ...(o.energyFallback !== undefined && { energyFallback: o.energyFallback }),
    onNotification: (reading) => {
      summary.notifications += 1;
      void emit(reading).catch((err: unknown) =>
        o.logger.warn({ err: (err as Error).message }, 'cannot write a notification record'),
      );
    },
  });
  o.onSession?.(session);

  let terminate = false;
  try {
    const started = clock.now();
    let first: ReadingOutcome & { joined: boolean };
    try {
      first = await reader.start(o.properties, o.reuseSession ?? true);
    } catch (err) {
      if (o.signal.aborted) {
        summary.stoppedBy = 'signal'; // the first SKJOIN abandoned: not joined, no SKTERM
        o.logger.info('stopped before the first reading (SIGINT/SIGTERM)');
        return summary;
      }
      first = await afterFailedFirstJoin(err);
    }
    summary.joined = first.joined;
    await record(first, 0);
    if (!continuous && count === 1) {
      // Stopped by a signal during its one reading: no record and no error; the session is kept (no SKTERM).
      if (!first.ok && o.signal.aborted) summary.stoppedBy = 'signal';
      else if (!first.ok) throw new BmeterError('NO_RESPONSE', `no reading from the meter: ${first.detail}`);
      return summary;
    }
    let index = 0;
    let skipping = false;
    for (;;) {
      if (summary.readings >= count) {
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
      if (o.between !== undefined && continuous) {
        await o
          .between(session, o.signal)
          .catch((err: unknown) => o.logger.warn({ err: (err as Error).message }, 'work between readings failed'));
      }
      const slot = nextSlot(started, intervalMs, index, clock.now());
      if (slot.skipped > 0) {
        // Slots without a reading are said, like readings given up: the record has a hole there. At warn once
        // while reading after reading runs past its slots (an interval shorter than a reading takes), then at debug.
        o.logger[skipping ? 'debug' : 'warn'](
          { skipped: slot.skipped },
          `no reading in ${counted(slot.skipped, 'slot')} after slot ${index}: ` +
            'the last reading (with its retries or recovery) ran past them' +
            (skipping ? '' : '; more such slots are logged at debug until a reading is on time again'),
        );
      }
      skipping = slot.skipped > 0;
      await sleep(clock, delayUntil(slot, clock.now()), o.signal);
      if (o.signal.aborted) {
        summary.stoppedBy = 'signal';
        break;
      }
      index = slot.index;
      const holdUntil = slot.at + (intervalMs > 0 ? intervalMs : session.timing.joinMs);
      const outcome = await reader.read(o.properties, holdUntil);
      await record(outcome, index);
    }
    if (summary.stoppedBy === 'signal') terminate = true;
    return summary;
  } finally {
    await writes.catch(() => undefined);
    await close(terminate);
  }

  /**
   * The first join failed: settled as every run's first join is (session/first-join.ts: EVENT 24 scans all channels;
   * a meter found elsewhere gives the first reading there, one found where it was ends the run with the credentials,
   * exit 4). An interval run retries what a later join may get past (a meter no scan finds, timeouts, a busy stick)
   * at its next reading; a one-shot run ends with the error.
   */
  async function afterFailedFirstJoin(err: unknown): Promise<ReadingOutcome & { joined: boolean }> {
    const settled = await settleFirstJoin(session, err, () => reader.start(o.properties, false), o);
    if (settled.joined) return settled.value;
    if (!continuous || !settled.retriable) throw settled.failure;
    const detail = (settled.failure as Error).message;
    o.logger.warn(`the first join failed (${detail}); retrying on the next reading`);
    session.linkLost(detail);
    return { ok: false, reason: 'no-session', detail, joined: true };
  }

  async function record(outcome: ReadingOutcome, index: number): Promise<void> {
    if (outcome.ok) {
      if (lost !== undefined && lost.count > 1) {
        o.logger.warn(
          `${counted(lost.count, 'reading')} were lost in a row (slots ${lost.from}–${index - 1}); reading again`,
        );
      }
      lost = undefined;
      summary.readings += 1;
      o.logger.debug({ index }, 'reading done');
      await emit(outcome.reading);
    } else {
      // Stopped as asked: the reading the signal cut short is neither a failed nor a lost one (the metrics'
      // bmeter_reading_failures_total counts readings the meter did not give).
      if (o.signal.aborted) return;
      summary.failed += 1;
      o.onFailure?.(outcome.detail);
      // A reading given up (no answer after the retries, or sends held past its slot by EVENT 32 or
      // EVENT 29) is said, never dropped silently: at warn once per outage, so a silent meter does
      // not fill the log, and one line with the count when readings come back.
      lost = lost === undefined ? { count: 1, from: index } : { ...lost, count: lost.count + 1 };
      // A one-shot poll's failed reading is its error (NO_RESPONSE above), said once.
      const level = lost.count === 1 && (continuous || count > 1) ? 'warn' : 'debug';
      o.logger[level]({ index, reason: outcome.reason }, `no reading in slot ${index}: ${outcome.detail}`);
    }
  }
}
