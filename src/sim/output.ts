/**
 * The stick's UART output: an ordered queue delivered asynchronously (like bytes arriving from
 * a device) to whichever client is attached, optionally cut into random chunks (fault
 * `fragment`). With no client attached, output is lost, as on an unread serial line.
 */
import { type Random, randomInt } from './random.js';

export type Sink = (chunk: Buffer) => void;

/**
 * The stick's output side: lines are queued and handed to the attached sink asynchronously, optionally cut
 * into random fragments as a USB-serial link delivers them.
 */
export class SimOutput {
  private sink: Sink | null = null;
  private queue: Buffer[] = [];
  private scheduled = false;

  constructor(
    private readonly random: Random,
    private readonly fragment: () => number | null,
  ) {}

  /** Attaches the single reader; returns a function that detaches it (if still attached). */
  attach(sink: Sink): () => void {
    this.sink = sink;
    return () => {
      if (this.sink === sink) this.sink = null;
    };
  }

  write(data: string | Buffer): void {
    this.queue.push(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Random bytes (any value but CR/LF) then CRLF: a line of line noise (fault `garbage`). */
  garbage(): void {
    const n = randomInt(this.random, 3, 24);
    const bytes = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      let b = randomInt(this.random, 0, 255);
      if (b === 0x0d || b === 0x0a) b = 0x7e;
      bytes[i] = b;
    }
    this.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
  }

  private flush(): void {
    this.scheduled = false;
    const pending = Buffer.concat(this.queue);
    this.queue = [];
    const sink = this.sink;
    if (sink === null || pending.length === 0) return;
    const max = this.fragment();
    if (max === null) {
      sink(pending);
      return;
    }
    for (let at = 0; at < pending.length;) {
      const size = randomInt(this.random, 1, max);
      sink(pending.subarray(at, at + size));
      at += size;
    }
  }
}
