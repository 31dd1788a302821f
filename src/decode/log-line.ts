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

/** What an input line holds: the text of an ERXUDP line in it, a log record that is no frame, or neither. */
export type Located = { erxudp: string } | 'log-record' | undefined;

/**
 * Where the ERXUDP line in `text` (one input line, trimmed) is, read once: a record of bmeter's log gives its
 * `rx` when that is an ERXUDP line and is otherwise 'log-record' (no frame: skipped); any other line gives the
 * text from the word ERXUDP on; undefined when there is none (a hex frame?). Nothing is parsed yet.
 */
export function locateErxudp(text: string): Located {
  const record = logRecord(text);
  if (record !== undefined) {
    const rx = record['rx'];
    return typeof rx === 'string' && rx.startsWith('ERXUDP ') ? { erxudp: rx } : 'log-record';
  }
  const at = text.search(/\bERXUDP /);
  return at < 0 ? undefined : { erxudp: text.slice(at) };
}

/**
 * The ERXUDP line `line` (from locateErxudp) parsed, in the stick's layout or as bmeter logs it (`secured=`).
 * @throws BmeterError PROTOCOL / DECODE naming what is malformed
 */
export function parseErxudpAnyLayout(line: string): ErxudpLine {
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
