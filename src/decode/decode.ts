/**
 * `bmeter decode`, the pure part: turns ERXUDP log lines (any layout of docs/protocol.md §4.1, hex
 * data, anywhere in a line of a log, also bmeter's own: log-line.ts) or bare hex ECHONET Lite frames into one
 * JSON object per frame. Bad lines are reported with
 * their line number and skipped; after everything is processed a BmeterError('DECODE') says how many
 * lines failed. An ERXUDP line of PANA authentication (UDP 716 = 02CC: the stick's join, no frame) is skipped
 * like the log's other records, not counted as a failure.
 */
import { esvName, ECHONET_UDP_PORT } from '../echonet/constants.js';
import { decodeFrame } from '../echonet/frame.js';
import { BmeterError } from '../errors.js';
import { contextFromProperties, decodeProperty, type DecodedProperty } from '../meter/properties.js';
import type { EnergyContext } from '../meter/units.js';
import { PANA_PORT } from '../skstack/commands.js';
import type { ErxudpLine } from '../skstack/erxudp.js';
import { locateErxudp, parseErxudpAnyLayout, type Located } from './log-line.js';
import { count } from '../log/count.js';

export interface DecodeOptions {
  /** E1 code to use when the frame has no E1 (`--unit`). */
  unitCode?: number;
  /** D3 coefficient to use when the frame has no D3 (`--coefficient`). */
  coefficient?: number;
  /**
   * The lines were given one by one (command-line arguments), not read from a log: when they were all PANA
   * authentication lines, so nothing was decoded, the run fails saying so rather than printing nothing.
   */
  givenLines?: boolean;
}

export interface DecodedFrameJson {
  line: number;
  /** present when the line was an ERXUDP line */
  erxudp?: {
    sender: string;
    dest: string;
    rport: string;
    lport: string;
    sender_mac: string;
    secured: boolean;
    side?: number;
    /** the RSSI/LQI token (layout C) and RSSI = 0.275 × LQI − 104.27 dBm (§3.6) */
    lqi?: number;
    rssi_dbm?: number;
  };
  tid: string;
  seoj: string;
  deoj: string;
  esv: string;
  esv_name: string;
  opc: number;
  properties: (DecodedProperty & { error?: string })[];
}

export interface DecodeOutput {
  /** one JSON object per decoded frame */
  frame(json: DecodedFrameJson): void;
  /** one message per bad line, already prefixed with "line N: " */
  problem(message: string): void;
}

/** A line the reader dropped for its length (cli/stdin-lines.ts bounds them). */
export interface TooLongLine {
  overlongBytes: number;
}

export interface DecodeSummary {
  /** the lines holding a frame or a fault (not empty lines, comments, log records or PANA lines) */
  lines: number;
  failed: number;
  /** the ERXUDP lines of PANA authentication skipped */
  pana: number;
}

/** What decodeLine gives for an ERXUDP line of PANA authentication: the stick's join, no frame to decode. */
export const PANA_LINE = 'pana';

/**
 * Decodes every line; reports bad ones through `out.problem` and throws
 * BmeterError('DECODE', 'N of M lines could not be decoded') at the end if any failed (PANA lines skipped, not
 * counted), or, for `givenLines` that were all PANA lines, one saying that nothing was decoded.
 */
export async function runDecode(
  lines: Iterable<string> | AsyncIterable<string | TooLongLine>,
  options: DecodeOptions,
  out: DecodeOutput,
): Promise<DecodeSummary> {
  let lineNo = 0;
  let total = 0;
  let failed = 0;
  let pana = 0;
  for await (const raw of lines) {
    lineNo++;
    if (typeof raw !== 'string') {
      total++;
      failed++;
      out.problem(
        `line ${lineNo}: ${raw.overlongBytes} bytes, longer than any ERXUDP line or frame (64 KiB are read at most); skipped`,
      );
      continue;
    }
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) continue;
    const located = locateErxudp(text);
    if (located === 'log-record') continue; // a record of bmeter's own log that holds no ERXUDP line
    let decoded: ReturnType<typeof decodeLine>;
    try {
      decoded = decodeLine(text, lineNo, options, located);
    } catch (err) {
      total++;
      failed++;
      out.problem(`line ${lineNo}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (decoded === PANA_LINE) {
      pana++; // the stick's join: skipped like the log's other records
      continue;
    }
    total++;
    out.frame(decoded.json);
    if (decoded.problems.length > 0) {
      failed++;
      for (const p of decoded.problems) out.problem(`line ${lineNo}: ${p}`);
    }
  }
  if (failed > 0) {
    throw new BmeterError('DECODE', `${failed} of ${count(total, 'line')} could not be decoded`);
  }
  if (options.givenLines === true && total === 0 && pana > 0) {
    throw new BmeterError(
      'DECODE',
      `nothing to decode: ${pana === 1 ? 'the line is' : `the ${pana} lines are`} PANA authentication (UDP port 02CC), ` +
        'not ECHONET Lite (UDP port 0E1A)',
    );
  }
  return { lines: total, failed, pana };
}

/**
 * One line → its frame as JSON, or PANA_LINE for an ERXUDP line of PANA authentication (port 02CC: no frame).
 * A fault in the line or frame throws a BmeterError; a property whose
 * EDT does not fit its layout keeps `value: null` with `error`, and is listed in `problems`. `located`: where
 * the ERXUDP line in `text` is (log-line.ts locateErxudp), found here when not given.
 */
export function decodeLine(
  text: string,
  lineNo: number,
  options: DecodeOptions,
  located: Located = locateErxudp(text),
): { json: DecodedFrameJson; problems: string[] } | typeof PANA_LINE {
  const erxudp = typeof located === 'object' ? parseErxudpAnyLayout(located.erxudp) : undefined;
  let bytes: Buffer;
  if (erxudp !== undefined) {
    if (erxudp.rport !== ECHONET_UDP_PORT && erxudp.lport !== ECHONET_UDP_PORT) {
      if (erxudp.rport === PANA_PORT || erxudp.lport === PANA_PORT) return PANA_LINE;
      throw new BmeterError(
        'DECODE',
        `not ECHONET Lite: ERXUDP from port ${port(erxudp.rport)} to ${port(erxudp.lport)}; ECHONET Lite uses 0E1A`,
      );
    }
    bytes = erxudp.data;
  } else {
    bytes = parseHex(text);
  }
  const frame = decodeFrame(bytes);
  const base: EnergyContext = {};
  if (options.unitCode !== undefined) base.unitCode = options.unitCode;
  if (options.coefficient !== undefined) base.coefficient = options.coefficient;
  // values in the frame itself (E1, D3) win over the flags: they are the meter's own
  const ctx = contextFromProperties(frame.properties, base);
  // the object whose properties these are: the sender, unless the controller is sending (requests)
  const eoj = frame.seoj.startsWith('05FF') ? frame.deoj : frame.seoj;
  const problems: string[] = [];
  const properties = frame.properties.map((p, i) => {
    try {
      return decodeProperty(p.epc, p.edt, ctx, eoj);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      problems.push(`property ${i + 1}: ${message}`);
      const hex = p.edt.toString('hex').toUpperCase();
      const epc = p.epc.toString(16).toUpperCase().padStart(2, '0');
      return { epc, name: 'malformed', pdc: p.edt.length, edt: hex, value: null, error: message };
    }
  });
  const json: DecodedFrameJson = {
    line: lineNo,
    ...(erxudp ? { erxudp: erxudpJson(erxudp) } : {}),
    tid: frame.tid.toString(16).toUpperCase().padStart(4, '0'),
    seoj: frame.seoj,
    deoj: frame.deoj,
    esv: frame.esv.toString(16).toUpperCase().padStart(2, '0'),
    esv_name: esvName(frame.esv),
    opc: frame.properties.length,
    properties,
  };
  return { json, problems };
}

/** A bare hex frame: whitespace and a leading 0x are tolerated. */
export function parseHex(text: string): Buffer {
  const hex = text.replace(/^0x/i, '').replace(/\s+/g, '');
  if (!/^[0-9A-Fa-f]*$/.test(hex)) {
    const bad = /[^0-9A-Fa-f]/.exec(hex);
    throw new BmeterError(
      'DECODE',
      `not an ERXUDP line or a hex frame: "${bad?.[0] ?? '?'}" at character ${(bad?.index ?? 0) + 1} is not a hex digit`,
    );
  }
  if (hex.length % 2 !== 0) {
    throw new BmeterError('DECODE', `hex frame has an odd number of digits (${hex.length})`);
  }
  return Buffer.from(hex, 'hex');
}

function erxudpJson(e: ErxudpLine): NonNullable<DecodedFrameJson['erxudp']> {
  const out: NonNullable<DecodedFrameJson['erxudp']> = {
    sender: e.sender,
    dest: e.dest,
    rport: port(e.rport),
    lport: port(e.lport),
    sender_mac: e.senderMac,
    secured: e.secured,
  };
  if (e.side !== undefined) out.side = e.side;
  if (e.rssi !== undefined) {
    out.lqi = e.rssi;
    out.rssi_dbm = Math.round((0.275 * e.rssi - 104.27) * 100) / 100;
  }
  return out;
}

function port(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
