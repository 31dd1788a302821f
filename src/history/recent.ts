/**
 * Recent detail for `bmeter history` where the meter has it (checked against 9F first):
 * - `--recent N` (30 min): SetC ED (newest :00/:30, n ≤ 12) then Get EC, both directions per item,
 *   newest first (docs/protocol.md §8 EC/ED, §11 quirk 16);
 * - `--resolution 1m` (Release R): Get D0 for the meter's newest minute, then SetC EF (minute,
 *   n ≤ 10) and Get EE per 10 minutes (§8 D0/EE/EF).
 * Longer spans are fetched in chunks, newest chunk first; records go out oldest first.
 */
import { ESV } from '../echonet/constants.js';
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { decodeOneMinuteEnergy, encodeHistorySetting } from '../meter/energy.js';
import { decodeHistory2, decodeHistory3 } from '../meter/history.js';
import { isoJstOf, slotMs, type MeterClock } from './dates.js';
import { requireEpcs, type MeterInfo } from './meter-info.js';
import { recordedSlots, SlotRecorder, type RawSlot } from './slots.js';
import type { Clock } from '../time/clock.js';
import type { Exchange } from './exchange.js';
import type { RecordSink } from '../session/run-options.js';

const MINUTE = 60_000;

export interface RecentRequest {
  resolution: '30m' | '1m';
  /** Number of most recent slots (30m: default 12, 1m: default 10). */
  count?: number;
}

/** Most slots one run asks for: a day of half-hours, an hour of minutes. */
export const MAX_RECENT = { '30m': 48, '1m': 60 } as const;

interface Spec {
  stepMs: number;
  /** items per request (ED: 12, EF: 10) */
  chunk: number;
  setEpc: number;
  getEpc: number;
  decode: typeof decodeHistory2;
}

const SPECS: Record<RecentRequest['resolution'], Spec> = {
  '30m': { stepMs: 30 * MINUTE, chunk: 12, setEpc: 0xed, getEpc: 0xec, decode: decodeHistory2 },
  '1m': { stepMs: MINUTE, chunk: 10, setEpc: 0xef, getEpc: 0xee, decode: decodeHistory3 },
};

/**
 * Fetches the most recent slots (30 min via ED/EC, 1 min via D0 + EF/EE) with `ex`, newest chunk
 * first, and writes them oldest first; returns the number of records written. Throws PROTOCOL
 * when the meter lacks the EPCs (9F) or refuses the SetC; NO_RESPONSE / CLOSED from `ex`.
 */
export async function runRecent(
  ex: Exchange,
  info: MeterInfo,
  request: RecentRequest,
  o: { sink: RecordSink; logger: Logger; clock: Clock; sinceMs?: number },
): Promise<number> {
  const spec = SPECS[request.resolution];
  const clockMs = meterMs(info.clock, o.clock.now());
  let newest: number;
  if (request.resolution === '1m') {
    requireEpcs(info, [0xd0, 0xee, 0xef], 'one-minute history (Release R)');
    const d0 = (await ex(ESV.Get, [{ epc: 0xd0, edt: Buffer.alloc(0) }])).properties.find(
      (p) => p.epc === 0xd0 && p.edt.length > 0,
    );
    if (d0 === undefined)
      throw new BmeterError('PROTOCOL', 'this meter has no one-minute history: it answered Get D0 with Get_SNA');
    newest = Math.floor(Date.parse(decodeOneMinuteEnergy(d0.edt).at) / MINUTE) * MINUTE;
  } else {
    requireEpcs(info, [0xec, 0xed], 'recent half-hour history (EC/ED)');
    newest = Math.floor(clockMs / spec.stepMs) * spec.stepMs;
  }
  let count =
    request.count ?? (o.sinceMs === undefined ? spec.chunk : Math.floor((newest - o.sinceMs) / spec.stepMs) + 1);
  count = Math.max(1, Math.min(MAX_RECENT[request.resolution], count));

  const byTime = new Map<number, RawSlot>();
  for (let done = 0; done < count;) {
    const n = Math.min(spec.chunk, count - done);
    const at = newest - done * spec.stepMs;
    const set = await ex(ESV.SetC, [
      { epc: spec.setEpc, edt: encodeHistorySetting({ at: isoJstOf(at), count: n }, spec.setEpc) },
    ]);
    if (set.esv !== ESV.Set_Res) {
      throw new BmeterError('PROTOCOL', `the meter refused SetC ${hex(spec.setEpc)} = ${isoJstOf(at)}, ${n} items`);
    }
    const got = (await ex(ESV.Get, [{ epc: spec.getEpc, edt: Buffer.alloc(0) }])).properties.find(
      (p) => p.epc === spec.getEpc && p.edt.length > 0,
    );
    if (got === undefined) throw new BmeterError('PROTOCOL', `the meter gave no ${hex(spec.getEpc)} (Get_SNA)`);
    const history = spec.decode(got.edt);
    if (Date.parse(history.at) !== at)
      o.logger.warn(`${hex(spec.getEpc)} answered for ${history.at}, asked ${isoJstOf(at)}`);
    for (const item of history.items) {
      const ms = Date.parse(item.at);
      byTime.set(ms, { ms, normal: item.normal, reverse: item.reverse });
    }
    done += n;
  }
  const slots = recordedSlots(
    [...byTime.values()].sort((a, b) => a.ms - b.ms),
    clockMs + MINUTE,
    true,
  );
  const recorder = new SlotRecorder(info.ctx, spec.stepMs);
  let records = 0;
  for (const record of recorder.take(slots, o.sinceMs)) {
    if (o.sink.closed) break;
    await o.sink.write(record);
    records += 1;
  }
  return records;
}

/** The meter's instant (to the minute) from its clock read, plus elapsed host time. */
function meterMs(clock: MeterClock, hostNowMs: number): number {
  return slotMs(clock.date, 0) + clock.minute * MINUTE + (hostNowMs - clock.readAt);
}

function hex(epc: number): string {
  return epc.toString(16).toUpperCase();
}
