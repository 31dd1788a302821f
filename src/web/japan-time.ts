/** Japan time (UTC+09:00, no daylight saving) for the dashboard: day boundaries and labels. */

/** Offset of Japan Standard Time from UTC, ms. */
export const JST_MS = 9 * 3_600_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Epoch ms of 00:00 Japan time of the Japan day holding `ms`. */
export function japanMidnight(ms: number): number {
  return Math.floor((ms + JST_MS) / DAY_MS) * DAY_MS - JST_MS;
}

/** 'YYYY-MM-DD' Japan date of an instant. */
export function japanDate(ms: number): string {
  return new Date(ms + JST_MS).toISOString().slice(0, 10);
}

/** ISO 8601 in Japan time with its offset, as the API takes it: '2026-11-29T00:00:00+09:00'. */
export function japanIso(ms: number): string {
  return `${new Date(ms + JST_MS).toISOString().slice(0, 19)}+09:00`;
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Tokyo',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** 'HH:MM:SS' Japan time. */
export function japanClock(ms: number): string {
  return timeFormat.format(ms);
}
