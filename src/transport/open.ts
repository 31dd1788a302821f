/**
 * Chooses the transport from the port string: a device path (serial), `tcp://host:port`, or
 * `sim://…` (the built-in simulator). Each is imported lazily, so the native serialport binding
 * is only loaded for devices and a missing simulator only fails sim://.
 */
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Transport } from './transport.js';

export interface OpenTransportOptions {
  waitPortMs?: number;
  logger?: Logger;
  /** Stops a wait for a busy serial port (SIGINT/SIGTERM). */
  signal?: AbortSignal;
}

interface SimModule {
  openSimTransport(url: string): Promise<Transport>;
}

export async function openTransport(port: string, options: OpenTransportOptions = {}): Promise<Transport> {
  if (port.startsWith('tcp://')) {
    const { openTcp } = await import('./tcp.js');
    return openTcp(port);
  }
  if (port.startsWith('sim://') || port === 'sim:') {
    let mod: SimModule;
    try {
      mod = await import('./sim.js'); // a literal specifier, so the bundler (scripts/bundle.mjs) keeps it
    } catch (err) {
      throw new BmeterError('PORT', `the built-in simulator is not available: ${(err as Error).message}`, { cause: err });
    }
    return mod.openSimTransport(port);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(port)) {
    throw new BmeterError('USAGE', `unknown port scheme in "${port}": use a device path, tcp://host:port or sim://`);
  }
  if (port.trim() === '') throw new BmeterError('USAGE', 'no port given: use a device path such as /dev/ttyUSB0, tcp://host:port or sim://');
  const { openSerial } = await import('./serial.js');
  const serialOptions: { waitPortMs?: number; logger?: Logger; signal?: AbortSignal } = {};
  if (options.signal !== undefined) serialOptions.signal = options.signal;
  if (options.waitPortMs !== undefined) serialOptions.waitPortMs = options.waitPortMs;
  if (options.logger) serialOptions.logger = options.logger;
  return openSerial(port, serialOptions);
}
