/**
 * What a history run takes and gives: the request (days, since, recent detail, where records
 * go) on an open session, the same plus the port session for `bmeter history`, and the summary.
 */
import type { EnergyFallback } from '../meter/energy-fallback.js';
import type { Logger } from '../log/logger.js';
import type { MeterRunOptions, RecordSink } from '../session/run-options.js';
import type { Progress } from './progress.js';
import type { RecentRequest } from './recent.js';

/** What to fetch and where it goes, on a session already open. */
export interface HistoryRequest {
  sink: RecordSink;
  /** Aborted on SIGINT/SIGTERM: the run ends with what it wrote. */
  signal: AbortSignal;
  logger: Logger;
  /** The host clock as a Date. */
  now: () => Date;
  days?: number;
  day?: number;
  /** Only slots after this instant (epoch ms). */
  sinceMs?: number;
  /** EC/ED or EE/EF instead of E2/E4 (recent.ts). */
  recent?: RecentRequest;
  /** Called once the number of days is known; stderr progress (none when not a terminal). */
  progress?: (total: number) => Progress;
  /** The user's --unit/--coefficient/--digits for what the meter leaves out of E1/D3/D7. */
  energyFallback?: EnergyFallback;
  /** Test hook: how long to wait near the meter's midnight (default: the session clock). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /**
   * Near the meter's midnight (§8.1): `wait` until it has passed (`bmeter history`, default), or `defer`: stop
   * there with what was written and say in `deferredMs` how long to wait (`bmeter serve`, whose readings must
   * not wait minutes for the backfill).
   */
  nearMidnight?: 'wait' | 'defer';
}

/** `bmeter history`'s options: the port session and the request. */
export interface HistoryOptions extends MeterRunOptions, Omit<HistoryRequest, 'sink' | 'signal' | 'logger' | 'now'> {}

export interface HistorySummary {
  days: number;
  records: number;
  joined: boolean;
  reverse: boolean;
  /** With `nearMidnight: 'defer'`: stopped before the meter's midnight; the rest can be fetched this many ms later. */
  deferredMs?: number;
}
