/**
 * When `bmeter serve` fetches the meter's half-hour record (E2/E4 via E5, PROTOCOL.md §8) and
 * which slots it asks for. Pure functions of times in epoch ms, tested without a meter.
 *
 * - At start: the slots after the newest one in the store, or `historyDays` days on a new file.
 * - After each half-hour mark (plus a settle minute: the meter records the slot at the mark),
 *   which covers the day change: the day holding the last stored slot is fetched again, so the
 *   first new slot's consumption is known.
 * - After a gap in serve's own readings (stick unplugged, meter out of reach): the slots missed
 *   meanwhile, so the outage leaves no hole in half_hours once the link is back.
 * A failed backfill is tried again after `retryMs`, not on every reading; one stopped near the meter's
 * midnight (E5/E2 must not straddle it, §8.1) goes on once it has passed, while the readings go on.
 */
const HALF_HOUR_MS = 30 * 60_000;
const JST_MS = 9 * 3_600_000;
/** The meter writes a slot at its mark; fetching a minute later finds it there. */
export const SETTLE_MS = 60_000;
/** A failed backfill is tried again this long after (meters out of reach for a while). */
export const BACKFILL_RETRY_MS = 5 * 60_000;

export type BackfillReason = 'start' | 'new-slot' | 'day-change' | 'gap' | 'retry' | 'after-midnight';

export interface BackfillState {
  /** When the last backfill finished well (epoch ms); undefined before the first. */
  doneAt?: number;
  /** When the last backfill failed, if it did after `doneAt`. */
  failedAt?: number;
  /** A gap in the readings was seen and not backfilled yet. */
  gap?: boolean;
  /** A backfill stopped near the meter's midnight (§8.1): the rest is due from this instant (epoch ms). */
  deferredUntil?: number;
}

/** Why a backfill is due now, or undefined when none is. */
export function backfillDue(
  state: BackfillState,
  nowMs: number,
  retryMs = BACKFILL_RETRY_MS,
): BackfillReason | undefined {
  if (state.deferredUntil !== undefined) return nowMs >= state.deferredUntil ? 'after-midnight' : undefined;
  if (state.failedAt !== undefined) return nowMs - state.failedAt >= retryMs ? 'retry' : undefined;
  if (state.doneAt === undefined) return 'start';
  if (state.gap === true) return 'gap';
  const before = state.doneAt - SETTLE_MS;
  const now = nowMs - SETTLE_MS;
  if (Math.floor(now / HALF_HOUR_MS) <= Math.floor(before / HALF_HOUR_MS)) return undefined;
  return jstDay(now) !== jstDay(before) ? 'day-change' : 'new-slot';
}

/** What to ask the meter for: the slots after the newest stored one, else `historyDays` days. */
export function backfillRequest(
  lastSlotMs: number | undefined,
  historyDays: number,
): { days: number } | { sinceMs: number } {
  return lastSlotMs === undefined ? { days: historyDays } : { sinceMs: lastSlotMs };
}

/**
 * Whether the time between two successful readings is a gap: more than three intervals, the
 * point where /healthz reports the reader unhealthy too.
 */
export function isReadingGap(previousMs: number | undefined, nowMs: number, intervalMs: number): boolean {
  return previousMs !== undefined && nowMs - previousMs > 3 * intervalMs;
}

function jstDay(ms: number): number {
  return Math.floor((ms + JST_MS) / (24 * 3_600_000));
}
