/**
 * Query parameters of the JSON API: `from` / `to` (ISO 8601 date-times with an offset or Z, or a
 * bare date meaning Japan-time midnight), `limit` and `after`. Each route names the ones it takes
 * (onlyParams); any other is a BadRequest (400) that lists them. A parameter given empty (`limit=`)
 * counts as absent, for every one of them alike.
 */
import { parseCalendarTime } from '../../time/calendar.js';
import { BadRequest } from './route.js';

export const DEFAULT_LIMIT = 1000;
export const MAX_LIMIT = 10_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The value of parameter `name`, or undefined when it is absent or empty (`?limit=` is no limit given). */
export function param(url: URL, name: string): string | undefined {
  const raw = url.searchParams.get(name);
  return raw === null || raw === '' ? undefined : raw;
}

/**
 * Refuses any parameter but `names` (in the order the route documents them), naming the route and what it takes,
 * and one given twice (`?limit=1&limit=2`: which one was meant?).
 * @throws BadRequest for the first unknown or repeated parameter
 */
export function onlyParams(url: URL, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of url.searchParams.keys()) {
    if (!names.includes(key)) {
      const takes = names.length === 0 ? 'takes no parameters' : `takes ${names.join(', ')}`;
      throw new BadRequest(`unknown parameter ${JSON.stringify(key)}: ${url.pathname} ${takes}`);
    }
    if (seen.has(key)) throw new BadRequest(`${key} is given more than once: give it once`);
    seen.add(key);
  }
}

/** An ISO 8601 parameter as epoch ms; `fallback` when absent or empty. */
export function timeParam(url: URL, name: string, fallback: number): number {
  const raw = param(url, name);
  if (raw === undefined) return fallback;
  // An unencoded "+09:00" in a query string arrives as " 09:00" (form decoding): take it as meant.
  const fixed = raw.replace(/ (\d{2}:\d{2})$/, '+$1');
  const text = DATE.test(fixed) ? `${fixed}T00:00:00+09:00` : fixed;
  const ms = ISO.test(text) ? parseCalendarTime(text) : NaN;
  if (!Number.isFinite(ms)) {
    throw new BadRequest(
      `${name}=${JSON.stringify(raw)} is neither a date (2024-05-01, Japan time) nor an ISO 8601 time with an ` +
        'offset (2024-05-01T12:00:00+09:00)',
    );
  }
  return ms;
}

/** `limit`: a whole number 1 … MAX_LIMIT (default DEFAULT_LIMIT, when absent or empty). */
export function limitParam(url: URL): number {
  const raw = param(url, 'limit');
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new BadRequest(`limit=${JSON.stringify(raw)} must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  return n;
}

/**
 * `after`, the row number a page ended at (the `next` link gives it with that row's time as `from`): a whole
 * number, or undefined when absent or empty.
 */
export function afterParam(url: URL): number | undefined {
  const raw = param(url, 'after');
  if (raw === undefined) return undefined;
  if (!/^\d{1,18}$/.test(raw))
    throw new BadRequest(`after=${JSON.stringify(raw)} must be a row number from a next link`);
  if (param(url, 'from') === undefined)
    throw new BadRequest('after needs the from it came with (follow the next link)');
  return Number(raw);
}

/** `from` and `to` with their defaults (to: now; from: to − `span`); from must lie before to. */
export function rangeParams(url: URL, nowMs: number, spanMs: number, maxSpanMs?: number): { from: number; to: number } {
  const to = timeParam(url, 'to', nowMs);
  const from = timeParam(url, 'from', to - spanMs);
  if (from >= to) throw new BadRequest('from must be earlier than to');
  if (maxSpanMs !== undefined && to - from > maxSpanMs) {
    throw new BadRequest(`from … to spans more than ${Math.round(maxSpanMs / 86_400_000)} days`);
  }
  return { from, to };
}
