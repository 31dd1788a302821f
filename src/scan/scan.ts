/**
 * `bmeter scan`: find the meter by active scan and describe it (docs/protocol.md §3.5–§3.7, §6 steps 5–7).
 *
 * SKSETPWD + SKSETRBID, then `SKSCAN 2 FFFFFFFF <d>` for d = min…max until an EPANDESC arrives,
 * each attempt waited for as long as the scan takes plus a margin. The meter is chosen by PairID
 * (= last 8 characters of the Route-B ID, §3.4 S0A, §11.8), then by LQI.
 */
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { unlessAborted } from '../time/abort.js';
import type { Clock } from '../time/clock.js';
import { isoWithOffset } from '../meter/reading.js';

/** All channels (bit 0 = channel 33 … bit 27 = channel 60; SKSCAN sends FFFFFFFF), §3.6. */
export const ALL_CHANNELS_MASK = 0xffffffff;
export const CHANNEL_COUNT = 28;
/** Dwell per channel = 9.6 ms × (2^d + 1), §3.6. */
export const SCAN_SLOT_MS = 9.6;

/** One EPANDESC block as the stick client reports it (§3.6). Values keep their wire form. */
export interface PanDescriptorLike {
  /** Logical channel: the hex string of EPANDESC (`"3B"`) or an already decoded number (59). */
  channel: string | number;
  channelPage: string | number;
  panId: string | number;
  /** The meter's 64-bit MAC, 16 hex digits. */
  addr: string;
  /** Link quality: hex string of EPANDESC (`"B2"`) or a decoded number (178). */
  lqi: string | number;
  side?: number | string | undefined;
  pairId?: string | undefined;
  /** Set by the line parser when a required item was missing or not hex: the block is unusable. */
  fault?: string | undefined;
}

/** What runScan needs from SkstackClient (src/skstack/client.ts), opened already. */
export interface ScanClient {
  readonly info: { firmware: string; dialect: 'single' | 'dual' } | undefined;
  setPassword(password: string): Promise<unknown>;
  setRouteBId(id: string): Promise<unknown>;
  scan(duration: number, options: { channelMask?: number; timeoutMs?: number }): Promise<readonly PanDescriptorLike[]>;
  ll64?(mac: string): Promise<string>;
}

/** Reports scan progress to the user (see scan-progress.ts); every method is optional. */
export interface ScanProgress {
  attemptStarted?(attempt: { duration: number; index: number; count: number; expectedMs: number }): void;
  attemptEnded?(attempt: { duration: number; found: number; elapsedMs: number }): void;
  finished?(): void;
}

export interface ScanOptions {
  minDuration: number;
  maxDuration: number;
  /** Added to the computed scan time before the client gives up waiting for EVENT 22. */
  marginMs: number;
  logger: Logger;
  progress?: ScanProgress;
  now?: () => Date;
  /** Times the scan attempts for progress (default: now()). */
  clock?: Pick<Clock, 'now'>;
  signal?: AbortSignal;
  /** Cross-check the locally derived IPv6 with SKLL64 (default true when the client has ll64). */
  crossCheckLl64?: boolean;
  /** Only these PANs may be chosen; the others count as not found (the recovery rescan). */
  accept?: (pan: PanDescriptorLike) => boolean;
}

/** The scan outcome: the scan file minus its `version` (scan-file.ts). */
export interface ScanResult {
  scannedAt: string;
  dialect: 'single' | 'dual';
  firmware: string;
  channel: number;
  channelHex: string;
  channelPage: number;
  panId: string;
  macAddress: string;
  ipv6: string;
  lqi: number;
  rssiDbm: number;
  pairId: string | null;
}

/** How long one full scan at duration d takes: 9.6 ms × (2^d + 1) × channels (§3.6), in ms. */
export function scanDurationMs(duration: number, channels = CHANNEL_COUNT): number {
  return Math.round(SCAN_SLOT_MS * (2 ** duration + 1) * channels * 10) / 10;
}

/** The wait for one attempt: the scan time plus a margin for the stick and the line. */
export function scanTimeoutMs(duration: number, marginMs: number, channels = CHANNEL_COUNT): number {
  return Math.ceil(scanDurationMs(duration, channels) + marginMs);
}

/** EPANDESC prints the channel in hex: `Channel:33` is channel 51 (§3.6, §11.19). */
export function channelFromHex(hex: string): number {
  if (!/^[0-9A-Fa-f]{1,2}$/.test(hex.trim())) {
    throw new BmeterError('PROTOCOL', `EPANDESC channel "${hex}" is not a hex number`);
  }
  return Number.parseInt(hex.trim(), 16);
}

/**
 * A channel number (33–60) as SKSTACK prints and takes it: two upper-case hex digits, e.g. 59 → "3B" (§11.19).
 */
export function channelToHex(channel: number): string {
  return channel.toString(16).toUpperCase().padStart(2, '0');
}

/** RSSI (dBm) = 0.275 × LQI − 104.27 (§3.6; section 4.6 of the BP35A1 command reference), rounded to 0.01. */
export function rssiFromLqi(lqi: number): number {
  return Math.round((0.275 * lqi - 104.27) * 100) / 100;
}

/**
 * The meter's IPv6 link-local address from its 64-bit MAC: FE80::/64 + the EUI-64 with bit 0x02
 * of the first byte inverted, as 8 groups of 4 upper-case hex digits (§3.7).
 */
export function macToLinkLocal(mac: string): string {
  const hex = mac.trim().toUpperCase();
  if (!/^[0-9A-F]{16}$/.test(hex)) {
    throw new BmeterError('PROTOCOL', `MAC address "${mac}" is not 16 hex digits`);
  }
  const first = (Number.parseInt(hex.slice(0, 2), 16) ^ 0x02).toString(16).toUpperCase().padStart(2, '0');
  const iid = first + hex.slice(2);
  const groups = ['FE80', '0000', '0000', '0000'];
  for (let i = 0; i < 16; i += 4) groups.push(iid.slice(i, i + 4));
  return groups.join(':');
}

/** The PairID the meter should announce: the last 8 characters of the Route-B ID (§3.4 S0A). */
export function expectedPairId(routeBId: string): string {
  return routeBId.trim().slice(-8).toUpperCase();
}

function hexNumber(value: string | number, what: string): number {
  if (typeof value === 'number') return value;
  if (!/^[0-9A-Fa-f]+$/.test(value.trim())) throw new BmeterError('PROTOCOL', `EPANDESC ${what} "${value}" is not hex`);
  return Number.parseInt(value.trim(), 16);
}

function lqiOf(pan: PanDescriptorLike): number {
  return hexNumber(pan.lqi, 'LQI');
}

export interface MeterChoice {
  pan: PanDescriptorLike;
  /** Whether the PAN's PairID equals the last 8 characters of the Route-B ID. */
  pairIdMatched: boolean;
}

/**
 * PairID match first, then the best LQI; the first seen wins a tie (§11.8). Blocks the parser
 * marked unusable (`fault`) are ignored.
 */
export function selectMeter(all: readonly PanDescriptorLike[], routeBId: string): MeterChoice | undefined {
  const wanted = expectedPairId(routeBId);
  const pans = all.filter((p) => p.fault === undefined);
  const matching = pans.filter((p) => p.pairId !== undefined && p.pairId.trim().toUpperCase() === wanted);
  const pool = matching.length > 0 ? matching : pans;
  let best: PanDescriptorLike | undefined;
  for (const pan of pool) if (best === undefined || lqiOf(pan) > lqiOf(best)) best = pan;
  return best === undefined ? undefined : { pan: best, pairIdMatched: matching.length > 0 };
}

/** Builds the scan result from the chosen EPANDESC. */
export function describePan(
  pan: PanDescriptorLike,
  stick: { firmware: string; dialect: 'single' | 'dual' },
  scannedAt: Date,
): ScanResult {
  const channel = typeof pan.channel === 'number' ? pan.channel : channelFromHex(pan.channel);
  const panId = typeof pan.panId === 'number' ? pan.panId.toString(16) : pan.panId.trim();
  const macAddress = pan.addr.trim().toUpperCase();
  const lqi = lqiOf(pan);
  return {
    scannedAt: isoWithOffset(scannedAt),
    dialect: stick.dialect,
    firmware: stick.firmware,
    channel,
    channelHex: channelToHex(channel),
    channelPage: hexNumber(pan.channelPage, 'Channel Page'),
    panId: panId.toUpperCase().padStart(4, '0'),
    macAddress,
    ipv6: macToLinkLocal(macAddress),
    lqi,
    rssiDbm: rssiFromLqi(lqi),
    pairId: pan.pairId === undefined ? null : pan.pairId.trim().toUpperCase(),
  };
}

/** NO_METER (exit 3) for a scan up to `maxDuration` that no meter answered, with what to check. */
export function noMeterError(maxDuration: number): BmeterError {
  const head = `no smart meter answered the active scan (SKSCAN up to duration ${maxDuration})`;
  return new BmeterError(
    'NO_METER',
    `${head}. Check that BMETER_ROUTEB_ID is the Route-B ID your power company sent for this meter, ` +
      'put the stick nearer to the meter (or use a USB extension cable away from metal), ' +
      `and try a longer scan with --max-duration ${Math.min(Math.max(maxDuration + 1, 8), 14)}.`,
  );
}

/** Runs the scan on an opened client (docs/protocol.md §6 steps 5–6). */
export async function runScan(
  client: ScanClient,
  creds: { id: string; password: string },
  options: ScanOptions,
): Promise<ScanResult> {
  const { logger, progress } = options;
  const stick = client.info;
  if (stick === undefined) throw new BmeterError('PROTOCOL', 'the stick client is not open (no SKVER/SKINFO yet)');
  // A stick slow to take the credentials (a hung one: commandMs each) is not waited for after a signal.
  let interrupted = 'aborted' in (await unlessAborted(client.setPassword(creds.password), options.signal));
  if (!interrupted) interrupted = 'aborted' in (await unlessAborted(client.setRouteBId(creds.id), options.signal));

  const durations: number[] = [];
  for (let d = options.minDuration; d <= options.maxDuration; d++) durations.push(d);
  let chosen: MeterChoice | undefined;
  try {
    for (const [index, duration] of durations.entries()) {
      if (interrupted || options.signal?.aborted === true) {
        interrupted = true;
        break;
      }
      const expectedMs = scanDurationMs(duration);
      const timeoutMs = scanTimeoutMs(duration, options.marginMs);
      progress?.attemptStarted?.({ duration, index, count: durations.length, expectedMs });
      logger.debug({ duration, expectedMs, timeoutMs }, 'SKSCAN active scan');
      const started = elapsedClock(options).now();
      const scanned = await unlessAborted(
        client.scan(duration, { channelMask: ALL_CHANNELS_MASK, timeoutMs }),
        options.signal,
      );
      if ('aborted' in scanned) {
        interrupted = true; // Ctrl-C during SKSCAN: leave it, the port closes under it
        break;
      }
      const pans = scanned.value;
      progress?.attemptEnded?.({ duration, found: pans.length, elapsedMs: elapsedClock(options).now() - started });
      logger.debug({ duration, found: pans.length }, 'SKSCAN finished');
      for (const pan of pans)
        if (pan.fault !== undefined) logger.warn({ fault: pan.fault }, 'ignoring an unusable EPANDESC');
      chosen = selectMeter(options.accept === undefined ? pans : pans.filter(options.accept), creds.id);
      if (chosen !== undefined) break;
    }
  } finally {
    progress?.finished?.();
  }
  if (interrupted) {
    // Ctrl-C / SIGTERM: not a scan that found nothing, so no advice about IDs and antennas.
    throw new BmeterError(
      'CLOSED',
      'scan interrupted (SIGINT/SIGTERM) before a meter was chosen; the scan file was not written',
    );
  }
  if (chosen === undefined) throw noMeterError(options.maxDuration);
  if (!chosen.pairIdMatched) {
    // The chosen meter's PairID is not logged: with a mistyped ID it is the last 8 characters of the real one.
    logger.warn(
      'no PAN announced the PairID of your Route-B ID (its last 8 characters); taking the one with the best LQI — check the Route-B ID (BMETER_ROUTEB_ID or routeB.id)',
    );
  }
  const result = describePan(chosen.pan, stick, (options.now ?? (() => new Date()))());
  if (options.crossCheckLl64 !== false && client.ll64 !== undefined) {
    await crossCheckLl64(client.ll64.bind(client), result.macAddress, result.ipv6, logger);
  }
  return result;
}

/**
 * SKLL64 (§3.7) must agree with the local derivation. The local value is kept either way: it is
 * the spec's formula and needs no radio; a disagreement or a silent stick is only logged.
 */
async function crossCheckLl64(
  ll64: (mac: string) => Promise<string>,
  mac: string,
  local: string,
  logger: Logger,
): Promise<void> {
  try {
    const fromStick = (await ll64(mac)).trim().toUpperCase();
    if (fromStick !== local) {
      logger.warn(
        { mac, local, skll64: fromStick },
        'SKLL64 disagrees with the link-local address derived from the MAC; using the derived one',
      );
    }
  } catch (err) {
    logger.debug({ err }, 'SKLL64 cross-check failed; using the address derived from the MAC');
  }
}

/** The clock a scan measures its attempts with: the given one, else the host time of `now`. */
function elapsedClock(o: Pick<ScanOptions, 'clock' | 'now'>): Pick<Clock, 'now'> {
  return o.clock ?? { now: () => (o.now ?? (() => new Date()))().getTime() };
}
