/**
 * The port under a meter session, shared by `bmeter poll`, `bmeter history` (and `serve`): reads
 * the scan file, opens the port and the stick client, and builds the session on them. The last
 * recovery step (reopen, recovery.ts) closes the port and opens it again; closing ends the
 * session (with SKTERM when asked, §3.11) and then the port.
 */
import { BmeterError } from '../errors.js';
import { namePortHolders } from './port-holders.js';
import { SkstackClient } from '../skstack/client.js';
import type { RecoveryStep } from './ladder.js';
import type { Logger } from '../log/logger.js';
import { unlessAborted, unlessLate } from '../time/abort.js';
import { systemClock, type Clock } from '../time/clock.js';
import {
  DEFAULT_CHANNEL_SCAN_DURATIONS,
  DEFAULT_RETRIES,
  DEFAULT_TIMEOUTS,
  type Retries,
  type Timeouts,
} from '../time/timing.js';
import type { Transport } from '../transport/transport.js';
import { readScanFile } from '../scan/scan-file.js';
import { MeterSession } from './meter-session.js';
import type { SessionTiming } from './options.js';
import type { SessionClient } from './link.js';
import { toAddress } from './recovery.js';

/** The stick and its client. */
export interface Link {
  transport: Transport;
  client: SkstackClient;
}

/**
 * The settings a run on the stick takes (the CLI hands its resolved config, which has these
 * fields): port, dialect, scan file, scan durations, and the timing table's values.
 */
export interface StickSettings {
  port: string;
  dialect?: 'single' | 'dual' | undefined;
  setHexOutput: boolean;
  scanFile: string;
  scan: { minDuration: number; maxDuration: number; marginMs: number; channelDurations?: readonly number[] };
  /** Rows of the timing table (src/time/timing.ts TIMEOUTS); missing ones take their default. */
  timeouts: Partial<Timeouts>;
  /** Rows of RETRIES; missing ones take their default. */
  retries: Partial<Retries>;
}

/** What opening a session on the port takes. */
export interface PortSessionOptions {
  config: StickSettings;
  creds: { id: string; password: string };
  logger: Logger;
  now: () => Date;
  /** Timers and now for every wait of the session (the CLI passes its clock; default: the host's). */
  clock?: Clock;
  openPort: (port: string) => Promise<Transport>;
  /** First join backoff after EVENT 24 (overrides timeouts.joinBackoffMs). */
  joinBackoffMs?: number;
  /** SIGINT/SIGTERM: every wait of the session ends on it (MeterSessionOptions.signal), the port's opening too. */
  signal?: AbortSignal;
  /** Told before each session recovery step (metrics). */
  onRecovery?: (step: RecoveryStep) => void;
}

/** A session on an open port, and how to close both. */
export interface PortSession {
  session: MeterSession;
  /** Closes the session (`terminate`: SKTERM first), then the port. */
  close(terminate: boolean): Promise<void>;
}

/** The timing table's values for these settings: configured rows, defaults for the rest. */
export function resolveTiming(settings: Pick<StickSettings, 'timeouts' | 'retries'>): {
  timeouts: Timeouts;
  retries: Retries;
} {
  return {
    timeouts: { ...DEFAULT_TIMEOUTS, ...settings.timeouts },
    retries: { ...DEFAULT_RETRIES, ...settings.retries },
  };
}

/** The session's part of the timing table. */
export function sessionTiming(
  settings: Pick<StickSettings, 'timeouts' | 'retries'>,
  joinBackoffMs?: number,
): SessionTiming {
  const { timeouts: t, retries: r } = resolveTiming(settings);
  return {
    joinMs: t.joinMs,
    responseMs: t.responseMs,
    joinRetries: r.join,
    requestRetries: r.request,
    neighbourSolicitations: r.neighbourSolicitations,
    joinBackoffMs: joinBackoffMs ?? t.joinBackoffMs,
    keptSessionProbeMs: t.keptSessionProbeMs,
    sendFailedPauseMs: t.sendFailedPauseMs,
    neighbourWaitMs: t.neighbourWaitMs,
    stopTerminateMs: t.stopTerminateMs,
  };
}

/**
 * Opens the port and the stick client (SKVER, dialect, ERXUDP format). `signal` (SIGINT/SIGTERM)
 * leaves the opening at once — a port still connecting is closed once it opens, a stick that does
 * not answer its checks is not waited for — with BmeterError CLOSED saying so. Otherwise throws the
 * transport's PORT errors, NOT_SKSTACK or TIMEOUT (naming other programs holding the device).
 */
export async function openLink(o: {
  openPort: (port: string) => Promise<Transport>;
  config: StickSettings;
  logger: Logger;
  clock?: Clock;
  signal?: AbortSignal;
}): Promise<Link> {
  const stopped = (): BmeterError =>
    new BmeterError('CLOSED', `stopped while opening ${o.config.port} (SIGINT/SIGTERM)`);
  const opening = o.openPort(o.config.port);
  const opened = await unlessAborted(opening, o.signal);
  if ('aborted' in opened) {
    // A transport that ends its own wait on the signal says what it waited for (a busy port and its
    // holder): that error wins, when it comes at once. A port that opens after the stop is closed again.
    opening.then((late) => late.close()).catch(() => undefined);
    await unlessLate(opening, o.clock ?? systemClock, 0);
    throw stopped();
  }
  const transport = opened.value;
  const { timeouts: t } = resolveTiming(o.config);
  const client = new SkstackClient(transport, {
    logger: o.logger,
    ...(o.config.dialect !== undefined && { dialect: o.config.dialect }),
    setHexOutput: o.config.setHexOutput,
    ...(o.clock !== undefined && { clock: o.clock }),
    timeouts: {
      commandMs: t.commandMs,
      joinMs: t.joinMs,
      skverMs: t.skverMs,
      sendToMs: t.sendToMs,
      terminateMs: t.terminateMs,
      drainMs: t.drainMs,
      drainQuietMs: t.drainQuietMs,
    },
  });
  try {
    if ('aborted' in (await unlessAborted(client.open(), o.signal))) throw stopped();
  } catch (err) {
    const explained = o.signal?.aborted === true ? stopped() : await namePortHolders(err, transport);
    await closeLink({ transport, client }, o.logger);
    throw explained;
  }
  return { transport, client };
}

/** Closes the client and its transport; never throws. */
export async function closeLink(link: Link, logger: Logger): Promise<void> {
  try {
    await link.client.close(); // closes the transport too
  } catch (err) {
    logger.debug({ err: (err as Error).message }, 'closing the stick client failed');
    await link.transport.close().catch(() => undefined);
  }
}

/** The scan file's meter, the port, and a meter session on them. */
export async function openPortSession(o: PortSessionOptions): Promise<PortSession> {
  const file = await readScanFile(o.config.scanFile);
  let link = await openLink(o);
  const session = new MeterSession({
    client: link.client as SessionClient,
    meter: toAddress(file),
    creds: o.creds,
    logger: o.logger,
    clock: o.clock ?? systemClock,
    timing: sessionTiming(o.config, o.joinBackoffMs),
    scan: { ...o.config.scan, channelDurations: o.config.scan.channelDurations ?? DEFAULT_CHANNEL_SCAN_DURATIONS },
    scanFile: o.config.scanFile,
    ...(o.signal !== undefined && { signal: o.signal }),
    ...(o.onRecovery !== undefined && { onRecovery: o.onRecovery }),
    reopen: async () => {
      await closeLink(link, o.logger);
      link = await openLink(o);
      return link.client as SessionClient;
    },
  });
  return {
    session,
    close: async (terminate) => {
      await session.close({ terminate });
      await closeLink(link, o.logger);
    },
  };
}
