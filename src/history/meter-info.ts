/**
 * What `bmeter history` learns from its first Get (docs/protocol.md §9 start-up set plus 9F/98/97, one
 * frame): the Get property map (which history EPCs exist, §7), the energy context (D3, D7, E1,
 * §8.1) and the meter's clock (98 date, 97 hh:mm), falling back to the host clock in Japan time.
 */
import type { EchonetFrame } from '../echonet/frame.js';
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { decodeMeterDate, decodeMeterTime } from '../meter/device-info.js';
import { unsetMessage, type EnergyFallback } from '../meter/energy-fallback.js';
import { decodePropertyMap } from '../meter/property-map.js';
import type { EnergyContext } from '../meter/units.js';
import { jstDate, jstMinuteOfDay, type MeterClock } from './dates.js';
import { epcName, updateContext } from '../meter/record.js';

/** 9F, then D3/D7/E1, then the meter's date and time. */
export const FIRST_GET_EPCS: readonly number[] = [0x9f, 0xd3, 0xd7, 0xe1, 0x98, 0x97];
/** The clock alone (re-read near midnight). */
export const CLOCK_EPCS: readonly number[] = [0x98, 0x97];

export interface MeterInfo {
  /** EPCs the meter can Get (9F); undefined when it did not say. */
  getMap: number[] | undefined;
  ctx: EnergyContext;
  clock: MeterClock;
}

function edtOf(frame: EchonetFrame, epc: number): Buffer | undefined {
  const p = frame.properties.find((x) => x.epc === epc && x.edt.length > 0);
  return p?.edt;
}

/**
 * What the first Get of a history run tells (9F map, D3/D7/E1 context — the meter's, else
 * `fallback`, the user's --unit/--coefficient/--digits — and the 98/97 clock); `readAt` is the host
 * clock (epoch ms) when the answer came. Warns once for each of D3/D7/E1 the meter left unset.
 */
export function meterInfo(
  frame: EchonetFrame,
  hostNow: Date,
  logger: Logger,
  readAt: number,
  fallback: EnergyFallback = {},
): MeterInfo {
  let getMap: number[] | undefined;
  const map = edtOf(frame, 0x9f);
  if (map !== undefined) {
    try {
      getMap = decodePropertyMap(map, 0x9f);
    } catch (err) {
      logger.warn(
        `the meter's Get property map (9F) is malformed (${(err as Error).message}); asking for E2/E4 anyway`,
      );
    }
  }
  const update = updateContext(undefined, frame, fallback);
  for (const epc of update.unset) logger.warn(unsetMessage(epc));
  return { getMap, ctx: update.ctx, clock: meterClock(frame, hostNow, logger, readAt) };
}

/** The meter's clock from 98/97, else the host's in Japan time (§8.1 E2 timestamps). */
/** `readAt`: the host clock (epoch ms) when the answer came, to age the meter's clock later. */
export function meterClock(frame: EchonetFrame, hostNow: Date, logger: Logger, readAt: number): MeterClock {
  const date = edtOf(frame, 0x98);
  const time = edtOf(frame, 0x97);
  if (date !== undefined && time !== undefined) {
    try {
      const [h, m] = decodeMeterTime(time).split(':').map(Number) as [number, number];
      return { date: decodeMeterDate(date), minute: h * 60 + m, readAt, source: 'meter' };
    } catch (err) {
      logger.warn(`the meter's date/time (98/97) is unusable (${(err as Error).message}); using the host clock`);
    }
  } else {
    logger.info('the meter did not give its date and time (98/97); using the host clock in Japan time');
  }
  const ms = hostNow.getTime();
  return { date: jstDate(ms), minute: Math.floor(jstMinuteOfDay(ms)), readAt, source: 'host' };
}

/** Throws a clear error (exit 1) naming the EPCs the meter's 9F does not list. */
export function requireEpcs(info: MeterInfo, epcs: readonly number[], what: string): void {
  if (info.getMap === undefined) return; // unknown: ask, and a Get_SNA will say
  const missing = epcs.filter((e) => !info.getMap?.includes(e));
  if (missing.length > 0) {
    throw new BmeterError(
      'PROTOCOL',
      `this meter has no ${what}: its Get property map (9F) lacks ${missing.map(epcName).join(', ')}`,
    );
  }
}
