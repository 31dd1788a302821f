/**
 * Typed lines: what the stick prints, classified (docs/design.md §3 "typed lines"). The byte framer
 * (framer.ts) cuts the stream into text lines, binary ERXUDP records and EPANDESC blocks; this
 * file turns one text line into an `SkLine`. Nothing here throws: unknown or malformed input
 * becomes a `text` line (with `fault` when it looked like something known but was broken).
 */
import { isBmeterError } from '../errors.js';
import { parseErxudpText, type ErxudpLine } from './erxudp.js';

export type { ErxudpLine } from './erxudp.js';

export interface OkLine {
  type: 'ok';
  value?: string;
}
/** `FAIL ERnn` (§5); `code` is the two characters after ER, e.g. '04'. */
export interface FailLine {
  type: 'fail';
  code: string;
}
/** `EVENT <NUM> <SENDER>[ <SIDE>][ <PARAM>]` (§4). `num` is the hex number read, e.g. 0x21. */
export interface EventLine {
  type: 'event';
  num: number;
  sender?: string;
  side?: number;
  param?: number;
}
export interface EpandescLine {
  type: 'epandesc';
  /** Logical channel as a number (`Channel:3B` → 59). NaN only when `fault` is set. */
  channel: number;
  channelHex: string;
  channelPage: number;
  panId: string;
  addr: string;
  lqi: number;
  side?: number;
  pairId?: string;
  /** Set when a required item was missing or not hex (e.g. a masked capture); the block is unusable. */
  fault?: string;
}
export interface EverLine {
  type: 'ever';
  version: string;
}
/** `EINFO <IPADDR> <ADDR64> <CHANNEL> <PANID> <ADDR16 | SIDE>` (§3.2). */
export interface EinfoLine {
  type: 'einfo';
  ipv6: string;
  mac: string;
  channel: number;
  panId: string;
  field5: string;
}
export interface EsregLine {
  type: 'esreg';
  value: string;
}
/** The stick echoing a command (SFE=1, §1). `command` may hold secrets: mask before logging. */
export interface EchoLine {
  type: 'echo';
  command: string;
}
export interface TextLine {
  type: 'text';
  text: string;
  fault?: string;
}
export interface EmptyLine {
  type: 'empty';
}

export type SkLine =
  | OkLine
  | FailLine
  | EventLine
  | ErxudpLine
  | EpandescLine
  | EverLine
  | EinfoLine
  | EsregLine
  | EchoLine
  | TextLine
  | EmptyLine;

/** Command names the stick may echo (SK* plus the CR-only product-configuration commands, §3.12). */
const ECHO = /^(SK[A-Z0-9]+|WOPT|ROPT|WUART|RUART)(\s|$)/;
const HEX = /^[0-9A-Fa-f]+$/;

/** Classifies one text line (without its terminator). Never throws. */
export function classifyLine(raw: string): SkLine {
  const text = raw.replace(/[ \t]+$/, '');
  if (text === '') return { type: 'empty' };
  if (text === 'OK') return { type: 'ok' };
  if (text.startsWith('OK ')) return { type: 'ok', value: text.slice(3).trim() };
  if (text.startsWith('FAIL')) {
    const m = /^FAIL ER([0-9A-Fa-f]{2})$/.exec(text);
    return m
      ? { type: 'fail', code: (m[1] ?? '').toUpperCase() }
      : { type: 'text', text: raw, fault: 'malformed FAIL line' };
  }
  if (text.startsWith('EVENT ')) return parseEvent(text) ?? { type: 'text', text: raw, fault: 'malformed EVENT line' };
  if (text.startsWith('ERXUDP ')) {
    try {
      return parseErxudpText(text);
    } catch (err) {
      return { type: 'text', text: raw, fault: isBmeterError(err) ? err.message : String(err) };
    }
  }
  if (text.startsWith('EVER ')) return { type: 'ever', version: text.slice(5).trim() };
  if (text.startsWith('ESREG ')) return { type: 'esreg', value: text.slice(6).trim() };
  if (text.startsWith('EINFO ')) return parseEinfo(text) ?? { type: 'text', text: raw, fault: 'malformed EINFO line' };
  if (ECHO.test(text)) return { type: 'echo', command: raw };
  return { type: 'text', text: raw };
}

/**
 * EVENT forms (§4, capture momonga-bp35c2-event-forms): single-stack `EVENT 21 <addr> 00`,
 * dual-stack `EVENT 21 <addr> 0 00`; `EVENT 29 <addr>` vs `EVENT 29 <addr> 0`. The side token is
 * one digit and PARAM two, so a lone trailing token is told apart by its length.
 */
export function parseEvent(text: string): EventLine | undefined {
  const tokens = text.split(/ +/).slice(1);
  const numHex = tokens[0];
  if (numHex === undefined || !/^[0-9A-Fa-f]{1,2}$/.test(numHex)) return undefined;
  const event: EventLine = { type: 'event', num: parseInt(numHex, 16) };
  const rest = tokens.slice(1);
  if (rest[0] !== undefined && rest[0].includes(':')) event.sender = (rest.shift() ?? '').toUpperCase();
  if (rest.length > 2 || !rest.every((t) => HEX.test(t))) return undefined;
  if (rest.length === 2) {
    event.side = parseInt(rest[0] ?? '', 16);
    event.param = parseInt(rest[1] ?? '', 16);
  } else if (rest.length === 1) {
    const token = rest[0] ?? '';
    if (token.length === 1) event.side = parseInt(token, 16);
    else event.param = parseInt(token, 16);
  }
  return event;
}

function parseEinfo(text: string): EinfoLine | undefined {
  const [ipv6, mac, channel, panId, field5] = text.split(/ +/).slice(1);
  if (!ipv6?.includes(':') || !mac || !HEX.test(mac) || !channel || !HEX.test(channel) || !panId || !HEX.test(panId)) {
    return undefined;
  }
  return {
    type: 'einfo',
    ipv6: ipv6.toUpperCase(),
    mac: mac.toUpperCase(),
    channel: parseInt(channel, 16),
    panId: panId.toUpperCase(),
    field5: field5 ?? '',
  };
}

/** Item names inside an EPANDESC block (§3.6); item lines start with two spaces. */
export const EPANDESC_ITEMS = ['Channel', 'Channel Page', 'Pan ID', 'Addr', 'LQI', 'Side', 'PairID'] as const;

/** Builds the typed EPANDESC from its `Key:Value` items; missing/non-hex required items set `fault`. */
export function buildEpandesc(items: ReadonlyMap<string, string>): EpandescLine {
  const faults: string[] = [];
  const hexItem = (key: string, digits?: number): string => {
    const value = items.get(key);
    if (value === undefined) faults.push(`no ${key}`);
    else if (!HEX.test(value) || (digits !== undefined && value.length !== digits))
      faults.push(`${key} "${value}" is not hex`);
    return (value ?? '').toUpperCase();
  };
  const channelHex = hexItem('Channel');
  const page = hexItem('Channel Page');
  const panId = hexItem('Pan ID', 4);
  const addr = hexItem('Addr', 16);
  const lqi = hexItem('LQI');
  const line: EpandescLine = {
    type: 'epandesc',
    channel: parseInt(channelHex, 16),
    channelHex,
    channelPage: parseInt(page, 16),
    panId,
    addr,
    lqi: parseInt(lqi, 16),
  };
  const side = items.get('Side');
  if (side !== undefined && HEX.test(side)) line.side = parseInt(side, 16);
  const pairId = items.get('PairID');
  if (pairId !== undefined) line.pairId = pairId.toUpperCase();
  if (faults.length > 0) line.fault = `EPANDESC unusable: ${faults.join(', ')}`;
  return line;
}
