/**
 * The port schemes the CLI registers with the transport opener (src/transport/open.ts): `sim://`,
 * the built-in simulator (src/sim/). Loaded only when a sim:// port is opened.
 */
import { BmeterError } from '../errors.js';
import type { SchemeFactory } from '../transport/open.js';

/** `sim://…` → a fresh simulated stick (options: src/sim/options.ts). */
export const openSimScheme: SchemeFactory = async (port) => {
  let mod: typeof import('../sim/transport.js');
  try {
    mod = await import('../sim/transport.js'); // a literal specifier, so the bundler keeps it
  } catch (err) {
    throw new BmeterError('PORT', `the built-in simulator is not available: ${(err as Error).message}`, { cause: err });
  }
  return mod.openSimTransport(port);
};

/** Every scheme the CLI adds to tcp:// and device paths. */
export const CLI_SCHEMES: Readonly<Record<string, SchemeFactory>> = { sim: openSimScheme };
