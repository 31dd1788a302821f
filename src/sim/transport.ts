/**
 * `sim://?dialect=dual&findAt=5&erxudp=binary&timeScale=0.01&rttMs=50&faults=…&seed=1`: the
 * built-in simulator as a Transport (options: src/sim/options.ts; faults: src/sim/faults.ts).
 * Each call makes a fresh stick (disposed on close) unless a shared `stick` is passed, which
 * then outlives the transport like a powered stick between cron runs.
 */
import { BmeterError } from '../errors.js';
import { SimStick } from './stick.js';
import { parseSimUrl } from './options.js';
import { type Transport } from '../transport/transport.js';

export { SIM_DEMO_PASSWORD, SIM_DEMO_ROUTEB_ID } from './options.js';
export { SimStick } from './stick.js';

export interface SimTransportOptions {
  /** An existing stick to attach to (kept alive on close). */
  stick?: SimStick;
}

/**
 * A transport to the built-in simulated stick configured by the `sim://?…` URL's query, or to the shared
 * `stick` given. Throws BmeterError('USAGE') for a bad option.
 */
export async function openSimTransport(url: string, options: SimTransportOptions = {}): Promise<Transport> {
  const stick = options.stick ?? new SimStick(parseSimUrl(url));
  const owned = options.stick === undefined;
  return attachSimTransport(stick, url, owned);
}

/** Wraps `stick` in a Transport. `owned`: dispose the stick when the transport closes. */
export function attachSimTransport(stick: SimStick, description: string, owned: boolean): Transport {
  let dataListener: ((chunk: Buffer) => void) | null = null;
  const closeListeners: ((err?: Error) => void)[] = [];
  let closed = false;
  const detach = stick.attach((chunk) => dataListener?.(Buffer.from(chunk)));
  return {
    description,
    async write(data) {
      if (closed) throw new BmeterError('CLOSED', `${description}: write after the simulator transport was closed`);
      stick.write(data);
    },
    onData(listener) {
      dataListener = listener;
    },
    onClose(listener) {
      closeListeners.push(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      detach();
      if (owned) stick.dispose();
      for (const l of closeListeners) l();
    },
  };
}
