/**
 * Vega-Lite specifications of the three `bmeter plot` charts. Times are drawn in Japan time on
 * any host: each instant is shifted by +9 h and laid on a UTC scale (Vega-Lite has no time-zone
 * setting; this is its documented way to show a fixed zone). One mark per value given: a point
 * per power reading (over a thin line), a bar per half-hour or daily value, import up and export
 * down in another colour.
 */
import { japanDate, japanDateTime, japanMidnight, JST_OFFSET_MS } from './japan-time.js';
import { HALF_HOUR_MS, slotName, type DailyPoint, type HalfHourPoint, type PowerPoint } from './series.js';

/** Colours shared with the dashboard: import (bought) blue, export (sold) green. */
export const IMPORT_COLOUR = '#1971c2';
export const EXPORT_COLOUR = '#2f9e44';

const DAY_MS = 86_400_000;
const TIME_TITLE = 'Time (Japan, UTC+09:00)';

/** A Vega-Lite top-level specification (kept loose here; vega-lite validates it when compiling). */
export type VegaLiteSpec = Record<string, unknown>;

/** Pixel size of the chart's plotting area. */
export interface ChartSize {
  width: number;
  height: number;
}

function frame(size: ChartSize, title: string, subtitle: string): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size.width,
    height: size.height,
    background: 'white',
    padding: 8,
    title: { text: title, subtitle, anchor: 'start' },
    config: { font: 'DejaVu Sans, Liberation Sans, Arial, sans-serif', legend: { orient: 'top' } },
  };
}

function span(firstMs: number, lastMs: number): string {
  return `${japanDateTime(firstMs)} – ${japanDateTime(lastMs)} (Japan time)`;
}

const kindColour = {
  field: 'kind',
  type: 'nominal',
  title: null,
  scale: { domain: ['bought (import)', 'sold (export)'], range: [IMPORT_COLOUR, EXPORT_COLOUR] },
};

/** Power in W over time: a line and one point per reading; points below zero (export) in green. */
export function powerSpec(points: readonly PowerPoint[], size: ChartSize): VegaLiteSpec {
  const values = points.map((p) => ({ t: p.ms + JST_OFFSET_MS, w: p.watts }));
  const x = {
    field: 't',
    type: 'temporal',
    scale: { type: 'utc' },
    axis: { title: TIME_TITLE, format: '%m-%d %H:%M', labelAngle: 0 },
  };
  const y = { field: 'w', type: 'quantitative', axis: { title: 'Power (W)' } };
  return {
    ...frame(size, 'Power', span(points[0]?.ms ?? 0, points.at(-1)?.ms ?? 0)),
    data: { values },
    layer: [
      { mark: { type: 'line', strokeWidth: 1, color: IMPORT_COLOUR, opacity: 0.6 }, encoding: { x, y } },
      {
        mark: { type: 'point', filled: true, size: 10, opacity: 1 },
        encoding: {
          x,
          y,
          color: { condition: { test: 'datum.w < 0', value: EXPORT_COLOUR }, value: IMPORT_COLOUR },
        },
      },
    ],
  };
}

interface Bar {
  t: number;
  t2: number;
  kwh: number;
  kind: string;
}

function barSpec(
  values: Bar[],
  size: ChartSize,
  title: string,
  subtitle: string,
  yTitle: string,
  xFormat: string,
): VegaLiteSpec {
  return {
    ...frame(size, title, subtitle),
    data: { values },
    // A white edge keeps neighbouring bars apart when they are wide enough to show it.
    mark: values.length <= 400 ? { type: 'bar', stroke: 'white', strokeWidth: 1 } : { type: 'bar' },
    encoding: {
      x: {
        field: 't',
        type: 'temporal',
        scale: { type: 'utc' },
        axis: { title: TIME_TITLE, format: xFormat, labelAngle: 0 },
      },
      x2: { field: 't2' },
      y: { field: 'kwh', type: 'quantitative', stack: null, axis: { title: yTitle } },
      y2: { datum: 0 },
      color: kindColour,
    },
  };
}

/**
 * Slot bars: each bar spans the slot of `stepMs` (30 min, or 1 min for history --resolution 1m) ending
 * at its mark; export drawn below zero.
 */
export function halfHourSpec(points: readonly HalfHourPoint[], size: ChartSize, stepMs = HALF_HOUR_MS): VegaLiteSpec {
  const values: Bar[] = [];
  for (const p of points) {
    const t = p.ms - stepMs + JST_OFFSET_MS;
    const t2 = p.ms + JST_OFFSET_MS;
    if (p.consumedKwh !== null) values.push({ t, t2, kwh: p.consumedKwh, kind: 'bought (import)' });
    if (p.exportedKwh !== null) values.push({ t, t2, kwh: -p.exportedKwh, kind: 'sold (export)' });
  }
  const first = points[0]?.ms ?? 0;
  const subtitle = span(first - stepMs, points.at(-1)?.ms ?? 0);
  const title = `Energy per ${slotName(stepMs)}`;
  return barSpec(values, size, title, subtitle, `${title} (kWh)`, '%m-%d %H:%M');
}

/** Daily bars: one per Japan day (00:00–24:00), import up, export down. */
export function dailySpec(points: readonly DailyPoint[], size: ChartSize): VegaLiteSpec {
  const values: Bar[] = [];
  for (const d of points) {
    const t = japanMidnight(d.date) + JST_OFFSET_MS;
    if (d.consumedKwh !== null) values.push({ t, t2: t + DAY_MS, kwh: d.consumedKwh, kind: 'bought (import)' });
    if (d.exportedKwh !== null) values.push({ t, t2: t + DAY_MS, kwh: -d.exportedKwh, kind: 'sold (export)' });
  }
  const first = points[0]?.date ?? japanDate(0);
  const subtitle = `${first} – ${points.at(-1)?.date ?? first} (Japan dates)`;
  return barSpec(values, size, 'Energy per day', subtitle, 'Energy per day (kWh)', '%Y-%m-%d');
}
