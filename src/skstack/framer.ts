/**
 * The byte framer: bytes in, typed lines out (docs/design.md §3 "bytes, not lines").
 *
 * - Lines end with CRLF (§1). A lone CR also ends a line: WOPT/ROPT/WUART/RUART answer
 *   `OK 01\r` with no LF (§1, §11.4, capture rswsuha-ropt-ruart). The line is emitted at the CR
 *   at once, and an LF that directly follows that CR — in the same chunk or as the first byte of
 *   the next one — is swallowed. So no timing and no per-command hint is needed: a CR at the end of
 *   a chunk cannot glue or split anything.
 * - ERXUDP with binary data (§4.1, §11.3): the header is read up to DATALEN and its space, then
 *   exactly DATALEN raw bytes (which may contain CR LF, capture wisun2mqtt-binary-crlf-inside-data),
 *   then CRLF; a DATALEN above 1232 (0x04D0) is a corrupted header read as a faulty text line, so
 *   the next line resynchronises. Hex data is an ordinary text line. When ROPT did not say 'binary', the first data
 *   byte decides (§4.1 step 4): a hex digit → hex text (ECHONET data starts 0x10, PANA 0x00,
 *   never an ASCII hex digit). Binary data not followed by CRLF falls back to the text path, so a
 *   hex line still parses when the hint was wrong.
 * - A SKSENDTO echo ends only at CRLF and may hold non-ASCII bytes (§1 rule 3).
 * - `ERXUDP ` glued behind other text (capture rswsuha-sksendto-echo-e7-228w: `SKSENDTOERXUDP …`)
 *   is split off so the datagram is not lost.
 * - EPANDESC blocks (§3.6) become one `epandesc` line: emitted at `PairID:` (always last) or at the
 *   first line that is not an item line.
 */
import { erxudpLine, parseErxudpHeaderTokens } from './erxudp.js';
import { buildEpandesc, classifyLine, EPANDESC_ITEMS, type SkLine } from './lines.js';

const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const ERXUDP = Buffer.from('ERXUDP ', 'latin1');
const SKSENDTO = Buffer.from('SKSENDTO', 'latin1');
/** Longest ERXUDP header: keyword, 2 × 39-char addresses, ports, MAC, 3 flags, DATALEN. */
const MAX_HEADER = 160;
/**
 * SKSTACK carries at most 1232 (0x04D0) bytes in one datagram (§3.10, S1 MaxDataLength). A larger
 * DATALEN is a corrupted header (capture of a DATALEN FFFF made the framer wait for 65,537 bytes
 * and swallow every later line): the line goes the text path, and the next line is read afresh.
 */
const MAX_ERXUDP_DATA = 0x04d0;
/** A line longer than this without a terminator is garbage; it is emitted to bound memory. */
const MAX_LINE = 8192;

export type ErxudpFormat = 'hex' | 'binary';

/**
 * Turns the stick's byte stream into typed lines (the rules in this file's header): `push(chunk)` returns the
 * lines the chunk completed and keeps the rest for the next chunk. The ERXUDP data format starts as the
 * constructor's `erxudpFormat` (or unknown: decided by the first data byte) and follows `setErxudpFormat`.
 */
export class SkFramer {
  private buf: Buffer = Buffer.alloc(0);
  private swallowLf = false;
  private block: Map<string, string> | undefined;
  private format: ErxudpFormat | undefined;

  constructor(options: { erxudpFormat?: ErxudpFormat } = {}) {
    this.format = options.erxudpFormat;
  }

  /** What ROPT said (§3.12); with 'binary' every ERXUDP is read as raw bytes. */
  setErxudpFormat(format: ErxudpFormat | undefined): void {
    this.format = format;
  }

  /** Feeds a chunk; returns the lines completed by it, in order. */
  push(chunk: Uint8Array): SkLine[] {
    const out: SkLine[] = [];
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length === 0) break;
      if (this.swallowLf) {
        this.swallowLf = false;
        if (this.buf[0] === LF) {
          this.buf = this.buf.subarray(1);
          continue;
        }
      }
      const term = firstTerminator(this.buf);
      const at = this.buf.indexOf(ERXUDP);
      if (at > 0 && (term === -1 || at < term)) {
        this.emitText(this.buf.subarray(0, at).toString('latin1'), out);
        this.buf = this.buf.subarray(at);
        continue;
      }
      if (at === 0) {
        const step = this.tryBinaryErxudp(out);
        if (step === 'wait') break;
        if (step === 'done') continue;
      }
      if (!this.takeLine(out)) break;
    }
    return out;
  }

  /** Cuts one terminated text line off the buffer; false when none is complete yet. */
  private takeLine(out: SkLine[]): boolean {
    const buf = this.buf;
    let end: number;
    let next: number;
    if (startsWith(buf, SKSENDTO)) {
      // §1 rule 3: the SKSENDTO echo ends at CRLF and may contain any byte.
      end = buf.indexOf('\r\n', 0, 'latin1');
      next = end + 2;
    } else {
      end = firstTerminator(buf);
      next = end + 1;
      if (end !== -1 && buf[end] === CR) {
        if (end + 1 < buf.length) next = buf[end + 1] === LF ? end + 2 : end + 1;
        else this.swallowLf = true; // CR at the chunk's end: an LF may follow in the next chunk
      }
    }
    if (end === -1) {
      if (buf.length > MAX_LINE) {
        this.emitText(buf.toString('latin1'), out);
        this.buf = Buffer.alloc(0);
      }
      return false;
    }
    this.emitText(buf.subarray(0, end).toString('latin1'), out);
    this.buf = buf.subarray(next);
    return true;
  }

  /**
   * At `ERXUDP ` with binary data: emits the record and returns 'done'; 'wait' for more bytes;
   * 'line' when the data is hex (or the header is malformed) and the text-line path should run.
   */
  private tryBinaryErxudp(out: SkLine[]): 'done' | 'wait' | 'line' {
    const buf = this.buf;
    const tokens: string[] = [];
    let pos = ERXUDP.length;
    for (;;) {
      const space = buf.indexOf(SPACE, pos);
      const term = firstTerminator(buf, pos);
      if (space === -1 || (term !== -1 && term < space)) {
        // No complete header before a line end (e.g. `… 0000\r\n`) → text path; else wait.
        if (term !== -1 || buf.length > MAX_HEADER) return 'line';
        return 'wait';
      }
      if (space > MAX_HEADER) return 'line';
      tokens.push(buf.subarray(pos, space).toString('latin1'));
      pos = space + 1;
      const parsed = parseErxudpHeaderTokens(tokens, false);
      if (parsed.kind === 'bad') return 'line';
      if (parsed.kind === 'incomplete') continue;
      const n = parsed.header.dataLength;
      if (n > MAX_ERXUDP_DATA) return 'line';
      if (this.format !== 'binary') {
        if (buf.length <= pos) return 'wait';
        if (n > 0 && isHexDigit(buf[pos] ?? 0)) return 'line';
      }
      if (buf.length < pos + n + 2) return 'wait';
      // Binary data must be followed by CRLF; if not (e.g. ROPT said binary but this line is
      // hex), the text path parses or rejects it.
      if (buf[pos + n] !== CR || buf[pos + n + 1] !== LF) return 'line';
      this.endBlock(out);
      out.push(erxudpLine(parsed.header, Buffer.from(buf.subarray(pos, pos + n))));
      this.buf = buf.subarray(pos + n + 2);
      return 'done';
    }
  }

  private emitText(text: string, out: SkLine[]): void {
    if (this.block !== undefined) {
      const item = /^ {2}([A-Za-z ]+):(.*)$/.exec(text);
      const key = item?.[1];
      if (item && key !== undefined && (EPANDESC_ITEMS as readonly string[]).includes(key)) {
        this.block.set(key, (item[2] ?? '').trim());
        if (key === 'PairID') this.endBlock(out);
        return;
      }
      this.endBlock(out);
    }
    if (text.replace(/\s+$/, '') === 'EPANDESC') {
      this.block = new Map();
      return;
    }
    out.push(classifyLine(text));
  }

  private endBlock(out: SkLine[]): void {
    if (this.block === undefined) return;
    out.push(buildEpandesc(this.block));
    this.block = undefined;
  }
}

function firstTerminator(buf: Buffer, from = 0): number {
  for (let i = from; i < buf.length; i++) {
    const b = buf[i];
    if (b === CR || b === LF) return i;
  }
  return -1;
}

function startsWith(buf: Buffer, prefix: Buffer): boolean {
  return buf.length >= prefix.length && buf.subarray(0, prefix.length).equals(prefix);
}

function isHexDigit(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}
