/**
 * `bmeter plot`: one chart (power, half-hours or daily) from the store or a poll/history file, as
 * an SVG or PNG file or drawn in the terminal. The chart libraries load only when a file is drawn.
 */
import { BmeterError } from '../errors.js';
import { japanDateTime } from './japan-time.js';
import { readPlotFile, type Warn } from './file-points.js';
import { readStore } from './read-store.js';
import {
  dailySums,
  HALF_HOUR_MS,
  halfHoursInRange,
  hasValue,
  inRange,
  MINUTE_MS,
  type ChartKind,
  type Extent,
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
  /** Told, as one line each, what plot skipped or chose in an --input file (the CLI's logger at warn). */
  warn: Warn;
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
 * @throws BmeterError USAGE: unreadable or empty input, a chart the input cannot give, --from not before the
 *   --to that defaulted to now (--db), no value to draw in the range, an --out file that exists (without --force)
 *   or cannot be written; WRITE_FAILED (exit 1): the chart file could not be written whole (a full disk), and
 *   what was written of it was removed
 */
export async function runPlot(options: PlotOptions): Promise<PlotSummary> {
  const target = options.target;
  if ('db' in options.source && options.toMs === undefined && (options.fromMs ?? -Infinity) >= options.nowMs) {
    throw new BmeterError(
      'USAGE',
      `--from must be before --to, which defaulted to now (${japanDateTime(options.nowMs)} Japan time): ` +
        'give an earlier --from, or a later --to',
    );
  }
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
  const stepMs = data.kind === 'half-hours' ? data.stepMs : HALF_HOUR_MS;
  const points =
    data.kind === 'readings'
      ? inRange(data.points, options.fromMs, options.toMs)
      : halfHoursInRange(data.points, options.fromMs, options.toMs, stepMs);
  const drawable = data.kind === 'readings' ? points.length > 0 : (points as HalfHourPoint[]).some(hasValue);
  if (!drawable) throw new BmeterError('USAGE', nothingToDraw(options, data));
  const slots = points as HalfHourPoint[];
  const drawn = chart === 'daily' ? dailySums(slots, stepMs) : points;
  if (target.kind === 'terminal') {
    const size = { width: target.width, height: target.height, colour: target.colour };
    const text =
      chart === 'power'
        ? terminalPowerChart(points as PowerPoint[], size)
        : chart === 'half-hours'
          ? terminalHalfHourChart(slots, size, stepMs)
          : terminalDailyChart(dailySums(slots, stepMs), size);
    target.stream.write(`${text}\n`);
    return { chart, points: drawn.length };
  }
  const size = { width: 900, height: 360 };
  const spec: VegaLiteSpec =
    chart === 'power'
      ? powerSpec(points as PowerPoint[], size)
      : chart === 'half-hours'
        ? halfHourSpec(slots, size, stepMs)
        : dailySpec(dailySums(slots, stepMs), size);
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
  if ('input' in options.source) return readPlotFile(options.source.input, options.warn);
  const chart = options.chart ?? 'power';
  return readStore({ path: options.source.db, chart, ...storeRange(options), nodeVersion: options.nodeVersion });
}

function describe(options: PlotOptions): string {
  return 'input' in options.source ? `--input ${options.source.input}` : `--db ${options.source.db}`;
}

/**
 * The one line saying the range holds no value to draw, and where the source has values: `--db x has no
 * half-hour values from … to … (Japan time); it has them from … to …`.
 */
function nothingToDraw(options: PlotOptions, data: PlotData): string {
  const step = data.kind === 'half-hours' ? data.stepMs : 0;
  const what =
    data.kind === 'readings' ? 'power readings' : step === MINUTE_MS ? 'one-minute values' : 'half-hour values';
  const head = `nothing to plot: ${describe(options)} has no ${what}`;
  const range = rangeText(options);
  const extent = data.extent !== undefined ? data.extent : extentOf(data);
  if (range === '') {
    const empty = data.kind === 'readings' ? 'power_w is empty' : 'consumed_kwh and exported_kwh are empty';
    return `${head} (${empty} in every record)`;
  }
  if (extent === null) return `${head}${range}, nor at any other time`;
  const first = japanDateTime(extent.firstMs - step);
  return `${head}${range}; it has them from ${first} to ${japanDateTime(extent.lastMs)}`;
}

/** The first and last time with a value among all the points of a source. */
function extentOf(data: PlotData): Extent | null {
  const times = data.kind === 'readings' ? data.points : data.points.filter(hasValue);
  const first = times[0];
  const last = times.at(-1);
  return first === undefined || last === undefined ? null : { firstMs: first.ms, lastMs: last.ms };
}

function rangeText(options: PlotOptions): string {
  const range = 'db' in options.source ? storeRange(options) : options;
  const from = range.fromMs === undefined ? '' : ` from ${japanDateTime(range.fromMs)}`;
  const to = range.toMs === undefined ? '' : ` to ${japanDateTime(range.toMs)}`;
  return from === '' && to === '' ? '' : `${from}${to} (Japan time)`;
}
