/**
 * A stick behind a TCP serial bridge (ser2net, `socat TCP-LISTEN:… /dev/ttyUSB0`): `tcp://host:port`.
 */
import { connect, type Socket } from 'node:net';
import { BmeterError } from '../errors.js';
import type { Transport } from './transport.js';
import { TIMEOUTS } from '../time/timing.js';

const CONNECT_TIMEOUT_MS = TIMEOUTS.tcpConnectMs.default;

/** Host and port of `tcp://host:port` (IPv6 hosts in brackets). Throws BmeterError('USAGE') for anything else. */
export function parseTcpUrl(url: string): { host: string; port: number } {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(url);
  const port = Number(m?.[2]);
  if (!m || !m[1] || port < 1 || port > 65535) {
    throw new BmeterError('USAGE', `"${url}" is not a tcp://host:port address`);
  }
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/**
 * A transport over a TCP connection to `tcp://host:port` (ser2net, socat or `bmeter simulate`). Rejects with
 * BmeterError('PORT') when the connection is refused, the host unknown or nothing answers within
 * connectTimeoutMs (5 s).
 */
export function openTcp(url: string, options: { connectTimeoutMs?: number } = {}): Promise<Transport> {
  const { host, port } = parseTcpUrl(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new BmeterError(
          'PORT',
          `no connection to ${url} within ${(options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS) / 1000} s — is the bridge reachable?`,
        ),
      );
    }, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(mapTcpError(url, err));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(wrap(url, socket));
    });
  });
}

function mapTcpError(url: string, err: NodeJS.ErrnoException): BmeterError {
  if (err.code === 'ECONNREFUSED')
    return new BmeterError('PORT', `connection refused by ${url} — is ser2net/socat listening there?`, { cause: err });
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
    return new BmeterError('PORT', `cannot resolve the host of ${url}`, { cause: err });
  return new BmeterError('PORT', `cannot connect to ${url}: ${err.message}`, { cause: err });
}

function wrap(url: string, socket: Socket): Transport {
  let closing = false;
  let closeListener: ((err?: Error) => void) | undefined;
  let lastError: Error | undefined;
  socket.on('error', (err) => (lastError = err));
  socket.on('close', () => {
    if (!closing) closeListener?.(lastError ?? new Error('the bridge closed the connection'));
  });
  return {
    description: url,
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        if (socket.destroyed) return reject(new BmeterError('CLOSED', `${url} is closed`));
        socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (err) =>
          err ? reject(err) : resolve(),
        );
      }),
    onData: (listener) => void socket.on('data', listener),
    onClose: (listener) => void (closeListener = listener),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        if (socket.destroyed) return resolve();
        socket.end(() => resolve());
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 500).unref();
      }),
  };
}
