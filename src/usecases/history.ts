/**
 * `bmeter history`: backfill the meter's half-hour record (PROTOCOL.md §8 E2/E4/E5, §8.1, §9).
 * One Get of 9F/D3/D7/E1/98/97 first; then per day, oldest first, SetC E5 and Get E2 (+E4 when
 * 9F lists it) back to back; records stream out day by day so output is chronological. Recent
 * detail (EC/ED, EE/EF/D0) is history-recent.ts. Session handling is the poll's (join or reuse
 * the kept session; the session is kept afterwards for the next cron run).
 */
import { ESV } from '../echonet/constants.js';
import type { EchonetFrame } from '../echonet/frame.js';
import { BmeterError, isBmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { encodeHistoryDay } from '../meter/energy.js';
import { fallbackFromConfig } from '../meter/energy-fallback.js';
import { history1Slots, HISTORY1_SLOTS } from '../meter/history.js';
import { daysBetween, midnightWaitMs, clockStale, planDays, slotMs, type JstDate, type MeterClock } from './history-dates.js';
import { CLOCK_EPCS, FIRST_GET_EPCS, meterClock, meterInfo, requireEpcs, type MeterInfo } from './history-meter.js';
import type { Progress } from './history-progress.js';
import { runRecent, type RecentRequest } from './history-recent.js';
import { HistorySession } from './history-session.js';
import { recordedSlots, SlotRecorder, type RawSlot } from './history-slots.js';
import { sleep as defaultSleep } from './pause.js';
import type { MeterRunOptions } from './poll.js';
import type { RequestResult } from './reader-request.js';
import { openPortSession } from './session-port.js';
import { untilAborted } from './until-aborted.js';

const MINUTE = 60_000;
const SLOT_MS = 30 * MINUTE;

export interface HistoryOptions extends MeterRunOptions {
  days?: number;
  day?: number;
  /** Only slots after this instant (epoch ms). */
  sinceMs?: number;
  /** EC/ED or EE/EF instead of E2/E4 (history-recent.ts). */
  recent?: RecentRequest;
  /** Called once the number of days is known; stderr progress (none when not a terminal). */
  progress?: (total: number) => Progress;
  /** Test hook: how long to wait near the meter's midnight (default: real sleep). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface HistorySummary {
  days: number;
  records: number;
  joined: boolean;
  reverse: boolean;
}

export async function runHistory(o: HistoryOptions): Promise<HistorySummary> {
  const { session, close } = await openPortSession(o, (options) => new HistorySession(options));
  try {
    const first = await untilAborted(
      session.startExchange(ESV.Get, FIRST_GET_EPCS.map((epc) => ({ epc, edt: Buffer.alloc(0) })), o.reuseSession ?? true),
      o.signal,
    );
    if (first === undefined) return { days: 0, records: 0, joined: false, reverse: false }; // stopped during the join
    if (!first.ok) throw new BmeterError('NO_RESPONSE', `no answer from the meter: ${first.detail}`);
    const info = meterInfo(first.frame, o.now(), o.logger, fallbackFromConfig(o.config.meter));
    o.logger.debug({ clock: info.clock, ctx: info.ctx, getMap: info.getMap?.map((e) => e.toString(16)) }, 'history: meter');
    const ex = (esv: number, properties: { epc: number; edt: Buffer }[]) => exchange(session, o, esv, properties);
    if (o.recent !== undefined) {
      const records = await runRecent(ex, info, o.recent, o).catch((err: unknown) => {
        if (stoppedBySignal(err, o.signal)) return 0; // its records go out at the end: none yet
        throw err;
      });
      return { days: 0, records, joined: first.joined, reverse: true };
    }
    return { ...(await backfill(ex, info, o)), joined: first.joined };
  } finally {
    await close(false); // keep the PANA session for the next run (§3.8)
  }
}

/** An exchange cut short by SIGINT/SIGTERM: the run ends with what it wrote, as it does between days. */
function stoppedBySignal(err: unknown, signal: AbortSignal): boolean {
  return signal.aborted && isBmeterError(err, 'CLOSED');
}

export type Exchange = (esv: number, properties: { epc: number; edt: Buffer }[]) => Promise<EchonetFrame>;

async function exchange(
  session: HistorySession,
  o: HistoryOptions,
  esv: number,
  properties: { epc: number; edt: Buffer }[],
): Promise<EchonetFrame> {
  const result: RequestResult = await session.exchange(esv, properties, Date.now() + o.config.timeouts.joinMs, o.signal);
  if (!result.ok) {
    if (o.signal.aborted) throw new BmeterError('CLOSED', 'interrupted');
    throw new BmeterError('NO_RESPONSE', `no answer from the meter: ${result.detail}`);
  }
  return result.frame;
}

async function backfill(ex: Exchange, info: MeterInfo, o: HistoryOptions): Promise<Omit<HistorySummary, 'joined'>> {
  requireEpcs(info, [0xe2, 0xe5], 'historical cumulative energy 1');
  const reverse = info.getMap === undefined || info.getMap.includes(0xe4);
  if (!reverse) o.logger.info('the meter has no reverse-direction history (E4 not in 9F): reverse values are null');
  let clock = info.clock;
  const plan = planDays(clock.date, {
    ...(o.days !== undefined && { days: o.days }),
    ...(o.day !== undefined && { day: o.day }),
    ...(o.sinceMs !== undefined && { sinceMs: o.sinceMs }),
  });
  if (plan.truncated) o.logger.warn('--since lies before the oldest day the meter keeps (99 days ago); slots before it are lost');
  const progress = o.progress?.(plan.dates.length);
  const recorder = new SlotRecorder(info.ctx, SLOT_MS);
  const sleep = o.sleep ?? defaultSleep;
  // A pair costs up to two requests with their retries: keep that far from midnight.
  const guardMs = 2 * (o.config.retries.request + 1) * o.config.timeouts.responseMs;
  let waited = false;
  let records = 0;
  let days = 0;
  try {
    for (const [i, date] of plan.dates.entries()) {
      if (o.sink.closed || o.signal.aborted) break;
      progress?.update(i, date);
      const wait = midnightWaitMs(clock, Date.now(), guardMs);
      if (wait > 0 && !waited) {
        waited = true;
        o.logger.info({ waitMs: wait }, "the meter's clock is near midnight: waiting so E5/E2 are not split by the day change (§8.1)");
        await sleep(wait, o.signal);
        clock = meterClock(await ex(ESV.Get, CLOCK_EPCS.map((epc) => ({ epc, edt: Buffer.alloc(0) }))), o.now(), o.logger);
      } else if (wait > 0 || clockStale(clock, Date.now())) {
        clock = meterClock(await ex(ESV.Get, CLOCK_EPCS.map((epc) => ({ epc, edt: Buffer.alloc(0) }))), o.now(), o.logger);
      }
      const slots = await fetchDay(ex, clock, date, reverse, o.logger);
      if (slots === undefined) continue;
      days += 1;
      const recorded = recordedSlots(slots, meterNowMs(clock), date === clock.date);
      for (const record of recorder.take(recorded, o.sinceMs)) {
        if (o.sink.closed) break;
        await o.sink.write(record);
        records += 1;
      }
    }
  } catch (err) {
    if (!stoppedBySignal(err, o.signal)) throw err;
  } finally {
    progress?.finish();
  }
  return { days, records, reverse };
}

/** The meter's present instant, estimated from its clock read plus elapsed host time. */
function meterNowMs(clock: MeterClock): number {
  return slotMs(clock.date, 0) + (clock.minute + 1) * MINUTE + (Date.now() - clock.readAt);
}

/** SetC E5 then Get E2 (+E4), back to back (§8 "atomic with E5"); the answer's day is checked. */
async function fetchDay(ex: Exchange, clock: MeterClock, date: JstDate, reverse: boolean, logger: Logger): Promise<RawSlot[] | undefined> {
  const day = daysBetween(clock.date, date);
  if (day < 0 || day > 99) {
    logger.warn(`${date} is outside the meter's history (E5 0–99 days back from ${clock.date}); skipped`);
    return undefined;
  }
  for (let attempt = 0; ; attempt++) {
    const set = await ex(ESV.SetC, [{ epc: 0xe5, edt: encodeHistoryDay(day) }]);
    if (set.esv !== ESV.Set_Res) {
      throw new BmeterError('PROTOCOL', `the meter refused SetC E5 = ${day} (${date}): answer ESV 0x${set.esv.toString(16).toUpperCase()}`);
    }
    const epcs = reverse ? [0xe2, 0xe4] : [0xe2];
    const got = await ex(ESV.Get, epcs.map((epc) => ({ epc, edt: Buffer.alloc(0) })));
    const normal = got.properties.find((p) => p.epc === 0xe2 && p.edt.length > 0);
    if (normal === undefined) throw new BmeterError('PROTOCOL', `the meter gave no E2 for ${date} (Get_SNA)`);
    const answeredDay = normal.edt.length >= 2 ? normal.edt.readUInt16BE(0) : -1;
    if (answeredDay !== day) {
      // Another controller may have set E5 between our SetC and Get: ask again once.
      if (attempt === 0) {
        logger.warn(`E2 answered day ${answeredDay} after SetC E5 = ${day}; asking again`);
        continue;
      }
      throw new BmeterError('PROTOCOL', `E2 answered day ${answeredDay} twice after SetC E5 = ${day} (${date})`);
    }
    const n = history1Slots(normal.edt, 0xe2);
    const rev = got.properties.find((p) => p.epc === 0xe4 && p.edt.length > 0);
    const r = rev === undefined ? undefined : history1Slots(rev.edt, 0xe4);
    logger.debug({ date, day, reverse: r !== undefined }, 'history day');
    return Array.from({ length: HISTORY1_SLOTS }, (_, k) => ({
      ms: slotMs(date, k),
      normal: n[k]?.raw ?? null,
      reverse: r === undefined ? undefined : (r[k]?.raw ?? null),
    }));
  }
}
