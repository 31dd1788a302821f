/**
 * A stick on a serial device: 115200 8N1 (docs/protocol.md §1). The only file that imports serialport.
 * serialport takes an exclusive flock on the device by default, so a second bmeter (or any other
 * flock user) gets PORT_BUSY instead of sharing the stick and garbling both sessions.
 */
import { SerialPort } from 'serialport';
import { BmeterError } from '../errors.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { describeHolders, findPortHolders } from './port-holder.js';
import type { Transport } from './transport.js';
import { systemClock, type Clock } from '../time/clock.js';
import { TIMEOUTS } from '../time/timing.js';
import { sleep } from '../time/waitress.js';

export const SERIAL_SETTINGS = { baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 } as const;

export interface SerialOptions {
  /** Keep retrying a busy port this long before giving up with PORT_BUSY. */
  waitPortMs?: number;
  /** Between tries (ms; default: the timing table's serialRetryMs). */
  retryMs?: number;
  /** SIGINT/SIGTERM: the wait for a busy port ends at once (BmeterError CLOSED). */
  signal?: AbortSignal;
  logger?: Logger;
  /** Time for the wait (default: the host's clock). */
  clock?: Clock;
}

/**
 * Opens a serial device at 115200 8N1 (docs/protocol.md §1), retrying a missing or busy port for
 * `waitPortMs`. Throws BmeterError PORT_MISSING, PORT_DENIED, PORT_BUSY (naming the holder) or PORT, each
 * with what to do.
 */
export async function openSerial(path: string, options: SerialOptions = {}): Promise<Transport> {
  const logger = options.logger ?? silentLogger();
  const clock = options.clock ?? systemClock;
  const deadline = clock.now() + (options.waitPortMs ?? 0);
  for (;;) {
    try {
      return await openOnce(path);
    } catch (err) {
      const mapped = await mapOpenError(path, err);
      const remaining = deadline - clock.now();
      if (mapped.code !== 'PORT_BUSY' || remaining <= 0) throw mapped;
      logger.info({ port: path }, 'serial port busy; waiting');
      // The last try falls on the deadline itself: the whole --wait-port is waited out.
      const waited = await sleep(
        clock,
        Math.min(options.retryMs ?? TIMEOUTS.serialRetryMs.default, remaining),
        options.signal,
      );
      if (!waited && options.signal?.aborted === true) {
        throw new BmeterError(
          'CLOSED',
          `stopped while waiting for ${path}: ${mapped.message.replace(/ — stop it.*$/, '')}`,
        );
      }
    }
  }
}

function openOnce(path: string): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, ...SERIAL_SETTINGS, autoOpen: false, lock: true });
    port.open((err) => (err ? reject(err) : resolve(wrap(path, port))));
  });
}

function wrap(path: string, port: SerialPort): Transport {
  let closing = false;
  let closeListener: ((err?: Error) => void) | undefined;
  port.on('close', (err?: Error) => {
    if (!closing) closeListener?.(err ?? new Error('serial port closed'));
  });
  port.on('error', () => undefined); // reported through write callbacks and 'close'
  return {
    description: path,
    write: (data) =>
      new Promise<void>((resolve, reject) => {
        port.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data), (err) => {
          if (err) return reject(err);
          port.drain((drainErr) => (drainErr ? reject(drainErr) : resolve()));
        });
      }),
    onData: (listener) => void port.on('data', listener),
    onClose: (listener) => void (closeListener = listener),
    otherHolders: async () => (await findPortHolders(path)).map((h) => describeHolders([h])),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}

/** Maps serialport's open errors ("Error <strerror> Cannot open …" / "Cannot lock port") to BmeterErrors. */
export async function mapOpenError(path: string, err: unknown): Promise<BmeterError> {
  const message = err instanceof Error ? err.message : String(err);
  if (/No such file or directory|ENOENT/i.test(message)) {
    return new BmeterError(
      'PORT_MISSING',
      `no such device ${path} — is the stick plugged in? \`ls /dev/serial/by-id/\``,
      { cause: err },
    );
  }
  if (/Permission denied|EACCES/i.test(message)) {
    return new BmeterError(
      'PORT_DENIED',
      `permission denied opening ${path} — add yourself to the dialout group: sudo usermod -aG dialout $USER, then log in again`,
      { cause: err },
    );
  }
  if (/Cannot lock port|Resource temporarily unavailable|EBUSY|EAGAIN/i.test(message)) {
    const holders = (await findPortHolders(path)).filter((h) => h.pid !== process.pid);
    const who = holders.length > 0 ? `held by ${describeHolders(holders)}` : 'held by another process';
    return new BmeterError('PORT_BUSY', `${path} is busy: ${who} — stop it, or wait for it with --wait-port`, {
      cause: err,
    });
  }
  if (/Inappropriate ioctl|ENOTTY|baud rate/i.test(message)) {
    // A regular file or another kind of device: it takes no serial settings.
    return new BmeterError(
      'PORT',
      `${path} is not a serial port — give the stick's device, e.g. /dev/ttyUSB0 (\`ls /dev/serial/by-id/\`)`,
      { cause: err },
    );
  }
  return new BmeterError('PORT', `cannot open ${path}: ${message}`, { cause: err });
}
