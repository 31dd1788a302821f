/**
 * The dashboard page of `bmeter serve`: live power and currents from /api/events, the power
 * chart (1 h … 7 days) from /api/readings, half-hour bars for yesterday and today from
 * /api/half-hours, daily kWh for 100 days and this month from /api/daily, the link state, and an
 * empty state while the store has no reading. Reads the JSON API only; holds no secret.
 */
import './style.css';
import { allPages, daily, latest, type ApiDay, type ApiHalfHour, type ApiReading, type ApiStatus } from './api.js';
import { energyBars, powerChart, splitPower } from './charts.js';
import { pickMessages, type Messages } from './i18n.js';
import { DAY_MS, HOUR_MS, japanClock, japanDate, japanIso, japanMidnight } from './japan-time.js';
import { openLive } from './live.js';
import { fillHalfHourTable } from './table.js';

const { lang, t } = pickMessages(navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
document.documentElement.lang = lang;
document.title = `bmeter — ${t.title}`;
for (const el of document.querySelectorAll<HTMLElement>('[data-t]')) {
  const text = t[el.dataset['t'] as keyof Messages];
  if (typeof text === 'string') el.textContent = text;
}

const $ = (id: string): HTMLElement => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el;
};

const RANGES: Record<string, number> = { '1h': HOUR_MS, '6h': 6 * HOUR_MS, '24h': 24 * HOUR_MS, '7d': 7 * DAY_MS };
const HALF_HOUR_MS = 1_800_000;
const numberFormat = new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', { maximumFractionDigits: 1 });
const kwhFormat = new Intl.NumberFormat(lang === 'ja' ? 'ja-JP' : 'en-US', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});

const power = powerChart($('power-chart'), { watts: t.watts, bought: t.bought, sold: t.sold });
const halfHours = energyBars($('half-hour-chart'), { kwh: t.kwhHalfHour, bought: t.bought, sold: t.sold }, false);
const days = energyBars($('daily-chart'), { kwh: t.kwhDay, bought: t.bought, sold: t.sold }, true);

let range = '24h';
let series = { times: [] as number[], watts: [] as number[] };
let lastReadingMs: number | null = null;
let linkState = 'unknown';
let connected = true;
let hasData = false;

function showError(what: string, err: unknown): void {
  const box = $('error');
  box.hidden = false;
  box.textContent = `${t.loadFailed}: ${what} (${err instanceof Error ? err.message : String(err)})`;
}

function showReading(r: ApiReading): void {
  const w = r.power_w;
  const value = $('power-value');
  value.textContent = w === null ? '—' : numberFormat.format(w);
  value.classList.toggle('export', w !== null && w < 0);
  $('power-direction').textContent = w === null ? '' : w < 0 ? t.exporting : t.importing;
  $('current-r').textContent = r.current_r_a === null ? '—' : `${numberFormat.format(r.current_r_a)} A`;
  $('current-t').textContent = r.current_t_a === null ? '—' : `${numberFormat.format(r.current_t_a)} A`;
  const ms = Date.parse(r.timestamp);
  if (Number.isFinite(ms)) {
    lastReadingMs = ms;
    $('last-time').textContent = japanClock(ms);
  }
  showLink();
}

function showLink(): void {
  const pill = $('link-state');
  const state = connected ? linkState : 'reconnecting';
  pill.dataset['state'] = state;
  pill.textContent = connected ? (t.state[linkState] ?? linkState) : t.reconnecting;
  $('last-age').textContent = lastReadingMs === null ? '' : t.ago(Math.max(0, (Date.now() - lastReadingMs) / 1000));
}

function setEmpty(empty: boolean): void {
  $('empty').hidden = !empty;
  for (const el of document.querySelectorAll<HTMLElement>('.needs-data')) el.hidden = empty;
}

async function loadPower(): Promise<void> {
  const now = Date.now();
  const items = await allPages<ApiReading>('/api/readings', {
    from: japanIso(now - (RANGES[range] ?? DAY_MS)),
    to: japanIso(now + 60_000),
    limit: '10000',
  });
  const times: number[] = [];
  const watts: number[] = [];
  for (const r of items) {
    const ms = Date.parse(r.timestamp);
    if (r.power_w !== null && Number.isFinite(ms)) {
      times.push(ms / 1000);
      watts.push(r.power_w);
    }
  }
  series = { times, watts };
  $('power-none').hidden = times.length > 0;
  power.set(splitPower(times, watts), [(now - (RANGES[range] ?? DAY_MS)) / 1000, now / 1000 + 30]);
}

function appendPower(r: ApiReading): void {
  const ms = Date.parse(r.timestamp);
  if (r.power_w === null || !Number.isFinite(ms)) return;
  if (series.times.length > 0 && ms / 1000 <= (series.times.at(-1) ?? 0)) return;
  series.times.push(ms / 1000);
  series.watts.push(r.power_w);
  const oldest = (ms - (RANGES[range] ?? DAY_MS)) / 1000;
  while ((series.times[0] ?? oldest) < oldest) {
    series.times.shift();
    series.watts.shift();
  }
  $('power-none').hidden = true;
  power.set(splitPower(series.times, series.watts), [oldest, ms / 1000 + 30]);
}

async function loadHalfHours(): Promise<void> {
  const yesterday = japanMidnight(Date.now()) - DAY_MS;
  // The half hours that begin yesterday 00:00 … tomorrow 00:00 (the API's rule): marks 00:30 … 24:00 of each day.
  const items = await allPages<ApiHalfHour>('/api/half-hours', {
    from: japanIso(yesterday),
    to: japanIso(yesterday + 2 * DAY_MS),
    limit: '10000',
  });
  const bySlot = new Map(items.map((h) => [Date.parse(h.slot_start), h]));
  const xs: number[] = [];
  const bought: (number | null)[] = [];
  const sold: (number | null)[] = [];
  for (let i = 0; i < 96; i++) {
    const start = yesterday + i * HALF_HOUR_MS;
    const row = bySlot.get(start + HALF_HOUR_MS);
    xs.push(start / 1000);
    bought.push(row?.consumed_kwh ?? null);
    sold.push(row?.exported_kwh === null || row?.exported_kwh === undefined ? null : -row.exported_kwh);
  }
  halfHours.set([xs, bought, sold], [yesterday / 1000, (yesterday + 2 * DAY_MS) / 1000]);
  fillHalfHourTable($('half-hour-table'), items, t);
}

async function loadDaily(): Promise<void> {
  const today = japanMidnight(Date.now());
  const items: ApiDay[] = await daily(japanIso(today - 99 * DAY_MS), japanIso(today + DAY_MS));
  const xs = items.map((d) => Date.parse(`${d.date}T00:00:00+09:00`) / 1000);
  days.set(
    [xs, items.map((d) => d.consumed_kwh), items.map((d) => (d.exported_kwh === null ? null : -d.exported_kwh))],
    [(today - 99 * DAY_MS) / 1000, (today + DAY_MS) / 1000],
  );
  const month = japanDate(Date.now()).slice(0, 7);
  const inMonth = items.filter((d) => d.date.startsWith(month));
  const sum = (pick: (d: ApiDay) => number | null): number => inMonth.reduce((a, d) => a + (pick(d) ?? 0), 0);
  $('month-bought').textContent = `${kwhFormat.format(sum((d) => d.consumed_kwh))} kWh`;
  $('month-sold').textContent = `${kwhFormat.format(sum((d) => d.exported_kwh))} kWh`;
}

async function loadAll(): Promise<void> {
  await Promise.all([
    loadPower().catch((err: unknown) => showError(t.powerChart, err)),
    loadHalfHours().catch((err: unknown) => showError(t.halfHours, err)),
    loadDaily().catch((err: unknown) => showError(t.daily, err)),
  ]);
}

function chooseRange(next: string): void {
  range = next;
  for (const b of document.querySelectorAll<HTMLButtonElement>('#ranges button')) {
    b.setAttribute('aria-pressed', String(b.dataset['range'] === next));
  }
  loadPower().catch((err: unknown) => showError(t.powerChart, err));
}

for (const b of document.querySelectorAll<HTMLButtonElement>('#ranges button')) {
  b.textContent = t.range[b.dataset['range'] ?? ''] ?? b.textContent;
  b.addEventListener('click', () => chooseRange(b.dataset['range'] ?? '24h'));
}

async function start(): Promise<void> {
  // The latest reading and the charts' data are asked for at once: one round trip before first paint.
  const [first] = await Promise.all([
    latest().catch((err: unknown) => {
      showError('/api/latest', err);
      return null;
    }),
    loadAll(),
  ]);
  hasData = first !== null;
  setEmpty(!hasData);
  if (first !== null) showReading(first);
  // Marked on the next frame, once the charts' first drawing is done (tests and the bench wait for it).
  requestAnimationFrame(() => {
    performance.mark('bmeter-ready');
    document.body.dataset['ready'] = 'true';
  });
  openLive({
    reading(r) {
      showReading(r);
      if (!hasData) {
        hasData = true;
        setEmpty(false);
        void loadAll();
      } else appendPower(r);
    },
    status(s: ApiStatus) {
      linkState = s.state;
      if (s.last_reading_age_s !== null && lastReadingMs === null)
        lastReadingMs = Date.now() - s.last_reading_age_s * 1000;
      showLink();
    },
    connection(open) {
      connected = open;
      showLink();
    },
  });
  setInterval(showLink, 1000);
  // Half hours close every 30 min: the bars and the daily sums are read again every 5 min.
  setInterval(() => {
    if (hasData) void Promise.all([loadHalfHours(), loadDaily()]).catch((err: unknown) => showError(t.halfHours, err));
  }, 300_000);
}

void start();
