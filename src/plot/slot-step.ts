/**
 * The length of the slots of history rows: half hours (E2/E4, history's default and the store), or
 * one minute (history --resolution 1m, Release R). Both write the same columns, so the rows tell
 * only by their marks: half-hour marks all fall on :00 or :30 (Japan time is UTC+9, a whole number
 * of half hours, so the grid is that of epoch ms); a minute series leaves the grid at its next mark.
 */
import { HALF_HOUR_MS, MINUTE_MS, type HalfHourPoint } from './series.js';

/** MINUTE_MS when a slot mark is off the half-hour grid, else HALF_HOUR_MS (a lone 1m row at :00 or :30 too). */
export function slotStep(points: readonly HalfHourPoint[]): number {
  return points.some((p) => p.ms % HALF_HOUR_MS !== 0) ? MINUTE_MS : HALF_HOUR_MS;
}
