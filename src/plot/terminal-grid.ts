/**
 * The frame of a terminal chart: title, y labels on the left, the plot body, a time axis below.
 * Every line is at most `width` columns (only one-column characters are used: ASCII, box drawing,
 * block elements and braille); colour, when asked, is ANSI escapes that take no columns.
 */

/** Size of a terminal chart in character cells (the whole chart, labels included). */
export interface TerminalSize {
  width: number;
  height: number;
}

/** Left gutter: a y label of up to 7 characters and the axis line. */
const GUTTER = 9;

/** A value with at most 4 significant digits, as short as it can be ('1.25k' is not used: units stay plain). */
export function shortNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : 3;
  return String(Number(value.toFixed(digits)));
}

/** Columns left for the plot body at this width. */
export function bodyColumns(size: TerminalSize): number {
  return size.width - GUTTER;
}

/** Rows left for the plot body at this height (title, axis line and labels take three). */
export function bodyRows(size: TerminalSize): number {
  return size.height - 3;
}

/** What {@link frameChart} lays out around the body. */
export interface ChartFrame {
  title: string;
  /** body lines, each exactly bodyColumns() cells (escapes aside) */
  body: string[];
  /** the values at the top and bottom edges of the body, and where zero is (row index) if shown */
  top: number;
  bottom: number;
  zeroRow?: number;
  /** labels under the left end, middle and right end of the time axis */
  xLabels: [string, string, string];
  /**
   * Columns the data takes from the left (default all): bars of whole columns may not fill the
   * body, and the labels go under the bars, not under the blank tail.
   */
  span?: number;
  /** The column the middle label is centred on (default the middle of `span`). */
  middleAt?: number;
}

/** Assembles the chart lines (no trailing newline on each; the caller joins them). */
export function frameChart(frame: ChartFrame, size: TerminalSize): string[] {
  const cols = bodyColumns(size);
  const rows = frame.body.length;
  const label = (row: number): string => {
    if (row === 0) return shortNumber(frame.top);
    if (row === rows - 1) return shortNumber(frame.bottom);
    if (row === frame.zeroRow) return '0';
    return '';
  };
  const lines = [fit(frame.title, size.width)];
  frame.body.forEach((line, row) => {
    const tick = label(row) === '' ? '│' : '┤';
    lines.push(
      `${label(row)
        .slice(0, GUTTER - 2)
        .padStart(GUTTER - 2)} ${tick}${line}`,
    );
  });
  lines.push(`${' '.repeat(GUTTER - 1)}└${'─'.repeat(cols)}`);
  const span = Math.min(cols, Math.max(1, frame.span ?? cols));
  lines.push(fit(axisLabels(frame.xLabels, span, frame.middleAt ?? span / 2, GUTTER), size.width));
  return lines;
}

/**
 * The label line: `left` from the first column, `right` ending at the last column of the span,
 * `middle` centred on column `centre` — each only where it fits and names something new.
 */
function axisLabels(
  [left, middle, right]: [string, string, string],
  span: number,
  centre: number,
  indent: number,
): string {
  const line = Array.from({ length: indent + Math.max(span, left.length) }, () => ' ');
  const put = (text: string, at: number): void => {
    for (let i = 0; i < text.length; i++) line[at + i] = text[i] ?? ' ';
  };
  put(left, indent);
  const rightAt = indent + span - right.length;
  const middleAt = indent + Math.round(centre - middle.length / 2);
  const middleFits = middleAt > indent + left.length + 1 && middleAt + middle.length < rightAt - 1;
  if (middleFits && middle !== left && middle !== right) put(middle, middleAt);
  if (rightAt > indent + left.length + 1 && right !== left) put(right, rightAt);
  return line.join('').trimEnd();
}

function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
