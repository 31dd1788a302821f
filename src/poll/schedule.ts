/**
 * Poll scheduling without drift: reading k is due at start + k × interval, whatever the time
 * the readings before it took. A slot whose time has already passed when the previous reading
 * ends is skipped (never two readings back to back to "catch up"). Pure arithmetic on ms.
 */

export interface Slot {
  /** 0-based slot number since the start of the run. */
  index: number;
  /** When the slot is due (epoch ms). */
  at: number;
  /** Slots passed over because their time had gone by. */
  skipped: number;
}

/**
 * The slot after `previous` that is due at or after `now`. With interval 0 (back-to-back
 * readings) it is simply the next index, due now.
 */
export function nextSlot(startMs: number, intervalMs: number, previous: number, nowMs: number): Slot {
  if (intervalMs <= 0) return { index: previous + 1, at: nowMs, skipped: 0 };
  let index = previous + 1;
  const earliest = Math.ceil((nowMs - startMs) / intervalMs);
  if (earliest > index) index = earliest;
  return { index, at: startMs + index * intervalMs, skipped: index - previous - 1 };
}

/** Milliseconds to wait until `slot` from `nowMs` (0 when due). */
export function delayUntil(slot: Slot, nowMs: number): number {
  return Math.max(0, slot.at - nowMs);
}
