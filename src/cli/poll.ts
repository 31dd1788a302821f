/**
 * `bmeter poll`: read the meter once (cron) or on a schedule (`--interval`), records to stdout
 * or appended to `--output FILE` as text, JSON lines or CSV. Needs the scan file of `bmeter scan`.
 */
import { configFileOption, fileOption, requireDistinctFiles } from './distinct-files.js';
import { fallbackFromConfig } from '../meter/energy-fallback.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { OUTPUT_FORMATS } from '../output/format.js';
import { createSink } from '../output/sink.js';
import { teeSink } from '../output/tee.js';
import { runPoll } from '../poll/poll.js';
import { columnsFor, parsePropertyList, READING_UNITS } from '../meter/record.js';
import type { CliContext } from './context.js';
import { addOutputOptions, openMeterOutputs } from './meter-outputs.js';
import { addMeterOptions } from './meter-options.js';
import { numberOption, outputFlags, stickSettings, waitPortSeconds } from './settings.js';
import {
  closeCliStore,
  openCliStore,
  printsBesideStore,
  requireSqlite,
  requireStored,
  storeMeter,
  storeThenPrinted,
} from './store.js';
import { readingWriter } from '../serve/store-sink.js';

/** commander parser for --properties: the poll's own check, so a bad EPC is a usage error naming the flag. */
function propertyList(value: string): string {
  try {
    parsePropertyList(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
}

/**
 * Adds `bmeter poll` to `program`: one reading, or one every --interval seconds until a signal or --count, in
 * the chosen --format on stdout or --output.
 */
export function register(program: Command, ctx: CliContext): void {
  const command = program
    .command('poll')
    .description('read the meter: one reading and exit, or readings every --interval seconds')
    .option(
      '--interval <seconds>',
      'read on this schedule until SIGINT/SIGTERM (or --count)',
      numberOption('--interval', 'positive-seconds'),
    )
    .option('--count <n>', 'stop after n readings', numberOption('--count', 'count'))
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('--output <file>', 'append records to this file instead of stdout (CSV header only for a new file)')
    .option(
      '--db <file>',
      'commit each reading to this SQLite store (Node ≥ 22.13); prints only with --format/--output',
    )
    .option('--properties <list>', 'EPCs to read, comma-separated (default E7,E8,E0,E3,EA,EB)', propertyList)
    .option('--wait-port <seconds>', 'wait this long for a port another bmeter holds (default 30)', waitPortSeconds);
  addOutputOptions(addMeterOptions(command))
    .addHelpText(
      'after',
      '\nOne radio round trip per reading: every property in one ECHONET Lite Get frame.\n' +
        'A one-shot poll leaves the PANA session on the stick, so the next run skips the join.\n' +
        'Needs BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD (or routeB in the config file) and the scan file.',
    )
    .action(async (_opts: Record<string, unknown>, command: Command) => {
      await pollAction(command.optsWithGlobals(), ctx, printsBesideStore(command));
    });
}

async function pollAction(flags: Record<string, unknown>, ctx: CliContext, printBesideStore: boolean): Promise<void> {
  const withDb = flags['db'] !== undefined;
  if (withDb) await requireSqlite('bmeter poll --db'); // exit 2 on Node < 22.13, before anything else
  const { logger, config, creds, openPort } = stickSettings(flags, ctx);
  const properties = parsePropertyList(config.poll.properties);
  const { format, output } = outputFlags(flags, ctx);
  requireDistinctFiles(ctx.io.cwd, {
    '--output': fileOption(output, 'output'),
    '--metrics-file': fileOption(flags['metricsFile'], 'textfile'),
    '--db': fileOption(flags['db'], 'store'),
    'the scan file': fileOption(config.scanFile, 'scan-file'),
    'the config file': configFileOption(flags, ctx.io.env, ctx.io.cwd),
  });
  const intervalSeconds = typeof flags['interval'] === 'number' ? flags['interval'] : undefined;
  const printed = !withDb || printBesideStore;
  const out = printed
    ? await createSink({
        format,
        columns: columnsFor(format),
        stdout: ctx.io.stdout,
        units: READING_UNITS,
        ...(output !== undefined && { outputPath: output }),
        notice: (message, level) => logger[level](message),
      })
    : undefined;
  const offHangup = out === undefined ? undefined : ctx.onHangup?.(() => out.reopen());
  const meter = withDb ? await storeMeter(config.scanFile) : '';
  let extras: Awaited<ReturnType<typeof openMeterOutputs>> | undefined;
  let store: Awaited<ReturnType<typeof openCliStore>> | undefined;
  let sessionOpened = false;
  let failed = true;
  try {
    // MQTT and the metrics file before the store: a refused broker login or a bad --metrics-file ends the
    // run before a new store is made. Neither touches another run's state (no availability goes offline
    // without a session, see below).
    extras = await openMeterOutputs(flags, config, ctx, logger, {
      ...(intervalSeconds !== undefined && { intervalSeconds }),
    });
    store = withDb ? await openCliStore('bmeter poll --db', flags['db'], ctx) : undefined;
    // The store first in the chain: a record is printed once it is committed.
    const stored =
      store === undefined
        ? undefined
        : storeThenPrinted({ store, write: readingWriter(store, meter), what: 'reading', logger, printed: out });
    const sink = stored ?? out;
    if (sink === undefined) throw new Error('poll: no sink');
    await runPoll({
      energyFallback: fallbackFromConfig(config.meter),
      config,
      creds,
      properties,
      ...(intervalSeconds !== undefined && { intervalSeconds }),
      ...(typeof flags['count'] === 'number' && { count: flags['count'] }),
      sink: teeSink(sink, extras.outputs, logger),
      ...(extras.onFailure !== undefined && { onFailure: extras.onFailure }),
      ...(extras.onRecovery !== undefined && { onRecovery: extras.onRecovery }),
      logger,
      signal: ctx.signal,
      now: ctx.now,
      clock: ctx.clock,
      openPort,
      onSession: () => {
        sessionOpened = true;
      },
    });
    if (stored !== undefined && store !== undefined) requireStored(stored.pending, 'reading', store.path);
    await extras.requireWritten(); // a one-shot run whose textfile could not be written: exit 1, said once
    failed = false;
  } finally {
    offHangup?.();
    await out?.close();
    // A run that fails (EVENT 24: exit 4, the port missing) takes back a store it made and stored nothing in.
    closeCliStore(store, { failed, signal: ctx.signal }, logger);
    // An interval run that stops takes its meter offline in HA; a one-shot (cron) run leaves it online.
    // Only a run that had the stick: one that never got the port (another bmeter holds it) leaves the
    // running one's availability alone.
    await extras?.close({ offline: intervalSeconds !== undefined && sessionOpened });
  }
}
