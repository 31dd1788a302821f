/**
 * Getting a PANA session with the meter (docs/protocol.md §3.4, §3.5, §3.8): credentials, channel and
 * PAN registers, SKJOIN with retries; and deciding whether the session the stick kept from an
 * earlier run can be reused instead (the S2/S3 registers still name the scan file's PAN).
 */
import { joinRejectedMessage } from '../skstack/operations.js';
import { BmeterError, isBmeterError } from '../errors.js';
import { count } from '../log/count.js';
import type { Logger } from '../log/logger.js';
import type { PanDescriptorLike } from '../scan/scan.js';
import type { Clock } from '../time/clock.js';
import { unlessAborted, unlessLate } from '../time/abort.js';
import { sleep } from '../time/waitress.js';

/** The unsolicited lines the client hands to its one subscriber (skstack/lines.ts shapes). */
export interface SessionEvent {
  type: 'event';
  num: number;
  sender?: string;
  param?: number;
}
export interface SessionDatagram {
  type: 'erxudp';
  sender: string;
  dest: string;
  rport: number;
  lport: number;
  data: Buffer;
}

/** What the poll session needs from SkstackClient (src/skstack/client.ts), opened already. */
export interface SessionClient {
  readonly info: { firmware: string; dialect: 'single' | 'dual' } | undefined;
  onNotification(cb: (line: SessionEvent | SessionDatagram) => void): void;
  /** Called once when the transport closes under the client (optional: fakes may leave it out). */
  onClosed?(cb: () => void): void;
  setPassword(password: string): Promise<unknown>;
  setRouteBId(id: string): Promise<unknown>;
  setRegister(reg: string, hex: string): Promise<unknown>;
  getRegister(reg: string): Promise<string>;
  /** channelMask: bit 0 = channel 33 … bit 27 = channel 60 (§3.6). */
  scan(duration: number, options?: { channelMask?: number; timeoutMs?: number }): Promise<readonly PanDescriptorLike[]>;
  join(ipv6: string, timeoutMs: number): Promise<unknown>;
  sendTo(ipv6: string, data: Buffer, options: { port: number }): Promise<{ param: number }>;
  terminate(): Promise<unknown>;
  close(): Promise<unknown>;
}

/** The meter as the scan file describes it (scan-file.ts). */
export interface MeterAddress {
  channel: number;
  channelHex: string;
  panId: string;
  macAddress: string;
  ipv6: string;
}

export interface JoinOptions {
  creds: { id: string; password: string };
  joinMs: number;
  /** Extra attempts after the first (config retries.join). */
  retries: number;
  logger: Logger;
  /** Times the backoff and the join (the session's clock). */
  clock: Clock;
  /** First backoff after EVENT 24 or a timeout (ms); doubles per attempt. */
  backoffMs: number;
  /** Aborted on SIGINT/SIGTERM: no command is waited for any more, no further SKJOIN is sent. */
  signal?: AbortSignal;
}

/**
 * `command`'s value, unless `signal` (SIGINT/SIGTERM) has aborted or aborts first: then BmeterError
 * CLOSED naming `what`, at once; the command is left to the stick (its late end is ignored).
 */
export async function untilStopped<T>(command: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  const r = await unlessAborted(command, signal);
  if ('aborted' in r) throw new BmeterError('CLOSED', `${what} abandoned: stopped by a signal`);
  return r.value;
}

/**
 * SKSETPWD, SKSETRBID, SKSREG S2 <ch>, SKSREG S3 <pan>, SKJOIN <ipv6>; waits for EVENT 25.
 * EVENT 24 and timeouts are retried with a doubling backoff; the last EVENT 24 becomes
 * BmeterError('AUTH') (exit 4), the last timeout BmeterError('TIMEOUT'); the signal BmeterError
 * CLOSED at once (nothing is sent after it).
 */
export async function joinMeter(client: SessionClient, meter: MeterAddress, options: JoinOptions): Promise<void> {
  const { logger, signal } = options;
  const stopped = (): boolean => signal?.aborted === true; // it may abort during any await below
  if (stopped()) throw new BmeterError('CLOSED', 'SKJOIN not started: stopped by a signal');
  await untilStopped(client.setPassword(options.creds.password), signal, 'SKSETPWD');
  await untilStopped(client.setRouteBId(options.creds.id), signal, 'SKSETRBID');
  await untilStopped(client.setRegister('S2', meter.channelHex), signal, 'SKSREG S2');
  await untilStopped(client.setRegister('S3', meter.panId), signal, 'SKSREG S3');
  let backoff = options.backoffMs;
  let lastError: unknown;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) {
      logger.debug({ attempt, backoffMs: backoff }, 'retrying SKJOIN');
      await sleep(options.clock, backoff, signal);
      backoff *= 2;
    }
    if (stopped()) throw new BmeterError('CLOSED', 'SKJOIN stopped by a signal');
    const started = options.clock.now();
    try {
      logger.debug({ ipv6: meter.ipv6, channel: meter.channel, panId: meter.panId }, 'SKJOIN');
      await untilStopped(client.join(meter.ipv6, options.joinMs), signal, 'SKJOIN');
      logger.info({ ipv6: meter.ipv6, ms: options.clock.now() - started }, 'PANA session established (EVENT 25)');
      return;
    } catch (err) {
      lastError = err;
      if (isBmeterError(err, 'AUTH')) {
        logger.debug({ attempt }, 'SKJOIN rejected (EVENT 24)');
      } else if (isBmeterError(err, 'TIMEOUT') || isBmeterError(err, 'NO_RESPONSE')) {
        logger.debug({ attempt, err: (err as Error).message }, 'SKJOIN timed out');
      } else {
        throw err;
      }
    }
  }
  if (isBmeterError(lastError, 'AUTH')) {
    throw new BmeterError('AUTH', joinRejectedMessage(meter.ipv6), { cause: lastError });
  }
  throw new BmeterError(
    'TIMEOUT',
    `SKJOIN to ${meter.ipv6} got neither EVENT 25 nor EVENT 24 within ${Math.round(options.joinMs / 1000)} s ` +
      `(${count(options.retries + 1, 'attempt')}) — is the meter in range? Try \`bmeter scan\` again.`,
    { cause: lastError },
  );
}

/**
 * Whether the stick may still hold a session with this meter from an earlier run: its channel
 * and PAN registers (SKSREG S2 / S3 reads: local commands, no radio) name the scan file's PAN.
 * A fresh stick (after power-up) has other values, and a stick joined to another meter too.
 * Whether the session is really alive is only learnt by sending (SEC=1 needs one, §3.10).
 */
export async function sessionMayBeKept(
  client: SessionClient,
  meter: MeterAddress,
  logger: Logger,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    const s2 = await untilStopped(client.getRegister('S2'), signal, 'SKSREG S2');
    const s3 = await untilStopped(client.getRegister('S3'), signal, 'SKSREG S3');
    const same = hexEquals(s2, meter.channelHex) && hexEquals(s3, meter.panId);
    logger.debug({ s2, s3, channel: meter.channelHex, panId: meter.panId, same }, 'stick registers S2/S3');
    return same;
  } catch (err) {
    logger.debug({ err: (err as Error).message }, 'cannot read S2/S3; joining');
    return false;
  }
}

function hexEquals(a: string, b: string): boolean {
  const x = Number.parseInt(a.trim(), 16);
  const y = Number.parseInt(b.trim(), 16);
  return Number.isFinite(x) && x === y;
}

/**
 * SKTERM at the end of an interval run (§3.11); EVENT 27/28 or FAIL ER10 are all fine. With
 * `within`, it is waited for `ms` on `clock` at most (a run stopped by a signal: the port is
 * closed then, and the stick, which has the command, ends the session itself). Never throws.
 */
export async function terminateSession(
  client: SessionClient,
  logger: Logger,
  within?: { clock: Clock; ms: number },
): Promise<void> {
  try {
    const terminating = client.terminate();
    if (within !== undefined && 'aborted' in (await unlessLate(terminating, within.clock, within.ms))) {
      logger.debug({ ms: within.ms }, 'SKTERM not done in time; closing the port anyway');
      return;
    }
    await terminating;
    logger.info('PANA session terminated (SKTERM)');
  } catch (err) {
    logger.debug({ err: (err as Error).message }, 'SKTERM failed; exiting anyway');
  }
}
