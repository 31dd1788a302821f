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
 * For people: the first column as a heading, then one aligned `label  value unit` line per
 * other column. Missing values show as `—`.
 */
export function textBlock(
  record: OutputRecord,
  columns: readonly string[],
  units: Readonly<Record<string, string>> = {},
): string {
  const [head, ...rest] = columns;
  const source = typeof record['source'] === 'string' ? ` (${record['source']})` : '';
  const lines = [`${head === undefined ? '' : String(record[head] ?? '')}${source}`];
  const width = Math.max(...rest.map((c) => c.length));
  // Numbers are right-aligned among themselves (so decimal magnitudes line up); text starts
  // in the same column.
  const valueWidth = Math.max(
    0,
    ...rest.filter((c) => typeof record[c] === 'number').map((c) => displayValue(record[c]).length),
  );
  for (const column of rest) {
    const value = displayValue(record[column]);
    const unit = record[column] === null || record[column] === undefined ? '' : (units[column] ?? '');
    const padded = typeof record[column] === 'number' ? value.padStart(valueWidth) : value.padEnd(valueWidth);
    lines.push(`  ${column.padEnd(width)}  ${padded}${unit === '' ? '' : ` ${unit}`}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return String(value);
}
