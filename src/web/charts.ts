/**
 * The three uPlot charts of the page: power over time (import above zero in blue, export below
 * in green), half-hour bars (yesterday and today) and daily bars (100 days). Times are drawn in
 * Japan time (uPlot.tzDate with 'Asia/Tokyo'), whatever the browser's zone. Each chart's holder
 * carries data-points: how many values it draws (for tests and for screen readers' summaries).
 */
import uPlot from 'uplot';

/** Colours shared with `bmeter plot`. */
export const IMPORT = '#1971c2';
export const EXPORT = '#2f9e44';

/** One chart on the page. */
export interface Chart {
  /** New data: x in epoch seconds, then one array per series (null = no value); xRange fixes the x axis (s). */
  set(data: uPlot.AlignedData, xRange?: [number, number]): void;
}

const tzDate = (ts: number): Date => uPlot.tzDate(new Date(ts * 1e3), 'Asia/Tokyo');

function countValues(data: uPlot.AlignedData): number {
  let n = 0;
  for (const series of data.slice(1)) for (const v of series) if (v !== null && v !== undefined) n++;
  return n;
}

function mount(holder: HTMLElement, options: Omit<uPlot.Options, 'width' | 'height'>, height: number): Chart {
  const size = () => ({ width: Math.max(240, holder.clientWidth), height });
  let plot: uPlot | undefined;
  let range: [number, number] | undefined;
  // Set when the reader drags a range to zoom in (kept while new readings arrive); a double-click
  // zooms out again, back to the chosen range.
  let zoomed = false;
  const applyRange = (): void => {
    if (plot !== undefined && range !== undefined) plot.setScale('x', { min: range[0], max: range[1] });
  };
  holder.addEventListener('dblclick', () => {
    zoomed = false;
    setTimeout(applyRange, 0); // after uPlot's own double-click handling
  });
  const hooks: uPlot.Hooks.Arrays = {
    // The x range shown, in epoch seconds, on the holder (data-x-min / data-x-max) for tests.
    setScale: [
      (u, key) => {
        if (key !== 'x') return;
        holder.dataset['xMin'] = String(Math.round(u.scales['x']?.min ?? 0));
        holder.dataset['xMax'] = String(Math.round(u.scales['x']?.max ?? 0));
      },
    ],
    setSelect: [
      (u) => {
        if (u.select.width > 0) zoomed = true;
      },
    ],
  };
  const observer = new ResizeObserver(() => plot?.setSize(size()));
  observer.observe(holder);
  // Axis text and grid follow the page's colours (light or dark).
  const text = getComputedStyle(document.body).color;
  const axes = (options.axes ?? []).map((a) => ({
    stroke: text,
    grid: { stroke: '#8883' },
    ticks: { stroke: '#8883' },
    ...a,
  }));
  return {
    set(data, xRange) {
      holder.dataset['points'] = String(countValues(data));
      range = xRange;
      if (plot === undefined)
        plot = new uPlot({ ...options, axes, hooks, legend: { live: false }, ...size() }, data, holder);
      else plot.setData(data, !zoomed);
      if (!zoomed) applyRange();
    },
  };
}

function fillOf(colour: string): string {
  return `${colour}33`;
}

/** Power (W): the same readings split into import (≥ 0) and export (< 0) series, filled to zero. */
export function powerChart(holder: HTMLElement, labels: { watts: string; bought: string; sold: string }): Chart {
  return mount(
    holder,
    {
      tzDate,
      scales: { x: { time: true } },
      axes: [{}, { label: labels.watts, size: 60 }],
      series: [
        {},
        { label: labels.bought, stroke: IMPORT, fill: fillOf(IMPORT), width: 1.5, points: { show: false } },
        { label: labels.sold, stroke: EXPORT, fill: fillOf(EXPORT), width: 1.5, points: { show: false } },
      ],
      cursor: { drag: { x: true, y: false } },
    },
    260,
  );
}

/** Splits watts into the two series of {@link powerChart}. */
export function splitPower(times: number[], watts: number[]): uPlot.AlignedData {
  return [times, watts.map((w) => (w >= 0 ? w : 0)), watts.map((w) => (w < 0 ? w : 0))];
}

/** kWh bars: import up, export down; each bar starts at its x (the start of its period). */
export function energyBars(
  holder: HTMLElement,
  labels: { kwh: string; bought: string; sold: string },
  day: boolean,
): Chart {
  const bars = uPlot.paths.bars?.({ size: [0.75, 60], align: 1 });
  const series = (label: string, colour: string): uPlot.Series => ({
    label,
    stroke: colour,
    fill: colour,
    width: 0,
    points: { show: false },
    ...(bars !== undefined && { paths: bars }),
  });
  return mount(
    holder,
    {
      tzDate,
      scales: { x: { time: true, ...(day ? {} : {}) } },
      axes: [{}, { label: labels.kwh, size: 60 }],
      series: [{}, series(labels.bought, IMPORT), series(labels.sold, EXPORT)],
      cursor: { drag: { x: false, y: false } },
    },
    day ? 220 : 200,
  );
}
