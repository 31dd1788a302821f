/**
 * Reads what `bmeter poll` and `bmeter history` write — CSV (header row first, as written with
 * --format csv) or JSON lines (--format json) — into records with their line numbers. Repeated CSV
 * header lines (several runs appended to one file) and blank lines are skipped. A line that is not a
 * record (not JSON, not an object; a CSV row with another number of fields than the header) is
 * listed in `unreadable`: a record torn by a full disk or a crash, after which poll and history
 * start a new line. Only the first line decides: when it is not a record, the file is refused.
 */
import { readFile } from 'node:fs/promises';
import { BmeterError } from '../errors.js';

/** One record of the file: its fields by column name, and its line number (1-based). */
export interface FileRecord {
  line: number;
  fields: Record<string, unknown>;
}

/** The records of a file, in file order, and the line numbers of the lines that were not records. */
export interface FileRecords {
  records: FileRecord[];
  unreadable: number[];
}

/**
 * @param path a .csv file, or JSON lines (.jsonl, .json, .ndjson or any other name whose first
 *   non-blank character is `{`)
 * @throws BmeterError USAGE when the file cannot be read, is empty, or its first line is not a record
 */
export async function readFileRecords(path: string): Promise<FileRecords> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new BmeterError(
      'USAGE',
      `cannot read --input ${path} (${code}): give a CSV or JSON-lines file of poll or history`,
    );
  }
  if (text.trim() === '') throw new BmeterError('USAGE', `--input ${path} is empty: nothing to plot`);
  const lines = text
    .split(/\r?\n/)
    .map((t, i) => ({ n: i + 1, t }))
    .filter((l) => l.t.trim() !== '');
  return text.trimStart().startsWith('{') ? parseJsonLines(path, lines) : parseCsv(path, lines);
}

interface Line {
  n: number;
  t: string;
}

function parseJsonLines(path: string, lines: readonly Line[]): FileRecords {
  const out: FileRecords = { records: [], unreadable: [] };
  for (const { n, t } of lines) {
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch {
      value = undefined;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out.records.push({ line: n, fields: value as Record<string, unknown> });
    } else if (out.records.length === 0) {
      throw new BmeterError(
        'USAGE',
        `--input ${path} line ${n} is not a JSON record: give poll or history output (--format json)`,
      );
    } else out.unreadable.push(n);
  }
  return out;
}

function parseCsv(path: string, lines: readonly Line[]): FileRecords {
  const header = lines[0]?.t ?? '';
  const columns = splitCsv(header).map((c) => c.trim());
  if (!columns.includes('timestamp') && !columns.includes('slot_start')) {
    throw new BmeterError(
      'USAGE',
      `--input ${path} has no timestamp or slot_start column: give CSV written by poll or history (--format csv)`,
    );
  }
  const out: FileRecords = { records: [], unreadable: [] };
  for (const { n, t } of lines.slice(1)) {
    if (t === header) continue;
    const values = splitCsv(t);
    if (values.length !== columns.length) {
      out.unreadable.push(n);
      continue;
    }
    const fields: Record<string, unknown> = {};
    columns.forEach((c, i) => (fields[c] = values[i]?.trim() ?? ''));
    out.records.push({ line: n, fields });
  }
  return out;
}

/** The fields of one CSV line, RFC 4180 quoting undone (as src/output/format.ts csvField writes them). */
function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted && ch === '"' && line[i + 1] === '"') {
      field += '"';
      i++;
    } else if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  fields.push(field);
  return fields;
}
