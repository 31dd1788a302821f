/**
 * ERXUDP: a UDP datagram received by the stick (docs/protocol.md §4.1).
 *
 * Four layouts exist (A single-stack, B dual-stack, C dual-stack with SA2=1 RSSI, D Skyley HAN),
 * so the header is parsed with the robust rule of §4.1: 5 fixed fields, then 1–3 flag tokens
 * until a token of exactly 4 hex digits (DATALEN). By count, the flags are
 * 1 = SECURED, 2 = SECURED SIDE, 3 = RSSI SECURED SIDE.
 */
import { BmeterError } from '../errors.js';
import { count } from '../log/count.js';

export interface ErxudpHeader {
  sender: string;
  dest: string;
  rport: number;
  lport: number;
  senderMac: string;
  /** The raw RSSI/LQI byte (layout C/D); RSSI dBm = 0.275 × LQI − 104.27 (§3.6). */
  rssi?: number;
  secured: boolean;
  side?: number;
  /** DATALEN: the number of data BYTES (not characters). */
  dataLength: number;
}

export interface ErxudpLine extends Omit<ErxudpHeader, 'dataLength'> {
  type: 'erxudp';
  data: Buffer;
}

const HEX4 = /^[0-9A-Fa-f]{4}$/;
const HEX_FLAG = /^[0-9A-Fa-f]{1,2}$/;
const HEX_MAC = /^[0-9A-Fa-f]{12,16}$/;
const HEX_ONLY = /^[0-9A-Fa-f]*$/;

/** Outcome of looking at the header tokens of a line that may still be arriving. */
export type HeaderParse =
  { kind: 'ok'; header: ErxudpHeader; tokensUsed: number } | { kind: 'incomplete' } | { kind: 'bad'; reason: string };

/**
 * Parses the header tokens that follow the word `ERXUDP` (tokens[0] is the sender).
 * `complete` says whether the token list is final: when false, running out of tokens is
 * 'incomplete' rather than 'bad' (the framer calls this while bytes are still arriving).
 */
export function parseErxudpHeaderTokens(tokens: readonly string[], complete: boolean): HeaderParse {
  const need = (n: number): HeaderParse | undefined =>
    tokens.length < n
      ? complete
        ? { kind: 'bad', reason: `ERXUDP has only ${count(tokens.length, 'field')} after the keyword` }
        : { kind: 'incomplete' }
      : undefined;
  const short = need(5);
  if (short) return short;
  const [sender, dest, rportHex, lportHex, senderMac] = tokens as [string, string, string, string, string];
  if (!sender.includes(':')) return { kind: 'bad', reason: `ERXUDP sender "${sender}" is not an IPv6 address` };
  if (!dest.includes(':')) return { kind: 'bad', reason: `ERXUDP destination "${dest}" is not an IPv6 address` };
  if (!HEX4.test(rportHex)) return { kind: 'bad', reason: `ERXUDP remote port "${rportHex}" is not 4 hex digits` };
  if (!HEX4.test(lportHex)) return { kind: 'bad', reason: `ERXUDP local port "${lportHex}" is not 4 hex digits` };
  if (!HEX_MAC.test(senderMac)) return { kind: 'bad', reason: `ERXUDP sender MAC "${senderMac}" is not hex` };

  const flags: string[] = [];
  for (let i = 5; ; i++) {
    const token = tokens[i];
    if (token === undefined) {
      return complete
        ? { kind: 'bad', reason: 'ERXUDP has no DATALEN (a 4-hex-digit field) after the flags' }
        : { kind: 'incomplete' };
    }
    if (HEX4.test(token)) {
      if (flags.length === 0) return { kind: 'bad', reason: 'ERXUDP has no SECURED flag before DATALEN' };
      return {
        kind: 'ok',
        header: buildHeader(sender, dest, rportHex, lportHex, senderMac, flags, token),
        tokensUsed: i + 1,
      };
    }
    if (!HEX_FLAG.test(token)) return { kind: 'bad', reason: `ERXUDP flag "${token}" is not 1–2 hex digits` };
    flags.push(token);
    if (flags.length > 3) return { kind: 'bad', reason: 'ERXUDP has more than 3 flag fields before DATALEN' };
  }
}

function buildHeader(
  sender: string,
  dest: string,
  rportHex: string,
  lportHex: string,
  senderMac: string,
  flags: string[],
  dataLenHex: string,
): ErxudpHeader {
  const n = flags.map((f) => parseInt(f, 16));
  // §4.1 step 2: 1 flag = SECURED; 2 = SECURED SIDE; 3 = RSSI SECURED SIDE.
  const [rssi, secured, side] =
    n.length === 1 ? [undefined, n[0], undefined] : n.length === 2 ? [undefined, n[0], n[1]] : [n[0], n[1], n[2]];
  const header: ErxudpHeader = {
    sender: sender.toUpperCase(),
    dest: dest.toUpperCase(),
    rport: parseInt(rportHex, 16),
    lport: parseInt(lportHex, 16),
    senderMac: senderMac.toUpperCase(),
    secured: (secured ?? 0) !== 0,
    dataLength: parseInt(dataLenHex, 16),
  };
  if (rssi !== undefined) header.rssi = rssi;
  if (side !== undefined) header.side = side;
  return header;
}

/**
 * Parses the text form of an ERXUDP line whose data is hex ASCII (layouts A–D, §4.1).
 * Throws BmeterError('PROTOCOL') naming the fault, e.g.
 * "ERXUDP data is 26 hex characters, DATALEN 000E says 28".
 */
export function parseErxudpText(line: string): ErxudpLine {
  const text = line
    .replace(/\r?\n$/, '')
    .replace(/\r$/, '')
    .trim();
  const tokens = text.split(/ +/);
  if (tokens[0] !== 'ERXUDP') {
    throw new BmeterError('PROTOCOL', `not an ERXUDP line: it starts with "${(tokens[0] ?? '').slice(0, 20)}"`);
  }
  const rest = tokens.slice(1);
  const parsed = parseErxudpHeaderTokens(rest, true);
  if (parsed.kind !== 'ok') {
    throw new BmeterError('PROTOCOL', parsed.kind === 'bad' ? parsed.reason : 'ERXUDP line is incomplete');
  }
  const { header, tokensUsed } = parsed;
  const dataTokens = rest.slice(tokensUsed);
  if (dataTokens.length > 1) {
    throw new BmeterError(
      'PROTOCOL',
      `ERXUDP has ${count(dataTokens.length, 'field')} after DATALEN; expected one hex data field`,
    );
  }
  const hex = dataTokens[0] ?? '';
  const lenHex = rest[tokensUsed - 1] ?? '';
  if (!HEX_ONLY.test(hex)) {
    throw new BmeterError('PROTOCOL', `ERXUDP data is not hex ASCII (binary data must be read by the byte framer)`);
  }
  if (hex.length !== header.dataLength * 2) {
    throw new BmeterError(
      'PROTOCOL',
      `ERXUDP data is ${hex.length} hex characters, DATALEN ${lenHex} says ${header.dataLength * 2}`,
    );
  }
  return erxudpLine(header, Buffer.from(hex, 'hex'));
}

/** Builds the typed line from a parsed header and its data bytes. */
export function erxudpLine(header: ErxudpHeader, data: Buffer): ErxudpLine {
  const { dataLength: _len, ...rest } = header;
  return { type: 'erxudp', ...rest, data };
}
