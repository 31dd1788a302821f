/**
 * Public types of the SKSTACK client: what it reports (stick info, PAN descriptors,
 * notifications) and how long it waits (SkTimeouts).
 */
import type { Logger } from '../log/logger.js';
import type { Clock } from '../time/clock.js';
import { TIMEOUTS } from '../time/timing.js';
import type { Dialect, DialectSource } from './dialect.js';
import type { ErxudpFormat } from './framer.js';
import type { EpandescLine, ErxudpLine, EventLine } from './lines.js';

export type PanDescriptor = Omit<EpandescLine, 'type' | 'fault'>;
export type Notification = EventLine | ErxudpLine;

export interface StickInfo {
  firmware: string;
  dialect: Dialect;
  dialectSource: DialectSource;
  erxudpFormat: ErxudpFormat;
  ownIpv6?: string;
  ownMac?: string;
}

export interface SkTimeouts {
  /** Longest wait after the initial CRLF, discarding what the stick still had to say. */
  drainMs: number;
  /**
   * The drain ends earlier, once the line has been quiet this long (no fixed wait the
   * protocol does not force). Above a USB-serial adapter's latency timer (FTDI: 16 ms).
   */
  drainQuietMs: number;
  /** SKVER (no answer → NOT_SKSTACK). */
  skverMs: number;
  /** Status line of ordinary commands. */
  commandMs: number;
  /** EVENT 25/24 after SKJOIN (§3.8: up to ~38 s with retransmissions). */
  joinMs: number;
  /** SKSENDTO: OK and its EVENT 21. */
  sendToMs: number;
  /** EVENT 27/28 after SKTERM's OK. */
  terminateMs: number;
  /** Added to the computed scan dwell. */
  scanMarginMs: number;
}

/**
 * The client's defaults, from the timing table (src/time/timing.ts); the session passes the
 * configured values. `scanMarginMs` is the table's for a scan run by the client alone.
 */
export const DEFAULT_TIMEOUTS: SkTimeouts = {
  drainMs: TIMEOUTS.drainMs.default,
  drainQuietMs: TIMEOUTS.drainQuietMs.default,
  skverMs: TIMEOUTS.skverMs.default,
  commandMs: TIMEOUTS.commandMs.default,
  joinMs: TIMEOUTS.joinMs.default,
  sendToMs: TIMEOUTS.sendToMs.default,
  terminateMs: TIMEOUTS.terminateMs.default,
  scanMarginMs: 5_000,
};

export interface SkstackClientOptions {
  logger?: Logger;
  /** Overrides detection (config `dialect`). */
  dialect?: Dialect;
  timeouts?: Partial<SkTimeouts>;
  /** Times the opening drain (default: the host clock). */
  clock?: Clock;
  /** Write `WOPT 01` (flash!) when ROPT says binary. Never done otherwise (§3.12). */
  setHexOutput?: boolean;
}

export interface ScanOptions {
  /** Bit 0 = channel 33 … bit 27 = channel 60; default 0xFFFFFFFF (§3.6). */
  channelMask?: number;
  timeoutMs?: number;
  /** Called for every PAN found, as it arrives. */
  onProgress?: (pan: PanDescriptor) => void;
}
