/**
 * The JSON API of `bmeter serve` as the page uses it: GET /api/latest, /api/readings,
 * /api/half-hours (paged through `next`), /api/daily. Shapes follow the API contract.
 */

/** A reading record as the API gives it (null where the meter gave none). */
export interface ApiReading {
  meter?: string;
  timestamp: string;
  power_w: number | null;
  current_r_a: number | null;
  current_t_a: number | null;
  source?: string;
}

/** A half-hour row: slot_start marks the end of the half hour whose energy is given. */
export interface ApiHalfHour {
  slot_start: string;
  consumed_kwh: number | null;
  exported_kwh: number | null;
}

/** A Japan day summed from half hours. */
export interface ApiDay {
  date: string;
  consumed_kwh: number | null;
  exported_kwh: number | null;
  slots: number;
}

/** A link-state event of /api/events. */
export interface ApiStatus {
  state: 'up' | 'joining' | 'recovering' | 'stopped';
  last_reading_age_s: number | null;
}

interface Page<T> {
  items: T[];
  next: string | null;
}

/** The most pages read for one chart (10,000 items each): a runaway `next` chain stops here. */
const MAX_PAGES = 50;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${new URL(url, location.href).pathname}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** GET /api/latest → the newest reading, or null when the store is empty. */
export async function latest(): Promise<ApiReading | null> {
  return (await getJson<{ reading: ApiReading | null }>('/api/latest')).reading;
}

/** Every item of a paged list, following `next` (relative or absolute) until it is null. */
export async function allPages<T>(path: string, params: Record<string, string>): Promise<T[]> {
  let url: string | null = `${path}?${new URLSearchParams(params).toString()}`;
  const items: T[] = [];
  for (let page = 0; url !== null && page < MAX_PAGES; page++) {
    const body: Page<T> = await getJson<Page<T>>(url);
    for (const item of body.items) items.push(item); // not push(...items): a spread of 10⁵ overflows the stack
    url = body.next === null ? null : new URL(body.next, location.href).toString();
  }
  return items;
}

/** GET /api/daily between two instants (ISO 8601). */
export async function daily(from: string, to: string): Promise<ApiDay[]> {
  return (await getJson<{ items: ApiDay[] }>(`/api/daily?${new URLSearchParams({ from, to }).toString()}`)).items;
}
