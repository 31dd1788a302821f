/** Turning one record into one line (or block) of text, per output format. */
export type OutputFormat = 'text' | 'json' | 'csv';
export const OUTPUT_FORMATS = ['text', 'json', 'csv'] as const satisfies readonly OutputFormat[];

export type OutputRecord = Record<string, unknown>;

/** JSON lines: the columns in their order first, then any other key (e.g. `source`). */
export function jsonLine(record: OutputRecord, columns: readonly string[]): string {
  const ordered: OutputRecord = {};
  for (const column of columns) ordered[column] = record[column] ?? null;
  for (const [key, value] of Object.entries(record)) if (!(key in ordered)) ordered[key] = value;
  return `${JSON.stringify(ordered)}\n`;
}

/** RFC 4180: quote a field holding a comma, quote or line break; null is an empty field. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record (RFC 4180 quoting where a field needs it) ending in LF. */
export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\n`;
}

/**
 * Widths of a text stream's numbers, kept from one record to the next so decimal points line up
 * down the page (`12345  kWh` over `12344.9 kWh`): integer digits right-aligned, the fraction
 * left-aligned after them. Widths only grow; they start wide enough for a 5-digit counter with
 * one decimal, the common meter (E1 0x01), so such a stream never shifts.
 */
export interface TextLayout {
  intWidth: number;
  fracWidth: number;
}

/**
 * A fresh column layout for `textBlock`: the widest integer and fraction parts seen so far (5 and 2 digits to
 * start), which it widens as records come so that later records line up with earlier ones.
 */
export function newTextLayout(): TextLayout {
  return { intWidth: 5, fracWidth: 2 };
}

/**
 * For people: the first column as a heading, then one aligned `label  value unit` line per
 * other column. Missing values show as `—`. Numbers line up at the decimal point, within the
 * record and, given the same `layout`, with the records before it.
 */
export function textBlock(
  record: OutputRecord,
  columns: readonly string[],
  units: Readonly<Record<string, string>> = {},
  layout: TextLayout = newTextLayout(),
): string {
  const [head, ...rest] = columns;
  const source = typeof record['source'] === 'string' ? ` (${record['source']})` : '';
  const lines = [`${head === undefined ? '' : String(record[head] ?? '')}${source}`];
  const width = Math.max(...rest.map((c) => c.length));
  for (const column of rest) {
    const value = record[column];
    if (typeof value !== 'number') continue;
    const [int, frac] = splitNumber(value);
    layout.intWidth = Math.max(layout.intWidth, int.length);
    layout.fracWidth = Math.max(layout.fracWidth, frac.length);
  }
  const valueWidth = layout.intWidth + layout.fracWidth;
  for (const column of rest) {
    const value = record[column];
    const unit = value === null || value === undefined ? '' : (units[column] ?? '');
    let shown: string;
    if (typeof value === 'number') {
      const [int, frac] = splitNumber(value);
      shown = int.padStart(layout.intWidth) + frac.padEnd(layout.fracWidth);
    } else {
      // Text starts where the numbers' integer parts are right-aligned to.
      shown = displayValue(value).padEnd(valueWidth);
    }
    lines.push(`  ${column.padEnd(width)}  ${shown}${unit === '' ? '' : ` ${unit}`}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

/** "12344.9" → ["12344", ".9"]; "1192" → ["1192", ""]. */
function splitNumber(value: number): [string, string] {
  const text = String(value);
  const dot = text.indexOf('.');
  return dot === -1 ? [text, ''] : [text.slice(0, dot), text.slice(dot)];
}
function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return String(value);
}
