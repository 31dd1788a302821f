/**
 * Lines from a byte stream (decode's stdin), each at most `maxBytes` long: @serialport/parser-
 * readline's ReadlineParser splits at LF, in object mode so each chunk is exactly one line. It
 * keeps an unterminated line in memory without limit (one endless line took 0.5 GB and ended in
 * V8's "Invalid string length"), so a line that grows past `maxBytes` is dropped up to its LF and
 * given as an `OverlongLine` in its place.
 */
import { ReadlineParser } from '@serialport/parser-readline';

/** Stands for a line that was longer than the bound; its bytes were dropped. */
export interface OverlongLine {
  overlongBytes: number;
}

/** ReadlineParser with a line-length bound. */
class BoundedReadlineParser extends ReadlineParser {
  /** Bytes of the current overlong line dropped so far; 0 while lines are normal. */
  private dropped = 0;

  constructor(private readonly maxBytes: number) {
    super({
      delimiter: Buffer.from('\n'),
      encoding: undefined,
      readableObjectMode: true,
    } as unknown as ConstructorParameters<typeof ReadlineParser>[0]);
  }

  override _transform(chunk: Buffer, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    super._transform(chunk, encoding, (err?: Error | null) => {
      if (err === null || err === undefined) this.bound();
      cb(err);
    });
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    // A line completed by the chunk that also crossed the bound is too long as a whole.
    if (Buffer.isBuffer(chunk) && this.dropped === 0 && chunk.length > this.maxBytes) {
      return super.push({ overlongBytes: chunk.length } satisfies OverlongLine);
    }
    if (chunk !== null && this.dropped > 0 && Buffer.isBuffer(chunk)) {
      // The tail of the overlong line, up to its LF: report it in the line's place.
      const line: OverlongLine = { overlongBytes: this.dropped + chunk.length };
      this.dropped = 0;
      return super.push(line);
    }
    return super.push(chunk, encoding);
  }

  private bound(): void {
    if (this.buffer.length <= this.maxBytes) return;
    this.dropped += this.buffer.length;
    this.buffer = Buffer.alloc(0);
  }
}

/** The lines of `input` as strings (UTF-8, LF or CRLF ends), overlong ones as `OverlongLine`. */
export async function* boundedLines(
  input: NodeJS.ReadableStream,
  maxBytes: number,
): AsyncGenerator<string | OverlongLine> {
  const parser = new BoundedReadlineParser(maxBytes);
  // A read error (stdin a directory: EISDIR) ends the lines with that error, not silently.
  input.once('error', (err: Error) =>
    parser.destroy(
      Object.assign(new Error(`cannot read standard input: ${err.message}`), {
        code: (err as NodeJS.ErrnoException).code,
        syscall: 'read',
      }),
    ),
  );
  input.pipe(parser);
  for await (const chunk of parser as AsyncIterable<Buffer | OverlongLine>) {
    if (Buffer.isBuffer(chunk)) yield chunk.toString('utf8').replace(/\r$/, '');
    else yield chunk;
  }
}
