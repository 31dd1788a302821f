/** Median and range of repeated measurements, and their text form for BENCHMARKS.md. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  n: number;
  unit: string;
}

export function figure(values: readonly number[], unit: string): Figure {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0, unit };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted[sorted.length - 1] as number, n: sorted.length, unit };
}

function round(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return x.toFixed(digits);
}

/** "1.02× (0.98–1.10, n=5)" */
export function show(f: Figure | undefined): string {
  if (f === undefined || f.n === 0) return '—';
  const unit = f.unit === '×' ? '×' : f.unit === '' ? '' : ` ${f.unit}`;
  if (f.min === f.max) return `${round(f.median)}${unit} (n=${f.n})`;
  return `${round(f.median)}${unit} (${round(f.min)}–${round(f.max)}, n=${f.n})`;
}

export function ratio(values: readonly number[], base: number): number[] {
  return values.map((v) => v / base);
}
