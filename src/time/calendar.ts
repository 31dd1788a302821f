/**
 * Times a user types (`history --since`, `plot --from/--to`, the API's `from`/`to`, the simulator's
 * `clock=`) and times read from files, checked against the calendar. `Date.parse` rolls a date that does
 * not exist over instead of refusing it (2026-02-30 becomes March 2, 2026-11-31 December 1, T24:00 the next
 * day), so a typo would silently select another day; every such parser goes through this module.
 */

/** `YYYY-MM-DD`, then optionally `THH:MM` and `:SS(.fff)`; what follows (an offset) is not looked at here. */
const FIELDS = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?/;

/**
 * Whether the date and time fields at the start of an ISO 8601 text exist: month 01–12, a day the month has
 * (leap years included), hour 00–23, minute and second 00–59. False when the text does not start with a date.
 */
export function onTheCalendar(text: string): boolean {
  const m = FIELDS.exec(text.trim());
  if (m === null) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map((f) => (f === undefined ? 0 : Number(f)));
  if (y === undefined || mo === undefined || d === undefined) return false;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && (h ?? 0) <= 23 && (mi ?? 0) <= 59 && (s ?? 0) <= 59;
}

/**
 * `Date.parse(text)` (epoch ms) for a text whose date and time fields exist on the calendar; NaN for any
 * other text, as Date.parse gives for what it cannot read.
 */
export function parseCalendarTime(text: string): number {
  return onTheCalendar(text) ? Date.parse(text) : Number.NaN;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A time as a user types it, in epoch ms: a Japan date ('2026-11-29' = its midnight, +09:00), a Japan wall
 * time without an offset ('2026-11-29T12:00', seconds optional), or ISO 8601 with an offset ('…+09:00',
 * '…+0900', '…Z'); surrounding blanks are ignored. NaN for anything else, and for a date or time that does
 * not exist (2026-02-30, T24:00).
 */
export function parseJapanTime(value: string): number {
  const text = value.trim();
  if (DATE_ONLY.test(text)) return parseCalendarTime(`${text}T00:00:00+09:00`);
  if (LOCAL_TIME.test(text)) return parseCalendarTime(`${text}+09:00`);
  if (WITH_OFFSET.test(text)) return parseCalendarTime(text);
  return Number.NaN;
}

/** How parseJapanTime's forms are named in an error message. */
export const JAPAN_TIME_FORMS = '2026-11-29, 2026-11-29T12:00 (Japan time) or 2026-11-29T12:00:00+09:00';
