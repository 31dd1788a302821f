/**
 * Where records go: stdout, or appended to a file. Each record is formatted whole and handed to
 * the OS in one write, so a killed process never leaves half a line (a CSV header for a new file
 * goes out in the same write as the first record). A closed stdout (`| head -1`) is not an
 * error: the sink reports `closed` and the command stops quietly.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { BmeterError } from '../errors.js';
import { csvLine, jsonLine, textBlock, type OutputFormat, type OutputRecord } from './format.js';

export interface Sink {
  write(record: OutputRecord): Promise<void>;
  close(): Promise<void>;
  /** True once stdout has gone away (EPIPE): stop producing records. */
  readonly closed: boolean;
}

export interface SinkOptions {
  format: OutputFormat;
  columns: readonly string[];
  /** Append to this file instead of writing to stdout. */
  outputPath?: string;
  stdout: NodeJS.WritableStream;
  /** Units shown after values in the text format, by column. */
  units?: Readonly<Record<string, string>>;
}

/**
 * The sink records are written to: stdout, or the --output file (appended to; a CSV header only when it is
 * empty). Throws BmeterError('USAGE') when the file cannot be opened; a closed stdout sets `closed` instead
 * of throwing.
 */
export async function createSink(options: SinkOptions): Promise<Sink> {
  const target = options.outputPath === undefined ? streamTarget(options.stdout) : await fileTarget(options.outputPath);
  let headerPending = options.format === 'csv' && target.isEmpty;
  return {
    get closed() {
      return target.closed;
    },
    async write(record) {
      if (target.closed) return;
      let text: string;
      if (options.format === 'json') text = jsonLine(record, options.columns);
      else if (options.format === 'csv') {
        text = csvLine(options.columns.map((c) => record[c]));
        if (headerPending) text = csvLine(options.columns) + text;
      } else text = textBlock(record, options.columns, options.units);
      await target.write(text);
      headerPending = false;
    },
    close: () => target.close(),
  };
}

interface Target {
  readonly isEmpty: boolean;
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
    // stdout: a CSV header goes out once per run; a redirect with >> should use --output.
    isEmpty: true,
    get closed() {
      return closed;
    },
    write: (text) =>
      new Promise<void>((resolve, reject) => {
        stream.write(text, (err) => {
          if (err === null || err === undefined) return resolve();
          markClosed(err as NodeJS.ErrnoException);
          if (closed) resolve();
          else reject(new BmeterError('PROTOCOL', `cannot write output: ${err.message}`, { cause: err }));
        });
      }),
    close: async () => {
      stream.off('error', markClosed);
    },
  };
}

async function fileTarget(path: string): Promise<Target> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'a', 0o644);
  } catch (err) {
    throw new BmeterError('USAGE', `cannot open output file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const { size } = await handle.stat();
  let open_ = true;
  return {
    isEmpty: size === 0,
    closed: false,
    async write(text) {
      // One write call on an O_APPEND descriptor: the whole line lands, or none of it.
      try {
        await handle.write(text);
      } catch (err) {
        throw new BmeterError('PROTOCOL', `cannot write to output file ${path}: ${(err as Error).message}`, { cause: err });
      }
    },
    async close() {
      if (!open_) return;
      open_ = false;
      await handle.close();
    },
  };
}
