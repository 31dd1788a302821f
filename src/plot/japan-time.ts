/**
 * Japan time (UTC+09:00, no daylight saving) for chart axes, day boundaries and the --from/--to
 * arguments of `bmeter plot`. Meters keep Japan time and `history` writes slot_start in +09:00, so
 * every date a user sees is a Japan date whatever the host's time zone.
 */
import { BmeterError } from '../errors.js';
import { JAPAN_TIME_FORMS, parseJapanTime } from '../time/calendar.js';

/** The offset of Japan Standard Time from UTC in milliseconds (+9 h, all year). */
export const JST_OFFSET_MS = 9 * 3_600_000;

const pad = (n: number): string => String(n).padStart(2, '0');

/** The Japan calendar date of an instant, 'YYYY-MM-DD'. */
export function japanDate(ms: number): string {
  const d = new Date(ms + JST_OFFSET_MS);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** An instant as Japan wall time, 'YYYY-MM-DD HH:MM'. */
export function japanDateTime(ms: number): string {
  const d = new Date(ms + JST_OFFSET_MS);
  return `${japanDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/** An instant as Japan wall time of day, 'HH:MM'. */
export function japanTime(ms: number): string {
  return japanDateTime(ms).slice(11);
}

/** Epoch ms of 00:00 Japan time on a 'YYYY-MM-DD' date. */
export function japanMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00+09:00`);
}

/**
 * Parses a --from/--to value into epoch ms (src/time/calendar.ts parseJapanTime: a Japan date, a Japan
 * wall time, or ISO 8601 with an offset).
 * @throws BmeterError USAGE for anything else, and for a date or time that does not exist
 */
export function parseTimeArgument(flag: string, value: string): number {
  const ms = parseJapanTime(value);
  if (!Number.isFinite(ms))
    throw new BmeterError('USAGE', `${flag} "${value}" is not a time: give ${JAPAN_TIME_FORMS}`);
  return ms;
}
