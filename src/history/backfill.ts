/**
 * The half-hour backfill of `bmeter history` (PROTOCOL.md §8 E2/E4/E5, §8.1): per day, oldest
 * first, SetC E5 then Get E2 (+E4 when 9F lists it) back to back, the answer's day checked.
 */
import { ESV } from '../echonet/constants.js';
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { encodeHistoryDay } from '../meter/energy.js';
import { history1Slots, HISTORY1_SLOTS } from '../meter/history.js';
import type { SessionTiming } from '../session/options.js';
import type { Clock } from '../time/clock.js';
import { sleep } from '../time/waitress.js';
import { daysBetween, midnightWaitMs, clockStale, planDays, slotMs, type JstDate, type MeterClock } from './dates.js';
import type { Exchange } from './exchange.js';
import { stoppedBySignal } from './exchange.js';
import type { HistoryRequest, HistorySummary } from './options.js';
import { CLOCK_EPCS, meterClock, requireEpcs, type MeterInfo } from './meter-info.js';
import { recordedSlots, SlotRecorder, type RawSlot } from './slots.js';

const MINUTE = 60_000;
const SLOT_MS = 30 * MINUTE;
const CLOCK_GET = CLOCK_EPCS.map((epc) => ({ epc, edt: Buffer.alloc(0) }));

/** The request plus the session's clock and timings. */
export interface BackfillOptions extends HistoryRequest {
  clock: Clock;
  timing: Pick<SessionTiming, 'requestRetries' | 'responseMs'>;
}

/**
 * The half-hour backfill: per planned day, oldest first, SetC E5 + Get E2 (+E4), records written
 * as each day comes. Waits once near the meter's midnight so E5/E2 are not split (§8.1), or with
 * `nearMidnight: 'defer'` returns there with `deferredMs`, what it wrote kept.
 */
export async function backfill(
  ex: Exchange,
  info: MeterInfo,
  o: BackfillOptions,
): Promise<Omit<HistorySummary, 'joined'>> {
  requireEpcs(info, [0xe2, 0xe5], 'historical cumulative energy 1');
  const reverse = info.getMap === undefined || info.getMap.includes(0xe4);
  if (!reverse) o.logger.info('the meter has no reverse-direction history (E4 not in 9F): reverse values are null');
  let clock = info.clock;
  const plan = planDays(clock.date, {
    ...(o.days !== undefined && { days: o.days }),
    ...(o.day !== undefined && { day: o.day }),
    ...(o.sinceMs !== undefined && { sinceMs: o.sinceMs }),
  });
  if (plan.truncated)
    o.logger.warn('--since lies before the oldest day the meter keeps (99 days ago); slots before it are lost');
  const progress = o.progress?.(plan.dates.length);
  const recorder = new SlotRecorder(info.ctx, SLOT_MS);
  const wait = o.sleep ?? (async (ms: number, signal: AbortSignal) => void (await sleep(o.clock, ms, signal)));
  // A pair costs up to two requests with their retries: keep that far from midnight.
  const guardMs = 2 * (o.timing.requestRetries + 1) * o.timing.responseMs;
  let waited = false;
  let records = 0;
  let days = 0;
  try {
    for (const [i, date] of plan.dates.entries()) {
      if (o.sink.closed || o.signal.aborted) break;
      progress?.update(i, date);
      const untilSafe = midnightWaitMs(clock, o.clock.now(), guardMs);
      if (untilSafe > 0 && o.nearMidnight === 'defer') {
        o.logger.info(
          { waitMs: untilSafe },
          "the meter's clock is near midnight: the rest of the half-hour record is fetched after it (§8.1)",
        );
        return { days, records, reverse, deferredMs: untilSafe };
      }
      if (untilSafe > 0 && !waited) {
        waited = true;
        o.logger.info(
          { waitMs: untilSafe },
          "the meter's clock is near midnight: waiting so E5/E2 are not split by the day change (§8.1)",
        );
        await wait(untilSafe, o.signal);
        clock = meterClock(await ex(ESV.Get, CLOCK_GET), o.now(), o.logger, o.clock.now());
      } else if (untilSafe > 0 || clockStale(clock, o.clock.now())) {
        clock = meterClock(await ex(ESV.Get, CLOCK_GET), o.now(), o.logger, o.clock.now());
      }
      const slots = await fetchDay(ex, clock, date, reverse, o.logger);
      if (slots === undefined) continue;
      days += 1;
      const recorded = recordedSlots(slots, meterNowMs(clock, o.clock.now()), date === clock.date);
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
function meterNowMs(clock: MeterClock, hostNowMs: number): number {
  return slotMs(clock.date, 0) + (clock.minute + 1) * MINUTE + (hostNowMs - clock.readAt);
}

/** SetC E5 then Get E2 (+E4), back to back (§8 "atomic with E5"); the answer's day is checked. */
async function fetchDay(
  ex: Exchange,
  clock: MeterClock,
  date: JstDate,
  reverse: boolean,
  logger: Logger,
): Promise<RawSlot[] | undefined> {
  const day = daysBetween(clock.date, date);
  if (day < 0 || day > 99) {
    logger.warn(`${date} is outside the meter's history (E5 0–99 days back from ${clock.date}); skipped`);
    return undefined;
  }
  for (let attempt = 0; ; attempt++) {
    const set = await ex(ESV.SetC, [{ epc: 0xe5, edt: encodeHistoryDay(day) }]);
    if (set.esv !== ESV.Set_Res) {
      throw new BmeterError(
        'PROTOCOL',
        `the meter refused SetC E5 = ${day} (${date}): answer ESV 0x${set.esv.toString(16).toUpperCase()}`,
      );
    }
    const epcs = reverse ? [0xe2, 0xe4] : [0xe2];
    const got = await ex(
      ESV.Get,
      epcs.map((epc) => ({ epc, edt: Buffer.alloc(0) })),
    );
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
