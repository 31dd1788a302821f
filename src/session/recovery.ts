/**
 * The recovery steps above a plain rejoin (docs/protocol.md §6 step 7, §11 quirk 9): scan only the
 * known channel (mask 1 << (ch − 33)), then all channels (and rewrite the scan file when the
 * meter moved), then reopen the port. Each returns the meter to join; the caller joins.
 */
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { expectedPairId, runScan, scanTimeoutMs, type PanDescriptorLike, type ScanResult } from '../scan/scan.js';
import { updateScanFile } from '../scan/scan-file.js';
import { assertNotReadOnly } from '../fs/read-only.js';
import { untilStopped, type JoinOptions, type MeterAddress, type SessionClient } from './link.js';
import type { RecoveryStep } from './machine.js';
import type { MeterSessionOptions, ScanSettings } from './options.js';

export interface RecoveryContext {
  client: SessionClient;
  meter: MeterAddress;
  creds: { id: string; password: string };
  logger: Logger;
  scan: ScanSettings;
  /** Rewritten after a full rescan that found the meter elsewhere (undefined: leave it). */
  scanFile?: string;
  now: () => Date;
  /** SIGINT/SIGTERM: a scan in progress is left at once (BmeterError CLOSED) and no further one starts. */
  signal?: AbortSignal;
}

/** SKSCAN channel mask with only channel `ch`: 1 << (ch − 33) (bit 0 = channel 33, §3.6). */
export function channelMask(channel: number): number {
  if (!Number.isInteger(channel) || channel < 33 || channel > 60) {
    throw new BmeterError('PROTOCOL', `channel ${channel} is outside 33–60`);
  }
  return (1 << (channel - 33)) >>> 0;
}

function isSameMeter(pan: PanDescriptorLike, meter: MeterAddress): boolean {
  return pan.fault === undefined && pan.addr.trim().toUpperCase() === meter.macAddress.toUpperCase();
}

/**
 * Scans the known channel only; the meter must answer there with its MAC. Throws NO_METER when it
 * did not, CLOSED when the signal stopped it.
 */
export async function scanKnownChannel(r: RecoveryContext): Promise<MeterAddress> {
  const mask = channelMask(r.meter.channel);
  await untilStopped(r.client.setPassword(r.creds.password), r.signal, 'SKSETPWD');
  await untilStopped(r.client.setRouteBId(r.creds.id), r.signal, 'SKSETRBID');
  for (const duration of r.scan.channelDurations) {
    if (r.signal?.aborted === true) throw new BmeterError('CLOSED', 'SKSCAN not started: stopped by a signal');
    const scanning = r.client.scan(duration, {
      channelMask: mask,
      timeoutMs: scanTimeoutMs(duration, r.scan.marginMs, 1),
    });
    const pans = await untilStopped(scanning, r.signal, 'SKSCAN');
    r.logger.debug({ duration, mask, found: pans.length }, 'SKSCAN on the known channel');
    if (pans.some((p) => isSameMeter(p, r.meter))) return r.meter;
  }
  throw new BmeterError(
    'NO_METER',
    `the meter ${r.meter.macAddress} did not answer a scan of channel ${r.meter.channel}`,
  );
}

/**
 * Whether a PAN may be the user's meter: its MAC is the known one, or it announces the PairID of
 * the Route-B ID (a replaced meter). A neighbour's meter is neither, and must never be adopted.
 */
function isOwnMeter(pan: PanDescriptorLike, r: RecoveryContext): boolean {
  return (
    isSameMeter(pan, r.meter) ||
    (pan.pairId !== undefined && pan.pairId.trim().toUpperCase() === expectedPairId(r.creds.id))
  );
}

/**
 * Scans every channel (D1's runScan: PairID first, then LQI), taking only the user's own meter
 * (isOwnMeter). When it is not where the scan file says (another channel, PAN or MAC), the scan
 * file is rewritten if it may and can be (recordMove); the meter returned is the one found either way.
 */
export async function fullRescan(r: RecoveryContext): Promise<{ meter: MeterAddress; changed: boolean }> {
  const result: ScanResult = await runScan(r.client as Parameters<typeof runScan>[0], r.creds, {
    ...r.scan,
    logger: r.logger,
    now: r.now,
    crossCheckLl64: false,
    accept: (pan) => isOwnMeter(pan, r),
    ...(r.signal !== undefined && { signal: r.signal }),
  });
  const changed =
    result.channel !== r.meter.channel ||
    result.panId.toUpperCase() !== r.meter.panId.toUpperCase() ||
    result.macAddress !== r.meter.macAddress.toUpperCase();
  if (changed && r.scanFile !== undefined) await recordMove(r.scanFile, result, r.logger);
  return { meter: toAddress(result), changed };
}

/**
 * Rewrites the scan file for a meter found elsewhere, and says so once at warn. A file that must not or cannot
 * be rewritten (made read-only, a symbolic link, an unwritable or read-only folder, a full disk) is left exactly
 * as it was: the run goes on with the new channel/PAN in memory, and the warning names the file, why, and what
 * to do. Only BmeterErrors (what the checks and the write report) are taken so; anything else is thrown.
 */
async function recordMove(path: string, result: ScanResult, logger: Logger): Promise<void> {
  const fields = { channel: result.channel, panId: result.panId, mac: result.macAddress };
  const where = `the meter answers on channel ${result.channel}, PAN ${result.panId} now`;
  try {
    await assertNotReadOnly(path, '--scan-file'); // the rename would replace it, even as root
    await updateScanFile(path, result);
  } catch (err) {
    if (!(err instanceof BmeterError)) throw err;
    logger.warn(
      { ...fields, scanFile: path },
      `${where}: this run uses it there, but scan file ${path} was left as it was, so later runs will scan ` +
        `again. Why: ${err.message}. Once it may be written there, \`bmeter scan\` rewrites it`,
    );
    return;
  }
  logger.warn(fields, `${where}; scan file ${path} updated`);
}

/** Only the address fields of a scan result or scan file (channel, PAN, MAC, IPv6). */
export function toAddress(m: MeterAddress): MeterAddress {
  return { channel: m.channel, channelHex: m.channelHex, panId: m.panId, macAddress: m.macAddress, ipv6: m.ipv6 };
}

/**
 * Carries out one rung of the ladder up to (not including) the join: which client and meter the
 * join should use. A rejoin needs nothing first.
 */
export async function recoveryStep(
  step: RecoveryStep,
  r: RecoveryContext,
  reopen: (() => Promise<SessionClient>) | undefined,
): Promise<{ client: SessionClient; meter: MeterAddress }> {
  switch (step) {
    case 'rejoin':
      return { client: r.client, meter: r.meter };
    case 'scan-channel':
      return { client: r.client, meter: await scanKnownChannel(r) };
    case 'full-scan':
      return { client: r.client, meter: (await fullRescan(r)).meter };
    case 'reopen':
      if (reopen === undefined) throw new BmeterError('PORT', 'the port cannot be reopened here');
      return { client: await reopen(), meter: r.meter };
  }
}

/** The recovery context of a session built from `o`, on its current client and meter. */
export function recoveryContext(
  o: Pick<MeterSessionOptions, 'creds' | 'logger' | 'scan' | 'scanFile' | 'clock' | 'signal'>,
  client: SessionClient,
  meter: MeterAddress,
): RecoveryContext {
  return {
    client,
    meter,
    creds: o.creds,
    logger: o.logger,
    scan: o.scan,
    now: () => new Date(o.clock.now()),
    ...(o.scanFile !== undefined && { scanFile: o.scanFile }),
    ...(o.signal !== undefined && { signal: o.signal }),
  };
}

/** The SKJOIN settings of a session built from `o` (link.ts joinMeter): its credentials, timings, clock and signal. */
export function sessionJoinOptions(
  o: Pick<MeterSessionOptions, 'creds' | 'logger' | 'timing' | 'clock' | 'signal'>,
): JoinOptions {
  return {
    creds: o.creds,
    joinMs: o.timing.joinMs,
    retries: o.timing.joinRetries,
    logger: o.logger,
    clock: o.clock,
    backoffMs: o.timing.joinBackoffMs,
    ...(o.signal !== undefined && { signal: o.signal }),
  };
}
