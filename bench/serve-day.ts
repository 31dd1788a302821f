/**
 * The store and the API of `bmeter serve` measured directly: a day of one-second readings
 * (86,400, committed one by one as serve does) into a real SQLite file, then 100 days of
 * half-hours and the `/api/half-hours` query over them through the real listener. A simulated
 * day of serve itself (86,400 Get round trips) takes far longer than a bench run on this 2-core
 * machine, so the reading loop is measured separately (serve-run.ts). Runs as its own process on
 * a Node with node:sqlite, from the measured tree's dist/, transpiled to plain JavaScript first
 * (cases-serve.ts: Node's type stripping would add its own memory to the RSS figures):
 * `node --expose-gc serve-day.mjs <root> <dir>`; prints JSON.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

type StoreModule = typeof import('../src/output/store/store.js');
type SqliteModule = typeof import('../src/output/store/sqlite.js');
type ApiModule = typeof import('../src/serve/http/api-routes.js');
type ServerModule = typeof import('../src/serve/http/server.js');
type EventsModule = typeof import('../src/serve/events.js');
type LoggerModule = typeof import('../src/log/logger.js');

export interface ServeDayResult {
  readings: number;
  stored: number;
  writeMedianMs: number;
  writeP99Ms: number;
  writeMaxMs: number;
  bytesPer10k: number;
  memory: { readings: number; heapUsedMiB: number; rssMiB: number }[];
  halfHourSlots: number;
  halfHoursQueryMedianMs: number;
  halfHoursQueryMaxMs: number;
  readingsDayPageMedianMs: number;
}

const [root = '.', dir = '.'] = process.argv.slice(2);
const load = <T>(path: string): Promise<T> => import(pathToFileURL(join(root, 'dist', path)).href) as Promise<T>;
const { openStore } = await load<StoreModule>('output/store/store.js');
const { loadSqlite } = await load<SqliteModule>('output/store/sqlite.js');
const { apiRoutes } = await load<ApiModule>('serve/http/api-routes.js');
const { startHttpServer } = await load<ServerModule>('serve/http/server.js');
const { ServeEvents } = await load<EventsModule>('serve/events.js');
const { silentLogger } = await load<LoggerModule>('log/logger.js');

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const MiB = 1024 * 1024;
const METER = '001c640003dd6393';
const DAY_START = Date.parse('2024-05-01T00:00:00+09:00');
const READINGS = 86_400;
const path = join(dir, 'serve-day.db');
const DatabaseSync = await loadSqlite('bench', process.version);
const store = openStore(path, { DatabaseSync, lock: { pid: process.pid, isAlive: () => true } });

const iso = (ms: number): string => `${new Date(ms + 9 * 3_600_000).toISOString().slice(0, 23)}+09:00`;
const sample = (readings: number) => {
  gc();
  const m = process.memoryUsage();
  return { readings, heapUsedMiB: m.heapUsed / MiB, rssMiB: m.rss / MiB };
};

const times = new Float64Array(READINGS);
const memory = [sample(0)];
for (let i = 0; i < READINGS; i++) {
  const ms = DAY_START + i * 1000;
  const power = 300 + Math.round(200 * Math.sin(i / 600));
  const mark = ms - (ms % 1_800_000);
  const record = {
    timestamp: iso(ms),
    power_w: power,
    current_r_a: Math.round(power * 0.055) / 10,
    current_t_a: Math.round(power * 0.045) / 10,
    energy_normal_kwh: 12345.6 + Math.floor(i / 36) / 10,
    energy_reverse_kwh: 0,
    fixed_normal_at: `${iso(mark).slice(0, 19)}+09:00`,
    fixed_normal_kwh: 12345.5,
    fixed_reverse_at: `${iso(mark).slice(0, 19)}+09:00`,
    fixed_reverse_kwh: 0,
    source: 'poll' as const,
  };
  const t0 = performance.now();
  store.insertReading(METER, record);
  times[i] = performance.now() - t0;
  if ((i + 1) % 21_600 === 0) memory.push(sample(i + 1));
}

// 100 days of half-hours (today and 99 days back), as the backfill writes them.
const slots = [];
for (let k = 0; k < 100 * 48; k++) {
  const ms = DAY_START - 99 * 86_400_000 + k * 1_800_000;
  slots.push({
    slot_start: `${iso(ms).slice(0, 19)}+09:00`,
    energy_normal_kwh: 10000 + k * 0.2,
    energy_reverse_kwh: 0,
    consumed_kwh: 0.2,
    exported_kwh: 0,
  });
}
store.upsertHalfHours(METER, slots);

const clock = { now: () => DAY_START + 86_400_000, setTimeout: () => 0, clearTimeout: () => undefined };
const server = await startHttpServer(
  { host: '127.0.0.1', port: 0 },
  apiRoutes({ store, meter: METER, clock, events: new ServeEvents(), status: () => ({}) }),
  silentLogger(),
);
const base = `http://127.0.0.1:${server.address.port}`;
const timeGet = async (url: string, expect: number): Promise<number> => {
  const t0 = performance.now();
  const body = (await (await fetch(url)).json()) as { items: unknown[] };
  const took = performance.now() - t0;
  if (body.items.length !== expect) throw new Error(`${url}: ${body.items.length} items, expected ${expect}`);
  return took;
};
// All 4,800: the API counts a half hour where it begins, 30 min before its mark.
const hundredDays = `${base}/api/half-hours?from=${encodeURIComponent(iso(DAY_START - 99 * 86_400_000 - 1_800_000))}&to=${encodeURIComponent(iso(DAY_START + 86_400_000 - 1_800_000))}&limit=10000`;
const queryTimes: number[] = [];
for (let i = 0; i < 21; i++) queryTimes.push(await timeGet(hundredDays, 4800));
const dayPage = `${base}/api/readings?from=${encodeURIComponent(iso(DAY_START))}&limit=10000`;
const pageTimes: number[] = [];
for (let i = 0; i < 11; i++) pageTimes.push(await timeGet(dayPage, 10_000));
await server.close();
const stored = Number(store.readings(METER, DAY_START, DAY_START + 86_400_000, 100_000).length);
store.close();

const sorted = [...times].sort((a, b) => a - b);
const pct = (arr: readonly number[], p: number): number =>
  arr[Math.min(arr.length - 1, Math.floor(p * arr.length))] ?? NaN;
const med = (arr: number[]): number =>
  pct(
    [...arr].sort((a, b) => a - b),
    0.5,
  );
const result: ServeDayResult = {
  readings: READINGS,
  stored,
  writeMedianMs: pct(sorted, 0.5),
  writeP99Ms: pct(sorted, 0.99),
  writeMaxMs: sorted[sorted.length - 1] ?? NaN,
  bytesPer10k: statSync(path).size / (READINGS / 10_000),
  memory,
  halfHourSlots: 4800,
  halfHoursQueryMedianMs: med(queryTimes),
  halfHoursQueryMaxMs: Math.max(...queryTimes),
  readingsDayPageMedianMs: med(pageTimes),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
