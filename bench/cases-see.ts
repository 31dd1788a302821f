/**
 * "See the power" figures: the dashboard's first paint in headless Chromium with 7 days of 30-s
 * readings (20,160) and 100 days of half hours (4,800) behind the API, and `bmeter plot` of 100
 * days of half hours. The data is generated (a daily load curve with midday export, fixed
 * formula, no randomness) and served by the API test double (test/fixtures/fake-api.ts) with the
 * real dashboard routes; serve's own store was not on this branch.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startFakeApi, type FakeApi } from '../test/fixtures/fake-api.js';
import { entryTime, nextFrame, openDashboard, waitForNumber } from '../test/browser/helpers/dashboard-browser.js';
import type { BenchContext } from './lib/context.js';
import type { Machine } from './lib/machine.js';
import { figure, show, type Figure } from './lib/stats.js';

/** The figures of this section. */
export interface SeeFigures {
  readings: number;
  halfHours: number;
  firstContentfulPaintMs: Figure;
  readyMs: Figure;
  sevenDaysMs: Figure;
  plotDailyMs: Figure;
  plotHalfHoursMs: Figure;
  plotPngMs: Figure;
  plotTerminalMs: Figure;
  /** 1-minute load average when the measurement ended (the machine is shared) */
  loadAverage?: number;
}

const JST_MS = 9 * 3_600_000;
const iso = (ms: number): string => `${new Date(ms + JST_MS).toISOString().slice(0, 19)}+09:00`;

/** Watts at an instant: a base load, an evening peak, and export around noon. */
function watts(ms: number): number {
  const hour = ((ms + JST_MS) / 3_600_000) % 24;
  const evening = hour > 17 && hour < 23 ? 1500 : 0;
  const solar = hour > 9 && hour < 15 ? -1800 * Math.sin(((hour - 9) / 6) * Math.PI) : 0;
  return Math.round(400 + evening + solar + 150 * Math.sin(ms / 600_000));
}

function fill(api: FakeApi, now: number): void {
  for (let ms = now - 7 * 86_400_000; ms <= now; ms += 30_000) {
    api.readings.push({ timestamp: iso(ms), power_w: watts(ms), current_r_a: 5, current_t_a: 3 });
  }
  const firstSlot = Math.floor(now / 1_800_000) * 1_800_000 - 4799 * 1_800_000;
  for (let i = 0; i < 4800; i++) {
    const slot = firstSlot + i * 1_800_000;
    const w = watts(slot - 900_000);
    api.halfHours.push({
      slot_start: iso(slot),
      consumed_kwh: w > 0 ? w / 2000 : 0,
      exported_kwh: w < 0 ? -w / 2000 : 0,
    });
  }
}

function halfHourCsv(api: FakeApi): string {
  const rows = api.halfHours.map((h) => `${h.slot_start},,,${h.consumed_kwh},${h.exported_kwh}`);
  return `slot_start,energy_normal_kwh,energy_reverse_kwh,consumed_kwh,exported_kwh\n${rows.join('\n')}\n`;
}

function timePlot(ctx: BenchContext, args: string[]): number[] {
  const times: number[] = [];
  for (let i = 0; i < ctx.runs; i++) {
    const started = performance.now();
    const run = spawnSync(process.execPath, [ctx.bin, 'plot', ...args, '--force'], {
      cwd: ctx.tmp,
      env: ctx.env,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`bmeter plot ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    times.push(performance.now() - started);
  }
  return times;
}

/** Measures; `ctx.runs` page loads and plot runs of each kind. */
export async function seeCases(ctx: BenchContext): Promise<SeeFigures> {
  const api = await startFakeApi();
  const fcp: number[] = [];
  const ready: number[] = [];
  const seven: number[] = [];
  try {
    fill(api, Date.now());
    ctx.log(`see: dashboard with ${api.readings.length} readings and ${api.halfHours.length} half hours`);
    for (let i = 0; i < ctx.runs + 1; i++) {
      const session = await openDashboard(api.baseUrl);
      try {
        const m = {
          fcp: await entryTime(session.page, 'first-contentful-paint'),
          ready: await entryTime(session.page, 'bmeter-ready'),
        };
        const t0 = Date.now();
        await session.page.click('button[data-range="7d"]');
        // every reading of the 7 days but the few that aged out since the data was made
        await waitForNumber(session.page, '#power-chart', 'data-points', 2 * (api.readings.length - 100), 30_000);
        await nextFrame(session.page);
        if (i === ctx.runs) await session.screenshot('dashboard-bench-7d.png'); // test-artifacts/, to look at
        if (i > 0) {
          // the first load warms Chromium's caches and is not counted
          fcp.push(m.fcp);
          ready.push(m.ready);
          seven.push(Date.now() - t0);
        }
      } finally {
        await session.close();
      }
    }
    const csv = join(ctx.tmp, 'half-hours-100d.csv');
    writeFileSync(csv, halfHourCsv(api));
    return {
      readings: api.readings.length,
      halfHours: api.halfHours.length,
      firstContentfulPaintMs: figure(fcp, 'ms'),
      readyMs: figure(ready, 'ms'),
      sevenDaysMs: figure(seven, 'ms'),
      plotDailyMs: figure(timePlot(ctx, ['--input', csv, '--chart', 'daily', '--out', 'daily.svg']), 'ms'),
      plotHalfHoursMs: figure(timePlot(ctx, ['--input', csv, '--chart', 'half-hours', '--out', 'hh.svg']), 'ms'),
      plotPngMs: figure(timePlot(ctx, ['--input', csv, '--chart', 'daily', '--out', 'daily.png']), 'ms'),
      plotTerminalMs: figure(timePlot(ctx, ['--input', csv, '--chart', 'daily', '--out', '-']), 'ms'),
      loadAverage: Math.round((loadavg()[0] ?? 0) * 10) / 10,
    };
  } finally {
    await api.close();
  }
}

const mark = (f: Figure, target: number): string => `${show(f)} ${f.median <= target ? '✅' : '❌'}`;

/** The BENCHMARKS.md section for these figures. */
export function renderSee(see: SeeFigures | undefined, machine?: Machine): string[] {
  if (see === undefined) return [];
  const load =
    see.loadAverage === undefined
      ? ''
      : ` (1-minute load average ${see.loadAverage} at the end: the machine was shared, so these are upper bounds)`;
  const where =
    machine === undefined
      ? ''
      : ` Measured on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.date}${load}.`;
  return [
    '',
    '## See the power: dashboard and `bmeter plot`',
    '',
    [
      `Data: generated (a fixed daily curve with midday export), ${see.readings} readings 30 s apart over 7 days`,
      `and ${see.halfHours} half hours (100 days), served by the API test double (test/fixtures/fake-api.ts) with the`,
      "real dashboardRoutes(); the real `serve` store was not on this branch. Chromium: Debian's /usr/bin/chromium,",
      "headless, one warm-up page load not counted, a new page per run. Times of the page are the browser's own",
      '(performance marks from navigation start). `bmeter plot` runs are process start → exit, from a history CSV',
      `of the 100 days.${where} Reproduce: \`BENCH_LABEL=see BENCH_ONLY=see npm run bench\`.`,
    ].join(' '),
    '',
    '| What | Target | Measured |',
    '|---|---|---|',
    `| dashboard first contentful paint | — | ${show(see.firstContentfulPaintMs)} |`,
    '| dashboard first paint with data: live value, 24 h power chart, half-hour bars, 100-day bars drawn ' +
      `(\`bmeter-ready\` mark) | ≤ 1000 ms | ${mark(see.readyMs, 1000)} |`,
    `| switch the power chart to 7 days (${see.readings} points, 3 pages of /api/readings) | — | ` +
      `${show(see.sevenDaysMs)} |`,
    '| `bmeter plot --chart daily` of 100 days of half hours → SVG | ≤ 2000 ms | ' + `${mark(see.plotDailyMs, 2000)} |`,
    `| \`bmeter plot --chart half-hours\` of 100 days (${see.halfHours * 2} bars) → SVG | ≤ 2000 ms | ` +
      `${mark(see.plotHalfHoursMs, 2000)} |`,
    `| \`bmeter plot --chart daily\` → PNG | — | ${show(see.plotPngMs)} |`,
    `| \`bmeter plot --chart daily --out -\` (terminal) | — | ${show(see.plotTerminalMs)} |`,
  ];
}
