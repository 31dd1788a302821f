/**
 * Calendar arithmetic for `bmeter history` in Japan time (no DST, fixed +09:00; docs/protocol.md §8):
 * which days to fetch, the E5 offset of each day from the meter's today (§8.1 "date = meter's
 * current date − day"), slot times, and the guard that keeps a SetC E5 / Get E2 pair from being
 * split by the meter's midnight (§8.1, after momonga's README).
 */
import { BmeterError } from '../errors.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const JST = 9 * 60 * MINUTE;
/** E5 reaches 99 days back: today and 99 days before it (§8 E5). */
export const MAX_HISTORY_DAYS = 100;

/** A Japan-time calendar date, "YYYY-MM-DD". */
export type JstDate = string;

/**
 * The Japan-time (UTC+9, no DST) calendar date of epoch milliseconds `ms`, as "YYYY-MM-DD".
 */
export function jstDate(ms: number): JstDate {
  return new Date(ms + JST).toISOString().slice(0, 10);
}

/** Minutes since Japan-time midnight (with fractions). */
export function jstMinuteOfDay(ms: number): number {
  return ((((ms + JST) % DAY) + DAY) % DAY) / MINUTE;
}

function dayNumber(date: JstDate): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new BmeterError('DECODE', `not a date: ${date}`);
  return Math.round(ms / DAY);
}

/**
 * The Japan-time date `days` days after `date` (before it for a negative count); throws DECODE for a string that is
 * not a date.
 */
export function addDays(date: JstDate, days: number): JstDate {
  return new Date((dayNumber(date) + days) * DAY).toISOString().slice(0, 10);
}

/** Whole days from `earlier` to `later` (later − earlier). */
export function daysBetween(later: JstDate, earlier: JstDate): number {
  return dayNumber(later) - dayNumber(earlier);
}

/** Epoch ms of half-hour slot k (0–47) of a Japan-time date: 00:00 + 30 min × k (§8 E2). */
export function slotMs(date: JstDate, k: number, stepMinutes = 30): number {
  return dayNumber(date) * DAY - JST + k * stepMinutes * MINUTE;
}

/** "2024-05-01T12:30:00+09:00" for an instant (seconds kept). */
export function isoJstOf(ms: number): string {
  return `${new Date(ms + JST).toISOString().slice(0, 19)}+09:00`;
}

export interface DayRequest {
  /** --days N (today and the N−1 days before) */
  days?: number;
  /** --day D (0 = today … 99) */
  day?: number;
  /** Slots after this instant only; without days/day, fetch back to the day holding it. */
  sinceMs?: number;
}

export interface DayPlan {
  /** Dates to fetch, oldest first. */
  dates: JstDate[];
  /** Set when `since` lies before the oldest day the meter keeps. */
  truncated: boolean;
}

/** The days to fetch, oldest first, never more than the meter keeps (today − 99 … today). */
export function planDays(today: JstDate, request: DayRequest): DayPlan {
  if (request.day !== undefined) return { dates: [addDays(today, -request.day)], truncated: false };
  let count = request.days;
  let truncated = false;
  if (count === undefined && request.sinceMs !== undefined) {
    // The day holding the `since` slot itself is fetched too: its value is the previous slot of
    // the first new one, so that slot's consumption is known (no null at a day boundary).
    const back = daysBetween(today, jstDate(request.sinceMs));
    if (back >= MAX_HISTORY_DAYS) truncated = true;
    count = Math.min(MAX_HISTORY_DAYS, Math.max(1, back + 1));
  }
  count = Math.min(MAX_HISTORY_DAYS, count ?? 1);
  const dates: JstDate[] = [];
  for (let i = count - 1; i >= 0; i--) dates.push(addDays(today, -i));
  return { dates, truncated };
}

/** What the meter's clock was at a host instant (from 98/97, else the host clock). */
export interface MeterClock {
  date: JstDate;
  /** hh × 60 + mm from 97 (seconds unknown: the real time is up to a minute later) */
  minute: number;
  /** Host Date.now() when it was read. */
  readAt: number;
  source: 'meter' | 'host';
}

/**
 * Milliseconds to wait before the next SetC E5 / Get E2 pair so that the meter's midnight cannot
 * fall between them: 0 when the meter's clock (estimated from the last 98/97 read plus elapsed
 * host time) is outside [midnight − guard − 1 min, midnight + 1 min). Otherwise the wait until
 * the estimate is safely past 00:01, after which the caller re-reads 98/97.
 */
export function midnightWaitMs(clock: MeterClock, nowMs: number, guardMs: number): number {
  const elapsedMin = (nowMs - clock.readAt) / MINUTE;
  // 97 drops the seconds: the meter's time lies in [est, est + 1 min).
  const est = clock.minute + elapsedMin;
  const dayMin = 24 * 60;
  const untilMidnight = dayMin - (est % dayMin) - 1; // worst case (seconds = 59)
  const sinceMidnight = est % dayMin;
  const crossedAlready = est >= dayMin; // a whole day passed? then the clock is stale anyway
  if (crossedAlready) return 0;
  if (untilMidnight * MINUTE < guardMs + MINUTE) return Math.ceil((dayMin + 1 - est) * MINUTE);
  if (sinceMidnight < 1) return Math.ceil((1 - sinceMidnight) * MINUTE);
  return 0;
}

/** Whether the estimated meter time has passed its midnight since the clock was read. */
export function clockStale(clock: MeterClock, nowMs: number): boolean {
  return clock.minute + (nowMs - clock.readAt) / MINUTE >= 24 * 60 - 1;
}
