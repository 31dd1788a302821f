/**
 * `bmeter plot`: one chart (power, half-hours or daily) from the store or a poll/history file, as
 * an SVG or PNG file or drawn in the terminal. The chart libraries load only when a file is drawn.
 */
import { BmeterError } from '../errors.js';
import { japanDateTime } from './japan-time.js';
import { readPlotFile } from './read-file.js';
import { readStore } from './read-store.js';
import {
  dailySums,
  halfHoursInRange,
  inRange,
  type ChartKind,
  type HalfHourPoint,
  type PlotData,
  type PowerPoint,
} from './series.js';
import { terminalDailyChart, terminalHalfHourChart, terminalPowerChart } from './terminal-chart.js';
import { dailySpec, halfHourSpec, powerSpec, type VegaLiteSpec } from './vega-spec.js';
import { checkChartFile, writeChartFile } from './write-out.js';

/** Where the data comes from: the SQLite store, or a CSV / JSON-lines file of poll or history. */
export type PlotSource = { db: string } | { input: string };

/** Where the chart goes: an .svg or .png file, or a terminal stream. */
export type PlotTarget =
  | { kind: 'svg' | 'png'; path: string; force: boolean }
  | { kind: 'terminal'; stream: NodeJS.WritableStream; width: number; height: number; colour: boolean };

/** Everything `runPlot` needs; `nowMs` (the host clock) sets the default range of a store query. */
export interface PlotOptions {
  source: PlotSource;
  chart?: ChartKind;
  fromMs?: number;
  toMs?: number;
  target: PlotTarget;
  nowMs: number;
  nodeVersion: string;
  pid: number;
}

/** What was drawn. */
export interface PlotSummary {
  chart: ChartKind;
  /** data points drawn: readings, half hours or days */
  points: number;
}

const HOUR_MS = 3_600_000;
/** How far back a store query reaches when --from is not given. */
const DEFAULT_SPAN_MS: Record<ChartKind, number> = {
  power: 24 * HOUR_MS,
  'half-hours': 48 * HOUR_MS,
  daily: 100 * 24 * HOUR_MS,
};

/**
 * Loads, checks and draws.
 * @throws BmeterError USAGE: unreadable or empty input, a chart the input cannot give, nothing in range, an --out
 *   file that exists (without --force) or cannot be written; WRITE_FAILED (exit 1): the chart file could not be
 *   written whole (a full disk), and what was written of it was removed
 */
export async function runPlot(options: PlotOptions): Promise<PlotSummary> {
  const target = options.target;
  if (target.kind !== 'terminal') await checkChartFile(target.path, target.force);
  const data = await load(options);
  const chart = options.chart ?? (data.kind === 'readings' ? 'power' : 'half-hours');
  if (chart === 'power' && data.kind !== 'readings') {
    throw new BmeterError(
      'USAGE',
      'this input holds half-hour rows (history): use --chart half-hours or --chart daily',
    );
  }
  if (chart !== 'power' && data.kind !== 'half-hours') {
    throw new BmeterError(
      'USAGE',
      `this input holds power readings (poll): --chart ${chart} needs half-hour rows from history or the store`,
    );
  }
  const points =
    data.kind === 'readings'
      ? inRange(data.points, options.fromMs, options.toMs)
      : halfHoursInRange(data.points, options.fromMs, options.toMs);
  if (points.length === 0)
    throw new BmeterError('USAGE', `nothing to plot: ${describe(options)} has no ${data.kind}${rangeText(options)}`);
  const drawn = chart === 'daily' ? dailySums(points as HalfHourPoint[]) : points;
  if (target.kind === 'terminal') {
    const size = { width: target.width, height: target.height, colour: target.colour };
    const text =
      chart === 'power'
        ? terminalPowerChart(points as PowerPoint[], size)
        : chart === 'half-hours'
          ? terminalHalfHourChart(points as HalfHourPoint[], size)
          : terminalDailyChart(dailySums(points as HalfHourPoint[]), size);
    target.stream.write(`${text}\n`);
    return { chart, points: drawn.length };
  }
  const size = { width: 900, height: 360 };
  const spec: VegaLiteSpec =
    chart === 'power'
      ? powerSpec(points as PowerPoint[], size)
      : chart === 'half-hours'
        ? halfHourSpec(points as HalfHourPoint[], size)
        : dailySpec(dailySums(points as HalfHourPoint[]), size);
  const { renderSvg, renderPng } = await import('./render-svg.js');
  const svg = await renderSvg(spec);
  await writeChartFile(target.path, target.kind === 'svg' ? svg : await renderPng(svg), target.force, options.pid);
  return { chart, points: drawn.length };
}

/** The range a store query covers: --from/--to, else the default span ending now. */
function storeRange(options: PlotOptions): { fromMs: number; toMs: number } {
  const toMs = options.toMs ?? options.nowMs;
  return { fromMs: options.fromMs ?? toMs - DEFAULT_SPAN_MS[options.chart ?? 'power'], toMs };
}

async function load(options: PlotOptions): Promise<PlotData> {
  if ('input' in options.source) return readPlotFile(options.source.input);
  const chart = options.chart ?? 'power';
  return readStore({ path: options.source.db, chart, ...storeRange(options), nodeVersion: options.nodeVersion });
}

function describe(options: PlotOptions): string {
  return 'input' in options.source ? `--input ${options.source.input}` : `--db ${options.source.db}`;
}

function rangeText(options: PlotOptions): string {
  const range = 'db' in options.source ? storeRange(options) : options;
  const from = range.fromMs === undefined ? '' : ` from ${japanDateTime(range.fromMs)}`;
  const to = range.toMs === undefined ? '' : ` to ${japanDateTime(range.toMs)}`;
  return from === '' && to === '' ? '' : `${from}${to} (Japan time)`;
}
