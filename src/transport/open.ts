/**
 * Chooses the transport from the port string through a scheme → factory map: `tcp://host:port`
 * is built in, a device path (no scheme) is a serial port, and the caller registers any other
 * scheme (the CLI registers `sim://`, the built-in simulator: transport/ never imports sim/).
 * Each is imported lazily, so the native serialport binding is only loaded for devices.
 */
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { TIMEOUTS } from '../time/timing.js';
import type { Transport } from './transport.js';

/** Opens a transport for a port string of its scheme (e.g. "sim://?dialect=dual"). */
export type SchemeFactory = (port: string) => Promise<Transport>;

export interface OpenTransportOptions {
  /** Keep retrying a busy serial port this long (ms). */
  waitPortMs?: number;
  /** Between tries to open a busy serial port (ms; timing table serialRetryMs). */
  serialRetryMs?: number;
  /** TCP connect timeout for tcp:// (ms; timing table tcpConnectMs). */
  tcpConnectMs?: number;
  logger?: Logger;
  /** SIGINT/SIGTERM: ends the wait for a busy serial port. */
  signal?: AbortSignal;
  /** Extra schemes by name without "://" (e.g. { sim: … }); `tcp` may be overridden too. */
  schemes?: Readonly<Record<string, SchemeFactory>>;
}

/** The scheme of "name://…" (also "name:" alone), lower-case, or undefined for a device path. */
function schemeOf(port: string): string | undefined {
  const m = /^([a-z][a-z0-9+.-]*):(\/\/|$)/i.exec(port);
  return m?.[1]?.toLowerCase();
}

/**
 * Opens `port`: a registered scheme's factory, tcp://, or a serial device. Throws USAGE for an
 * empty port or an unknown scheme, PORT / PORT_BUSY / PORT_DENIED from the transports.
 */
export async function openTransport(port: string, options: OpenTransportOptions = {}): Promise<Transport> {
  const scheme = schemeOf(port);
  const factory = scheme === undefined ? undefined : options.schemes?.[scheme];
  if (factory !== undefined) return factory(port);
  if (scheme === 'tcp') {
    const { openTcp } = await import('./tcp.js');
    return openTcp(port, { connectTimeoutMs: options.tcpConnectMs ?? TIMEOUTS.tcpConnectMs.default });
  }
  if (scheme !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(port)) {
    const known = ['tcp', ...Object.keys(options.schemes ?? {})].map((s) => `${s}://`).join(', ');
    throw new BmeterError('USAGE', `unknown port scheme in "${port}": use a device path or one of ${known}`);
  }
  if (port.trim() === '')
    throw new BmeterError('USAGE', 'no port given: use a device path such as /dev/ttyUSB0, tcp://host:port or sim://');
  const { openSerial } = await import('./serial.js');
  return openSerial(port, {
    ...(options.waitPortMs !== undefined && { waitPortMs: options.waitPortMs }),
    ...(options.serialRetryMs !== undefined && { retryMs: options.serialRetryMs }),
    ...(options.logger !== undefined && { logger: options.logger }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
}
