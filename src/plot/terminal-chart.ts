/**
 * Charts drawn with Unicode characters for `bmeter plot --out -`: power as a braille line (each
 * cell holds 2 × 4 dots), energy as bars of eighth blocks, import up from zero and export down.
 * When there are more values than columns, each column shows the mean of its values.
 */
import { japanDate, japanDateTime } from './japan-time.js';
import { HALF_HOUR_MS, slotName, type DailyPoint, type HalfHourPoint, type PowerPoint } from './series.js';
import { bodyColumns, bodyRows, frameChart, type TerminalSize } from './terminal-grid.js';
import { count } from '../log/count.js';

/** Options of the terminal charts. */
export interface TerminalOptions extends TerminalSize {
  /** ANSI colours (a terminal): import blue, export green. */
  colour: boolean;
}

const BLUE = '\u001b[34m';
const GREEN = '\u001b[32m';
const RESET = '\u001b[0m';
/** Braille dot bits by [x][y] within a cell (Unicode braille patterns, U+2800 + bits). */
const DOT = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
] as const;
const EIGHTHS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** The value range a chart spans, zero included: a loop, as Math.max(...values) overflows the stack on ~125,000. */
function range(values: readonly number[]): { top: number; bottom: number } {
  let top = 0;
  let bottom = 0;
  for (const v of values) {
    if (v > top) top = v;
    if (v < bottom) bottom = v;
  }
  if (top === bottom) top = bottom + 1;
  return { top, bottom };
}

/** Power in W as a braille line; the x axis spans the first to the last reading, Japan time. */
export function terminalPowerChart(points: readonly PowerPoint[], options: TerminalOptions): string {
  const cols = bodyColumns(options);
  const rows = bodyRows(options);
  const first = points[0]?.ms ?? 0;
  const last = points.at(-1)?.ms ?? first;
  const { top, bottom } = range(points.map((p) => p.watts));
  const dotsX = cols * 2;
  const dotsY = rows * 4;
  const cells = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  const set = (x: number, y: number): void => {
    const row = cells[Math.floor(y / 4)];
    if (row !== undefined) row[Math.floor(x / 2)] = (row[Math.floor(x / 2)] ?? 0) | (DOT[x % 2]?.[y % 4] ?? 0);
  };
  const toX = (ms: number): number => (last === first ? 0 : Math.round(((ms - first) / (last - first)) * (dotsX - 1)));
  const toY = (w: number): number => Math.round(((top - w) / (top - bottom)) * (dotsY - 1));
  let prev: { x: number; y: number } | undefined;
  for (const p of points) {
    const x = toX(p.ms);
    const y = toY(p.watts);
    const from = prev ?? { x, y };
    const steps = Math.max(1, x - from.x);
    for (let i = 1; i <= steps; i++) {
      const xi = from.x + Math.round(((x - from.x) * i) / steps);
      const y0 = from.y + Math.round(((y - from.y) * (i - 1)) / steps);
      const y1 = from.y + Math.round(((y - from.y) * i) / steps);
      for (let yy = Math.min(y0, y1); yy <= Math.max(y0, y1); yy++) set(xi, yy);
    }
    prev = { x, y };
  }
  const zeroRow = bottom < 0 ? Math.floor(toY(0) / 4) : undefined;
  const body = cells.map((row, r) =>
    row
      .map((bits) => {
        const ch = String.fromCodePoint(0x2800 + bits);
        if (!options.colour || bits === 0) return ch;
        return `${zeroRow !== undefined && r > zeroRow ? GREEN : BLUE}${ch}${RESET}`;
      })
      .join(''),
  );
  const middle = first + (last - first) / 2;
  return frameChart(
    {
      title: `Power (W) · ${count(points.length, 'reading')} · Japan time`,
      body,
      top,
      bottom,
      ...(zeroRow !== undefined && { zeroRow }),
      xLabels: [japanDateTime(first).slice(5), japanDateTime(middle).slice(5), japanDateTime(last).slice(5)],
    },
    options,
  ).join('\n');
}

interface BarValue {
  up: number | null;
  down: number | null;
}

function bucketMeans(values: readonly BarValue[], cols: number): BarValue[] {
  const n = values.length;
  return Array.from({ length: Math.min(cols, n) }, (_, c) => {
    const from = Math.floor((c * n) / Math.min(cols, n));
    const to = Math.floor(((c + 1) * n) / Math.min(cols, n));
    const mean = (pick: (v: BarValue) => number | null): number | null => {
      const xs = values
        .slice(from, to)
        .map(pick)
        .filter((x): x is number => x !== null);
      return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    return { up: mean((v) => v.up), down: mean((v) => v.down) };
  });
}

function barBody(values: readonly BarValue[], cols: number, rows: number, colour: boolean) {
  const buckets = bucketMeans(values, cols);
  const { top, bottom } = range(buckets.flatMap((b) => [b.up ?? 0, -(b.down ?? 0)]));
  const perRow = (top - bottom) / rows;
  const zeroRow = Math.min(rows - 1, Math.max(0, Math.round(top / perRow) - 1));
  const width = Math.max(1, Math.floor(cols / buckets.length));
  const grid = Array.from({ length: rows }, () => new Array<string>(cols).fill(' '));
  buckets.forEach((b, i) => {
    const up = Math.round(((b.up ?? 0) / perRow) * 8); // eighths of a row above the zero line
    const down = Math.round(((b.down ?? 0) / perRow) * 2); // halves of a row below it
    for (let r = 0; r < rows; r++) {
      let ch = ' ';
      if (r <= zeroRow) ch = EIGHTHS[Math.max(0, Math.min(8, up - (zeroRow - r) * 8))] ?? ' ';
      else {
        const halves = down - (r - zeroRow - 1) * 2;
        ch = halves >= 2 ? '█' : halves === 1 ? '▀' : ' ';
        if (ch !== ' ' && colour) ch = `${GREEN}${ch}${RESET}`;
      }
      if (r <= zeroRow && ch !== ' ' && colour) ch = `${BLUE}${ch}${RESET}`;
      for (let w = 0; w < width; w++) {
        const row = grid[r];
        if (row !== undefined && i * width + w < cols) row[i * width + w] = ch;
      }
    }
  });
  return {
    body: grid.map((row) => row.join('')),
    top,
    bottom,
    zeroRow,
    perColumn: Math.ceil(values.length / cols),
    span: Math.min(cols, buckets.length * width),
    barWidth: width,
    bars: buckets.length,
  };
}

/**
 * Slot kWh bars (import up, export down), one column per slot or the mean of several; slots of
 * `stepMs` (30 min, or 1 min for history --resolution 1m) name the title.
 */
export function terminalHalfHourChart(
  points: readonly HalfHourPoint[],
  options: TerminalOptions,
  stepMs = HALF_HOUR_MS,
): string {
  const cols = bodyColumns(options);
  const bars = barBody(
    points.map((p) => ({ up: p.consumedKwh, down: p.exportedKwh })),
    cols,
    bodyRows(options),
    options.colour,
  );
  const first = (points[0]?.ms ?? 0) - stepMs;
  const last = points.at(-1)?.ms ?? first;
  const per = bars.perColumn > 1 ? ` (column = mean of ${bars.perColumn})` : '';
  return frameChart(
    {
      title: `Energy per ${slotName(stepMs)} (kWh)${per} · ▀ export · Japan time`,
      ...bars,
      xLabels: [
        japanDateTime(first).slice(5),
        japanDateTime(first + (last - first) / 2).slice(5),
        japanDateTime(last).slice(5),
      ],
    },
    options,
  ).join('\n');
}

/** Daily kWh bars (import up, export down), one column per Japan day or the mean of several. */
export function terminalDailyChart(points: readonly DailyPoint[], options: TerminalOptions): string {
  const cols = bodyColumns(options);
  const bars = barBody(
    points.map((d) => ({ up: d.consumedKwh, down: d.exportedKwh })),
    cols,
    bodyRows(options),
    options.colour,
  );
  const first = points[0]?.date ?? japanDate(0);
  const middleBar = Math.floor(bars.bars / 2); // the label names the (first day of the) bar it is centred on
  const middle = points[Math.floor((middleBar * points.length) / bars.bars)]?.date ?? first;
  const per = bars.perColumn > 1 ? ` (column = mean of ${bars.perColumn} days)` : '';
  return frameChart(
    {
      title: `Energy per day (kWh)${per} · ▀ export · Japan dates`,
      ...bars,
      xLabels: [first, middle, points.at(-1)?.date ?? first],
      middleAt: (middleBar + 0.5) * bars.barWidth,
    },
    options,
  ).join('\n');
}
