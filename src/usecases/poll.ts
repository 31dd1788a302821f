/**
 * `bmeter poll`: one reading and exit (cron), or readings on a fixed schedule until SIGINT /
 * SIGTERM (`--interval`) or `--count` readings. One Get frame per reading (PROTOCOL.md §9);
 * the meter's own notifications become records too. The session (join, reuse, recovery) is
 * session.ts; this file is the outer loop: port, schedule, output, shutdown.
 *
 * Shutdown: a signal lets the reading in flight finish, then SKTERM (§3.11) ends the session.
 * A one-shot poll (and a --count run that ran out) keeps the session on purpose: the stick holds
 * it after the port closes, and the next cron run reads on it with one round trip instead of a
 * join (§3.8: ~3 s, up to ~40 s, and PANA airtime under the ARIB budget, §3.9).
 */
import { SkstackClient } from '../skstack/client.js';
import type { Config } from '../config/config.js';
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Reading } from '../meter/reading.js';
import type { Transport } from '../transport/transport.js';
import { nextSlot, delayUntil } from './reader-schedule.js';
import { readScanFile } from './scan-file.js';
import { MeterSession, type ReadingOutcome } from './session.js';
import type { SessionClient } from './session-link.js';
import { toAddress } from './session-recovery.js';

/** Where records go (src/output/sink.ts `Sink`). */
export interface RecordSink {
  write(record: Record<string, unknown>): Promise<void>;
  readonly closed: boolean;
}

export interface PollOptions {
  config: Config;
  creds: { id: string; password: string };
  /** EPCs every reading asks for, in one Get frame. */
  properties: readonly number[];
  /** Seconds between readings; undefined = one reading (or --count readings back to back). */
  intervalSeconds?: number;
  /** Stop after this many readings (polls, failed ones included). */
  count?: number;
  sink: RecordSink;
  logger: Logger;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  now: () => Date;
  openPort: (port: string) => Promise<Transport>;
  /** Try the PANA session the stick kept before joining (default true). */
  reuseSession?: boolean;
  /** First join backoff after EVENT 24 (tests make it short). */
  joinBackoffMs?: number;
}

export interface PollSummary {
  readings: number;
  failed: number;
  notifications: number;
  /** Whether this run had to SKJOIN (false: it read on the session the stick kept). */
  joined: boolean;
  stoppedBy: 'count' | 'signal' | 'output-closed' | 'one-shot';
}

export interface Link {
  transport: Transport;
  client: SkstackClient;
}

/** Opens the port and the stick client (exported for `bmeter history`). */
export async function openLink(o: Pick<PollOptions, 'openPort' | 'config' | 'logger'>): Promise<Link> {
  const transport = await o.openPort(o.config.port);
  const client = new SkstackClient(transport, {
    logger: o.logger,
    ...(o.config.dialect !== undefined && { dialect: o.config.dialect }),
    setHexOutput: o.config.setHexOutput,
    timeouts: { commandMs: o.config.timeouts.commandMs, joinMs: o.config.timeouts.joinMs },
  });
  try {
    await client.open();
  } catch (err) {
    await closeLink({ transport, client }, o.logger);
    throw err;
  }
  return { transport, client };
}

export async function closeLink(link: Link, logger: Logger): Promise<void> {
  try {
    await link.client.close(); // closes the transport too
  } catch (err) {
    logger.debug({ err: (err as Error).message }, 'closing the stick client failed');
    await link.transport.close().catch(() => undefined);
  }
}

export async function runPoll(o: PollOptions): Promise<PollSummary> {
  const file = await readScanFile(o.config.scanFile);
  const intervalMs = Math.max(0, (o.intervalSeconds ?? 0) * 1000);
  const continuous = o.intervalSeconds !== undefined;
  const count = o.count ?? (continuous ? Infinity : 1);
  const summary: PollSummary = { readings: 0, failed: 0, notifications: 0, joined: false, stoppedBy: 'one-shot' };

  // Records go out in the order they were made (notifications arrive between polls).
  let writes: Promise<void> = Promise.resolve();
  const emit = (reading: Reading): Promise<void> => {
    writes = writes.then(() => (o.sink.closed ? undefined : o.sink.write({ ...reading })));
    return writes;
  };

  let link = await openLink(o);
  const session = new MeterSession({
    client: link.client as SessionClient,
    meter: toAddress(file),
    creds: o.creds,
    logger: o.logger,
    timeouts: o.config.timeouts,
    retries: o.config.retries,
    scan: o.config.scan,
    scanFile: o.config.scanFile,
    now: o.now,
    ...(o.joinBackoffMs !== undefined && { joinBackoffMs: o.joinBackoffMs }),
    onNotification: (reading) => {
      summary.notifications += 1;
      void emit(reading).catch((err: unknown) => o.logger.warn({ err: (err as Error).message }, 'cannot write a notification record'));
    },
    reopen: async () => {
      await closeLink(link, o.logger);
      link = await openLink(o);
      return link.client as SessionClient;
    },
  });

  let terminate = false;
  try {
    const started = Date.now();
    const first = await session.start(o.properties, o.reuseSession ?? true);
    summary.joined = first.joined;
    await record(first, 0);
    if (!continuous && count === 1) {
      if (!first.ok) throw new BmeterError('NO_RESPONSE', `no reading from the meter: ${first.detail}`);
      return summary;
    }
    let index = 0;
    for (;;) {
      if (summary.readings + summary.failed >= count) {
        summary.stoppedBy = 'count';
        break;
      }
      if (o.sink.closed) {
        summary.stoppedBy = 'output-closed';
        break;
      }
      if (o.signal.aborted) {
        summary.stoppedBy = 'signal';
        break;
      }
      const slot = nextSlot(started, intervalMs, index, Date.now());
      if (slot.skipped > 0) o.logger.debug({ skipped: slot.skipped }, 'the last reading ran past its slot; skipping missed slots');
      await sleep(delayUntil(slot, Date.now()), o.signal);
      if (o.signal.aborted) {
        summary.stoppedBy = 'signal';
        break;
      }
      index = slot.index;
      const holdUntil = slot.at + (intervalMs > 0 ? intervalMs : o.config.timeouts.joinMs);
      const outcome = await session.poll(o.properties, holdUntil, o.signal);
      await record(outcome, index);
    }
    if (summary.stoppedBy === 'signal') terminate = true;
    if (summary.readings === 0 && summary.stoppedBy === 'count') {
      throw new BmeterError('NO_RESPONSE', `none of the ${summary.failed} readings got an answer from the meter`);
    }
    return summary;
  } finally {
    await writes.catch(() => undefined);
    await session.close({ terminate });
    await closeLink(link, o.logger);
  }

  async function record(outcome: ReadingOutcome, index: number): Promise<void> {
    if (outcome.ok) {
      summary.readings += 1;
      o.logger.debug({ index }, 'reading done');
      await emit(outcome.reading);
    } else {
      summary.failed += 1;
      o.logger.debug({ index, detail: outcome.detail }, 'reading failed');
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
