/**
 * A stick that does not answer (no SKVER, a command timed out) often has its answers taken by
 * another program holding the device (a second integration, a `cat` left running): the error then
 * names them, so the user knows what to stop.
 */
import { BmeterError, isBmeterError } from '../errors.js';
import type { Transport } from '../transport/transport.js';

/**
 * `err` with the other programs that hold `transport`'s device named in its message, when it is a
 * NOT_SKSTACK or TIMEOUT error and the transport can tell (serial devices, from /proc); else `err`
 * itself. Never throws.
 */
export async function namePortHolders(err: unknown, transport: Transport): Promise<unknown> {
  if (!(isBmeterError(err, 'NOT_SKSTACK') || isBmeterError(err, 'TIMEOUT')) || transport.otherHolders === undefined) {
    return err;
  }
  const holders = await transport.otherHolders().catch(() => []);
  if (holders.length === 0) return err;
  return new BmeterError(
    err.code,
    `${err.message} — other programs have ${transport.description} open and may be taking the stick's answers: ` +
      `${holders.join(', ')}; stop them and try again`,
    { cause: err },
  );
}
