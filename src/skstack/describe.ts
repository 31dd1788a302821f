/**
 * How lines are logged: secrets masked (§3.5), PANA payloads elided — they carry the Route-B ID.
 */
import { hex, maskSecrets, PANA_PORT } from './commands.js';
import type { SkLine } from './lines.js';

/** A line as it may be logged: secrets masked, PANA payloads (they carry the Route-B ID) elided. */
export function describeLine(line: SkLine): string {
  switch (line.type) {
    case 'erxudp': {
      const pana = line.rport === PANA_PORT || line.lport === PANA_PORT;
      const data = pana ? `<${line.data.length} bytes PANA, not logged>` : line.data.toString('hex').toUpperCase();
      return `ERXUDP ${line.sender} ${line.dest} ${hex(line.rport, 4)} ${hex(line.lport, 4)} ${line.senderMac}${line.rssi !== undefined ? ` rssi=${line.rssi}` : ''} secured=${line.secured ? 1 : 0}${line.side !== undefined ? ` side=${line.side}` : ''} ${data}`;
    }
    case 'echo':
      return `echo: ${maskSecrets(line.command)}`;
    case 'text':
      return `${JSON.stringify(maskSecrets(elidePanaData(line.text)))}${line.fault ? ` (${line.fault})` : ''}`;
    default:
      return JSON.stringify(line);
  }
}

/**
 * An ERXUDP line the parser refused (truncated, DATALEN mismatch) stays text; when it is PANA, its
 * data may carry the Route-B ID hex-encoded, which no redaction of the ID itself would catch.
 * Keeps the header (up to DATALEN, else the 5 fixed fields).
 */
function elidePanaData(text: string): string {
  const tokens = text.split(' ');
  const port = hex(PANA_PORT, 4);
  if (tokens[0] !== 'ERXUDP' || (tokens[3]?.toUpperCase() !== port && tokens[4]?.toUpperCase() !== port)) return text;
  const dataLen = tokens.findIndex((t, i) => i > 6 && /^[0-9A-Fa-f]{4}$/.test(t));
  const keep = dataLen < 0 ? 6 : dataLen + 1;
  return `${tokens.slice(0, keep).join(' ')} <PANA data not logged>`;
}
