/**
 * Formats what a stick prints: EVENT lines, ERXUDP (hex or raw binary data), EPANDESC blocks.
 * Layouts from docs/protocol.md §3.6 (EPANDESC), §4 (EVENT) and §4.1 (ERXUDP layouts A, B, C).
 */
export const CRLF = '\r\n' as const;

export interface LineFormat {
  /** Dual-stack: side tokens on EVENT and ERXUDP, `Side:` in EPANDESC (§2). */
  dual: boolean;
  /** Dual-stack with register SA2 = 1: an RSSI/LQI token in ERXUDP (layout C, §4.1). */
  rssi: boolean;
  /** ERXUDP data as raw bytes (WOPT bit 0 = 0) rather than hex ASCII (§3.12). */
  binary: boolean;
}

/** Side token: 0 = B-route (§3.6, §3.10). The simulator only speaks B-route. */
const SIDE_B = '0';

/** `n` as upper-case hex, left-padded with zeros to `digits`. */
export function hex(n: number, digits: number): string {
  return n.toString(16).toUpperCase().padStart(digits, '0');
}

/**
 * `EVENT <NUM> <SENDER>[ <SIDE>][ <PARAM>]` (§4): single-stack `EVENT 21 <addr> 00`,
 * dual-stack `EVENT 21 <addr> 0 00`.
 */
export function eventLine(format: LineFormat, num: number, sender: string, param?: number): string {
  let line = `EVENT ${hex(num, 2)} ${sender}`;
  if (format.dual) line += ` ${SIDE_B}`;
  if (param !== undefined) line += ` ${hex(param, 2)}`;
  return line + CRLF;
}

export interface Datagram {
  sender: string;
  dest: string;
  rport: number;
  lport: number;
  senderMac: string;
  secured: boolean;
  /** Link quality of the received frame (printed only in layout C). */
  lqi: number;
  data: Buffer;
}

/**
 * `ERXUDP <SENDER> <DEST> <RPORT> <LPORT> <SENDERLLA> [<RSSI>] <SECURED> [<SIDE>] <DATALEN> <DATA>`
 * then CRLF. Binary data is written raw and may itself contain CR LF (§1 rule 1).
 */
export function erxudp(format: LineFormat, d: Datagram): Buffer {
  const tokens = ['ERXUDP', d.sender, d.dest, hex(d.rport, 4), hex(d.lport, 4), d.senderMac];
  if (format.dual && format.rssi) tokens.push(hex(d.lqi, 2));
  tokens.push(d.secured ? '1' : '0');
  if (format.dual) tokens.push(SIDE_B);
  tokens.push(hex(d.data.length, 4));
  const head = tokens.join(' ') + ' ';
  const body = format.binary ? d.data : Buffer.from(d.data.toString('hex').toUpperCase(), 'latin1');
  return Buffer.concat([Buffer.from(head, 'latin1'), body, Buffer.from(CRLF, 'latin1')]);
}

export interface PanDescriptor {
  channel: number;
  panId: number;
  addr: string;
  lqi: number;
  pairId: string;
}

/**
 * EPANDESC block (§3.6): item lines indented by two spaces, channel and page in hex,
 * `Side:` between LQI and PairID on dual-stack, `PairID:` only in scan mode 2 (with IE).
 */
export function epandesc(format: LineFormat, pan: PanDescriptor, withPairId: boolean): string {
  const lines = [
    'EPANDESC',
    `  Channel:${hex(pan.channel, 2)}`,
    '  Channel Page:09',
    `  Pan ID:${hex(pan.panId, 4)}`,
    `  Addr:${pan.addr}`,
    `  LQI:${hex(pan.lqi, 2)}`,
  ];
  if (format.dual) lines.push(`  Side:${SIDE_B}`);
  if (withPairId) lines.push(`  PairID:${pan.pairId}`);
  return lines.join(CRLF) + CRLF;
}
