/**
 * Where records go: stdout, or appended to a file. Each record is formatted whole and handed to
 * the OS in one write, so a killed process never leaves half a line (a CSV header for a new file
 * goes out in the same write as the first record). Files get more care (file-target.ts): all or
 * nothing, a torn ending repaired, header and append under a lock, reopened by name after log
 * rotation. A closed stdout (`| head -1`) is not an error: the sink reports `closed` and the
 * command stops quietly; a failing one (`> /dev/full`) ends the run with one line naming it.
 */
import { assertNotReadOnly } from '../fs/read-only.js';
import { BmeterError } from '../errors.js';
import { assertSameColumns } from './file-columns.js';
import { FileTarget } from './file-target.js';
import { csvLine, jsonLine, newTextLayout, textBlock, type OutputFormat, type OutputRecord } from './format.js';

export interface Sink {
  write(record: OutputRecord): Promise<void>;
  close(): Promise<void>;
  /** True once stdout has gone away (EPIPE): stop producing records. */
  readonly closed: boolean;
  /** Open the output file by name again before the next record (SIGHUP); nothing for stdout. */
  reopen(): void;
}

export interface SinkOptions {
  format: OutputFormat;
  columns: readonly string[];
  /** Append to this file instead of writing to stdout. */
  outputPath?: string;
  stdout: NodeJS.WritableStream;
  /** Units shown after values in the text format, by column. */
  units?: Readonly<Record<string, string>>;
  /** Told about a repaired (`warn`) or reopened (`info`) output file (file-target.ts). */
  notice?: (message: string, level: 'info' | 'warn') => void;
  /** Checked under the output file's lock before the first record goes in (file-target.ts beforeFirstAppend). */
  beforeFirstAppend?: () => Promise<void>;
}

/**
 * The sink records are written to: stdout, or the --output file (appended to; a CSV header only when it is
 * empty). Throws BmeterError('USAGE') when the file cannot be opened; a closed stdout sets `closed` instead
 * of throwing.
 */
export async function createSink(options: SinkOptions): Promise<Sink> {
  const layout = newTextLayout(); // decimal points line up from record to record
  const format = (record: OutputRecord, withHeader: boolean): string => {
    if (options.format === 'json') return jsonLine(record, options.columns);
    if (options.format === 'csv') {
      const line = csvLine(options.columns.map((c) => record[c]));
      return withHeader ? csvLine(options.columns) + line : line;
    }
    return textBlock(record, options.columns, options.units, layout);
  };
  if (options.outputPath !== undefined) {
    await assertSameColumns(options.outputPath, options.format, options.columns);
    await assertNotReadOnly(options.outputPath, '--output');
    const file = await FileTarget.open(options.outputPath, {
      ...(options.notice !== undefined && { notice: options.notice }),
      ...(options.beforeFirstAppend !== undefined && { beforeFirstAppend: options.beforeFirstAppend }),
    });
    return {
      closed: false,
      write: (record) => file.append((isEmpty) => format(record, options.format === 'csv' && isEmpty)),
      close: () => file.close(),
      reopen: () => file.reopen(),
    };
  }
  const target = streamTarget(options.stdout);
  // stdout: a CSV header goes out once per run; a redirect with >> should use --output.
  let headerPending = options.format === 'csv';
  return {
    get closed() {
      return target.closed;
    },
    async write(record) {
      if (target.closed) return;
      await target.write(format(record, headerPending));
      headerPending = false;
    },
    close: () => target.close(),
    reopen: () => undefined,
  };
}

interface Target {
  readonly closed: boolean;
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

function streamTarget(stream: NodeJS.WritableStream): Target {
  let closed = false;
  const markClosed = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
  };
  stream.on('error', markClosed);
  return {
    get closed() {
      return closed;
    },
    write: (text) =>
      new Promise<void>((resolve, reject) => {
        stream.write(text, (err) => {
          if (err === null || err === undefined) return resolve();
          markClosed(err as NodeJS.ErrnoException);
          if (closed) resolve();
          else reject(new BmeterError('PROTOCOL', `cannot write to standard output: ${err.message}`, { cause: err }));
        });
      }),
    close: async () => {
      stream.off('error', markClosed);
    },
  };
}
