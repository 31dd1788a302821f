/**
 * `bmeter demo`: what a user sees with a real stick, against the built-in simulator — a scan,
 * then three readings — with no stick, no credentials and no config (the README's first
 * command). The simulated stick is shared by the scan and the polls, as a real stick is shared
 * by two runs; the scan file lives in a temp directory removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../config/schema.js';
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { SimOptions } from '../sim/options.js';
import { runPoll, type PollSummary, type RecordSink } from '../poll/poll.js';
import { parsePropertyList } from '../meter/record.js';
import { runScan } from '../scan/scan.js';
import { writeScanFile, type ScanFile } from '../scan/scan-file.js';
import { closeLink, openLink } from '../session/port.js';

export interface DemoOptions {
  logger: Logger;
  signal: AbortSignal;
  now: () => Date;
  /** Where the readings go (the CLI gives a text sink on stdout). */
  sink: RecordSink;
  /** Called once the scan file is written (the CLI prints the scan summary). */
  onScan: (file: ScanFile, path: string) => void | Promise<void>;
  /** Called before the readings start. */
  onPollStart?: (readings: number, intervalSeconds: number) => void | Promise<void>;
  readings?: number;
  intervalSeconds?: number;
  /** Simulator options (tests); the defaults are fast. */
  sim?: Partial<SimOptions>;
}

/**
 * `bmeter demo`: a scan and `o.readings` readings (default 3, `o.intervalSeconds` apart, default 1 s) against the
 * built-in simulator, its scan file in a temporary folder removed afterwards, the records written to `o.sink` as
 * `poll` writes them. Resolves with the poll's summary; throws CONFIG (exit 2) when no temporary folder can be
 * made (a TMPDIR that does not exist).
 */
export async function runDemo(o: DemoOptions): Promise<PollSummary> {
  const { SimStick, attachSimTransport, SIM_DEMO_ROUTEB_ID, SIM_DEMO_PASSWORD } = await import('../sim/transport.js');
  const stick = new SimStick({ ...o.sim });
  let dir: string;
  try {
    dir = await mkdtemp(join(tmpdir(), 'bmeter-demo-'));
  } catch (err) {
    stick.dispose();
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new BmeterError(
      'CONFIG',
      `the demo keeps its scan file in a temporary folder, but none can be made in ${tmpdir()} (${code}) — set TMPDIR to a writable folder`,
      { cause: err },
    );
  }
  try {
    const scanFile = join(dir, 'bmeter.scan.json');
    const config = configSchema.parse({ port: 'sim://demo', scanFile });
    const creds = { id: SIM_DEMO_ROUTEB_ID, password: SIM_DEMO_PASSWORD };
    const openPort = async () => attachSimTransport(stick, 'sim://demo', false);

    const link = await openLink({ openPort, config, logger: o.logger, signal: o.signal });
    let file: ScanFile;
    try {
      const result = await runScan(link.client, creds, {
        ...config.scan,
        logger: o.logger,
        now: o.now,
        signal: o.signal,
      });
      file = await writeScanFile(scanFile, result);
    } finally {
      await closeLink(link, o.logger);
    }
    await o.onScan(file, scanFile);

    const readings = o.readings ?? 3;
    const intervalSeconds = o.intervalSeconds ?? 1;
    await o.onPollStart?.(readings, intervalSeconds);
    return await runPoll({
      config,
      creds,
      properties: parsePropertyList(config.poll.properties),
      intervalSeconds,
      count: readings,
      sink: o.sink,
      logger: o.logger,
      signal: o.signal,
      now: o.now,
      openPort,
    });
  } finally {
    stick.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}
