/**
 * The port under a meter session, shared by `bmeter poll` and `bmeter history`: reads the scan
 * file, opens the port and the stick client, and builds the session on them. The last recovery
 * step (reopen, session-recovery.ts) closes the port and opens it again; closing ends the session
 * (with SKTERM when asked, §3.11) and then the port.
 */
import { BmeterError, isBmeterError } from '../errors.js';
import { SkstackClient } from '../skstack/client.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { fallbackFromConfig } from '../meter/energy-fallback.js';
import type { Transport } from '../transport/transport.js';
import { readScanFile } from './scan-file.js';
import type { MeterSession, MeterSessionOptions } from './session.js';
import type { SessionClient } from './session-link.js';
import { toAddress } from './session-recovery.js';

export interface Link {
  transport: Transport;
  client: SkstackClient;
}

export interface PortSessionOptions {
  config: Config;
  creds: { id: string; password: string };
  logger: Logger;
  now: () => Date;
  openPort: (port: string) => Promise<Transport>;
  /** First join backoff after EVENT 24 (tests make it short). */
  joinBackoffMs?: number;
  /** SIGINT/SIGTERM (the join's backoff waits end at once). */
  signal?: AbortSignal;
}

export interface PortSession<S extends MeterSession> {
  session: S;
  /** Closes the session (`terminate`: SKTERM first), then the port. */
  close(terminate: boolean): Promise<void>;
}

/** Opens the port and the stick client. */
export async function openLink(o: Pick<PortSessionOptions, 'openPort' | 'config' | 'logger'>): Promise<Link> {
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
    const explained = await namePortHolders(err, transport);
    await closeLink({ transport, client }, o.logger);
    throw explained;
  }
  return { transport, client };
}

/**
 * A stick that does not answer (no SKVER, a command timed out) often has its answers taken by
 * another program holding the device (a second integration, a `cat` left running): name them.
 */
export async function namePortHolders(err: unknown, transport: Transport): Promise<unknown> {
  if (!(isBmeterError(err, 'NOT_SKSTACK') || isBmeterError(err, 'TIMEOUT')) || transport.otherHolders === undefined) return err;
  const holders = await transport.otherHolders().catch(() => []);
  if (holders.length === 0) return err;
  return new BmeterError(
    err.code,
    `${err.message} — other programs have ${transport.description} open and may be taking the stick's answers: ${holders.join(', ')}; stop them and try again`,
    { cause: err },
  );
}

export async function closeLink(link: Link, logger: Logger): Promise<void> {
  try {
    await link.client.close(); // closes the transport too
  } catch (err) {
    logger.debug({ err: (err as Error).message }, 'closing the stick client failed');
    await link.transport.close().catch(() => undefined);
  }
}

/** The scan file's meter, the port, and a session made by `make` on them. */
export async function openPortSession<S extends MeterSession>(
  o: PortSessionOptions,
  make: (options: MeterSessionOptions) => S,
  extra: Pick<MeterSessionOptions, 'onNotification'> = {},
): Promise<PortSession<S>> {
  const file = await readScanFile(o.config.scanFile);
  let link = await openLink(o);
  const session = make({
    client: link.client as SessionClient,
    meter: toAddress(file),
    creds: o.creds,
    logger: o.logger,
    timeouts: o.config.timeouts,
    retries: o.config.retries,
    scan: o.config.scan,
    scanFile: o.config.scanFile,
    energyFallback: fallbackFromConfig(o.config.meter),
    now: o.now,
    ...(o.joinBackoffMs !== undefined && { joinBackoffMs: o.joinBackoffMs }),
    ...(o.signal !== undefined && { signal: o.signal }),
    ...extra,
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
