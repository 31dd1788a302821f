/**
 * Splits the bytes a client writes into stick commands, whatever their fragmentation.
 * - A command line ends at CR, LF or CRLF (SK commands use CRLF, WOPT/ROPT/WUART/RUART a bare
 *   CR: docs/protocol.md §1). Empty lines are dropped.
 * - SKSENDTO switches to data mode at the space that follows a 4-hex-digit DATALEN token (the
 *   space is mandatory, §3.10) and then takes exactly DATALEN raw bytes, CR/LF included, with no
 *   terminator. Hex text sent by mistake is therefore taken raw, as a real stick does: its first
 *   DATALEN characters become the data and the rest is read as the next command line.
 */
export type StickInput =
  | { kind: 'line'; text: string }
  /** `header` is everything up to and including the space after DATALEN. */
  | { kind: 'sendto'; header: string; data: Buffer };

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;

/**
 * Splits what the client writes into commands: CRLF- or CR-terminated lines, and for SKSENDTO the header plus
 * exactly DATALEN raw data bytes (docs/protocol.md §3.10, §11.6).
 */
export class CommandReader {
  private line: number[] = [];
  private afterCr = false;
  private data: Buffer | null = null;
  private dataFill = 0;
  private header = '';

  push(chunk: Uint8Array): StickInput[] {
    const out: StickInput[] = [];
    for (const byte of chunk) {
      if (this.data !== null) {
        this.data[this.dataFill++] = byte;
        if (this.dataFill === this.data.length) this.finishData(out);
        continue;
      }
      if (byte === CR || byte === LF) {
        const swallow = byte === LF && this.afterCr;
        this.afterCr = byte === CR;
        if (swallow) continue;
        const text = Buffer.from(this.line).toString('latin1');
        this.line = [];
        if (text.trim() !== '') out.push({ kind: 'line', text });
        continue;
      }
      this.afterCr = false;
      this.line.push(byte);
      if (byte === SPACE) this.maybeEnterDataMode(out);
    }
    return out;
  }

  private maybeEnterDataMode(out: StickInput[]): void {
    if (this.line.length < 9) return;
    const text = Buffer.from(this.line).toString('latin1');
    if (!text.startsWith('SKSENDTO ')) return;
    const tokens = text.trim().split(/ +/);
    const last = tokens[tokens.length - 1] ?? '';
    // command, handle, address, port, sec, [side,] datalen → at least 6 tokens (§3.10)
    if (tokens.length < 6 || !/^[0-9A-Fa-f]{4}$/.test(last)) return;
    // Any 4-digit DATALEN is read; one above 0x04D0 (§3.10) is refused with ER06 after its data.
    const length = Number.parseInt(last, 16);
    this.header = text;
    this.line = [];
    this.data = Buffer.alloc(length);
    this.dataFill = 0;
    if (length === 0) this.finishData(out);
  }

  private finishData(out: StickInput[]): void {
    out.push({ kind: 'sendto', header: this.header, data: this.data ?? Buffer.alloc(0) });
    this.data = null;
    this.header = '';
  }
}
