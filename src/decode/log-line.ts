/**
 * Finding the stick's ERXUDP line in a line of a log, for `bmeter decode`:
 * - any log: the text from the word ERXUDP on (a time stamp, a tag or `rx:` before it is skipped), in the
 *   stick's own layout (docs/protocol.md §4.1);
 * - bmeter's own log (`-vvv`, JSON lines): the `rx` field of a record, where an ERXUDP line is written as
 *   src/skstack/describe.ts describes it: `ERXUDP SENDER DEST RPORT LPORT MAC [rssi=N] secured=0|1 [side=N] DATA`,
 *   flags named and no DATALEN, PANA data left out. Records without such a line are not frames: skipped.
 */
import { BmeterError } from '../errors.js';
import { parseErxudpText, type ErxudpLine } from '../skstack/erxudp.js';

/** Whether `text` is a record of bmeter's log (JSON) that holds no ERXUDP line: not a frame, to be skipped. */
export function isOtherLogRecord(text: string): boolean {
  const record = logRecord(text);
  return record !== undefined && !(typeof record['rx'] === 'string' && record['rx'].startsWith('ERXUDP '));
}

/**
 * The ERXUDP line in `text` (one input line, trimmed): a record's `rx`, or the text from the word ERXUDP on;
 * undefined when there is none (a hex frame?).
 * @throws BmeterError PROTOCOL / DECODE when an ERXUDP line is there but malformed (the reason named)
 */
export function findErxudp(text: string): ErxudpLine | undefined {
  const rx = logRecord(text)?.['rx'];
  if (typeof rx === 'string') return parseLogged(rx);
  const at = text.search(/\bERXUDP /);
  if (at < 0) return undefined;
  const line = text.slice(at);
  return /\ssecured=[01]\s/.test(line) ? parseLogged(line) : parseErxudpText(line);
}

/** `text` as a JSON log record (an object with `msg` or `level`), else undefined. */
function logRecord(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    return 'msg' in record || 'level' in record ? record : undefined;
  } catch {
    return undefined;
  }
}

const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** An ERXUDP line as bmeter logs it (describeLine): named flags, no DATALEN, the data last (or left out). */
function parseLogged(line: string): ErxudpLine {
  const [, sender, dest, rport, lport, senderMac, ...rest] = line.split(/ +/);
  const bad = (why: string): BmeterError => new BmeterError('DECODE', `ERXUDP line as bmeter logs it: ${why}`);
  if (sender === undefined || dest === undefined || senderMac === undefined) throw bad('too few fields');
  if (rport === undefined || lport === undefined || !HEX4.test(rport) || !HEX4.test(lport))
    throw bad('the ports are not 4 hex digits');
  const flags = new Map<string, number>();
  while (rest[0] !== undefined && /^(rssi|secured|side)=\d+$/.test(rest[0])) {
    const [name = '', value = ''] = (rest.shift() as string).split('=');
    flags.set(name, Number(value));
  }
  const data = rest.join(' ');
  // PANA data is not logged (`<40 bytes PANA, not logged>`): no frame, and the port says why
  if (!data.startsWith('<') && !/^([0-9A-Fa-f]{2})+$/.test(data)) throw bad('the data is not hex');
  const parsed: ErxudpLine = {
    type: 'erxudp',
    sender,
    dest,
    rport: Number.parseInt(rport, 16),
    lport: Number.parseInt(lport, 16),
    senderMac,
    secured: flags.get('secured') === 1,
    data: data.startsWith('<') ? Buffer.alloc(0) : Buffer.from(data, 'hex'),
  };
  const rssi = flags.get('rssi');
  const side = flags.get('side');
  if (rssi !== undefined) parsed.rssi = rssi;
  if (side !== undefined) parsed.side = side;
  return parsed;
}
