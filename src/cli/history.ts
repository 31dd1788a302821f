/**
 * `bmeter history`: backfill the meter's half-hour record (E2/E4, up to 100 days) or its recent
 * detail (EC half-hours, EE one-minute values), as text, JSON lines or CSV — appended to
 * `--output FILE`, where `--since auto` continues after the last slot already written.
 */
import { configFileOption, fileOption, requireDistinctFiles } from './distinct-files.js';
import { fallbackFromConfig } from '../meter/energy-fallback.js';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BmeterError, isBmeterError } from '../errors.js';
import { OUTPUT_FORMATS } from '../output/format.js';
import { createSink } from '../output/sink.js';
import { assertSameColumns } from '../output/file-columns.js';
import { runHistory } from '../history/history.js';
import { MAX_HISTORY_DAYS } from '../history/dates.js';
import { createProgress } from '../history/progress.js';
import { MAX_RECENT, type RecentRequest } from '../history/recent.js';
import { assertSameResolution } from '../history/file-resolution.js';
import { lastSlotStart, parseSince } from '../history/since.js';
import { HISTORY_COLUMNS, HISTORY_UNITS } from '../history/slots.js';
import type { CliContext } from './context.js';
import { addMeterOptions } from './meter-options.js';
import { outputFlags, stickSettings, waitPortSeconds } from './settings.js';
import {
  closeCliStore,
  openCliStore,
  printsBesideStore,
  requireSqlite,
  requireStored,
  storeMeter,
  storeThenPrinted,
} from './store.js';
import { halfHourWriter } from '../serve/store-sink.js';

function integer(what: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/**
 * Adds `bmeter history` to `program`: the meter's half-hour record (E2/E4 by day, or EC with --recent) or its
 * one-minute values (EE/D0), written as CSV or JSON lines.
 */
export function register(program: Command, ctx: CliContext): void {
  const command = program
    .command('history')
    .description("backfill the meter's half-hour record (up to 100 days) or its recent one-minute values")
    .option(
      '--days <n>',
      `today and the n−1 days before it (default 1; at most ${MAX_HISTORY_DAYS})`,
      integer('--days', 1, MAX_HISTORY_DAYS),
    )
    .option('--day <d>', 'one day: 0 = today, 1 = yesterday … 99', integer('--day', 0, 99))
    .option(
      '--since <time>',
      'only slots after this ISO 8601 time, or "auto": after the last slot in --db, else in --output (one with no slot yet: --days back)',
    )
    .addOption(
      new Option(
        '--resolution <step>',
        '30m: half-hour history (E2/E4, or EC with --recent); 1m: one-minute history (EE/D0, Release R meters)',
      )
        .choices(['30m', '1m'])
        .default('30m'),
    )
    .option(
      '--recent <n>',
      `the n most recent slots from EC/ED (30m, ≤ ${MAX_RECENT['30m']}) or EE/EF (1m, ≤ ${MAX_RECENT['1m']})`,
      integer('--recent', 1, MAX_RECENT['1m']),
    )
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('--output <file>', 'append records to this file instead of stdout (CSV header only for a new file)')
    .option(
      '--db <file>',
      'upsert the half-hours into this SQLite store (Node ≥ 22.13); prints only with --format/--output',
    )
    .option('--wait-port <seconds>', 'wait this long for a port another bmeter holds (default 30)', waitPortSeconds);
  addMeterOptions(command)
    .addHelpText(
      'after',
      '\nEach day costs SetC E5 + Get E2 (and E4 on meters with reverse metering): a few seconds per day.\n' +
        "Records: slot_start, energy_normal_kwh, energy_reverse_kwh (the meter's counters at that time),\n" +
        'consumed_kwh, exported_kwh (energy in the half hour ending at slot_start).\n' +
        'Nightly cron: bmeter history --since auto --format csv --output ~/meter/halfhours.csv',
    )
    .action(async (_opts: Record<string, unknown>, command: Command) => {
      await historyAction(command.optsWithGlobals(), ctx, printsBesideStore(command));
    });
}

async function historyAction(
  flags: Record<string, unknown>,
  ctx: CliContext,
  printBesideStore: boolean,
): Promise<void> {
  const withDb = flags['db'] !== undefined;
  if (withDb) await requireSqlite('bmeter history --db'); // exit 2 on Node < 22.13, before anything else
  const logger = ctx.logger();
  const num = (k: string): number | undefined => (typeof flags[k] === 'number' ? (flags[k] as number) : undefined);
  const days = num('days');
  const day = num('day');
  if (days !== undefined && day !== undefined) throw new BmeterError('USAGE', 'give --days or --day, not both');
  // --since TIME says where to start, as --day does; with --since auto, --days is how far back a new file starts.
  const since = typeof flags['since'] === 'string' ? flags['since'] : undefined;
  const startsTwice = since !== undefined && (day !== undefined || (days !== undefined && since !== 'auto'));
  if (startsTwice)
    throw new BmeterError(
      'USAGE',
      `give --since or --${day !== undefined ? 'day' : 'days'}, not both (--since auto --days N: a new file starts N days back)`,
    );
  const resolution = flags['resolution'] === '1m' ? '1m' : '30m';
  const recentCount = num('recent');
  if (recentCount !== undefined && resolution === '30m' && recentCount > MAX_RECENT['30m']) {
    throw new BmeterError('USAGE', `--recent with 30m resolution is at most ${MAX_RECENT['30m']}`);
  }
  const recent: RecentRequest | undefined =
    resolution === '1m' || recentCount !== undefined
      ? { resolution, ...(recentCount !== undefined && { count: recentCount }) }
      : undefined;
  if (recent !== undefined && (days !== undefined || day !== undefined)) {
    throw new BmeterError(
      'USAGE',
      '--days/--day select E2 days; --recent and --resolution 1m read the recent history instead',
    );
  }
  if (recent !== undefined && withDb) {
    throw new BmeterError(
      'USAGE',
      '--db stores the half-hour record (E2/E4); --recent and --resolution 1m are not stored',
    );
  }
  const { format, output } = outputFlags(flags, ctx);
  const { config, creds, openPort } = stickSettings(flags, ctx);
  requireDistinctFiles(ctx.io.cwd, {
    '--output': fileOption(output, 'output'),
    '--db': fileOption(flags['db'], 'store'),
    // A full rescan of the recovery ladder rewrites the scan file.
    'the scan file': fileOption(config.scanFile, 'scan-file'),
    'the config file': configFileOption(flags, ctx.io.env, ctx.io.cwd),
  });

  const meter = withDb ? await storeMeter(config.scanFile) : '';
  // What can refuse the run is checked before the store is opened, so a refusal leaves no new store: an
  // --output file of other records or rows of the other resolution, a --since that cannot be used.
  if (output !== undefined && (!withDb || printBesideStore)) {
    await assertSameColumns(output, format, HISTORY_COLUMNS);
    if (format !== 'text') await assertSameResolution(output, format, resolution);
  }
  let sinceMs: number | undefined;
  if (since === 'auto' && !withDb) {
    if (output === undefined || format === 'text') {
      throw new BmeterError(
        'USAGE',
        '--since auto needs --db FILE, or --output FILE with --format csv or json (it reads the last slot_start there)',
      );
    }
    sinceMs = await lastSlotStart(output, format);
    if (sinceMs === undefined) logger.info(`--since auto: ${output} has no records yet; fetching ${days ?? 1} day(s)`);
    else
      logger.info(
        { since: new Date(sinceMs).toISOString() },
        '--since auto: continuing after the last slot in the file',
      );
  } else if (since !== undefined && since !== 'auto') {
    sinceMs = parseSince(since);
    if (sinceMs >= ctx.now().getTime()) {
      throw new BmeterError(
        'USAGE',
        `--since ${since} is in the future: no slot after it has been recorded yet — give a past time, or "auto" with --output`,
      );
    }
  }

  const store = withDb ? await openCliStore('bmeter history --db', flags['db'], ctx) : undefined;
  let failed = true;
  let out: Awaited<ReturnType<typeof createSink>> | undefined;
  let offHangup: (() => void) | undefined;
  try {
    if (since === 'auto' && store !== undefined) {
      sinceMs = store.lastSlotMs(meter);
      if (sinceMs === undefined)
        logger.info(`--since auto: ${store.path} has no half-hours yet; fetching ${days ?? 1} day(s)`);
      else
        logger.info(
          { since: new Date(sinceMs).toISOString() },
          '--since auto: continuing after the last slot in the store',
        );
    }
    out =
      !withDb || printBesideStore
        ? await createSink({
            format,
            columns: HISTORY_COLUMNS,
            stdout: ctx.io.stdout,
            units: HISTORY_UNITS,
            ...(output !== undefined && { outputPath: output }),
            notice: (message, level) => logger[level](message),
            // Again under the file's lock: another run may have begun the file since the check above.
            ...(output !== undefined &&
              format !== 'text' && { beforeFirstAppend: () => assertSameResolution(output, format, resolution) }),
          })
        : undefined;
    const printed = out;
    offHangup = printed === undefined ? undefined : ctx.onHangup?.(() => printed.reopen());
    const recordsOnTerminal =
      out !== undefined && output === undefined && (ctx.io.stdout as { isTTY?: boolean }).isTTY === true;
    // The store first: a slot is printed once it is committed.
    const stored =
      store === undefined
        ? undefined
        : storeThenPrinted({ store, write: halfHourWriter(store, meter), what: 'half-hour', logger, printed: out });
    const sink = stored ?? out;
    if (sink === undefined) throw new Error('history: no sink');
    const summary = await runHistory({
      energyFallback: fallbackFromConfig(config.meter),
      config,
      creds,
      ...(days !== undefined && { days }),
      ...(day !== undefined && { day }),
      ...(sinceMs !== undefined && { sinceMs }),
      ...(recent !== undefined && { recent }),
      sink,
      logger,
      signal: ctx.signal,
      now: ctx.now,
      clock: ctx.clock,
      // Records printed on the same terminal would share its line: no bar then (the records show the progress).
      progress: (total) => createProgress(ctx.io.stderr, ctx.io.stderrIsTTY && !recordsOnTerminal, total),
      openPort,
    });
    logger.info({ days: summary.days, records: summary.records, joined: summary.joined }, 'history done');
    if (stored !== undefined && store !== undefined) requireStored(stored.pending, 'half-hour', store.path);
    await out?.close();
    failed = false;
  } catch (err) {
    // The built-in simulator is a Release F meter unless asked: say how to get a Release R one.
    if (
      resolution === '1m' &&
      config.port.startsWith('sim:') &&
      isBmeterError(err, 'PROTOCOL') &&
      /one-minute history/.test(err.message)
    ) {
      throw new BmeterError(
        'PROTOCOL',
        `${err.message} — the built-in simulator serves one-minute history as a Release R meter: --port 'sim://?release=R'`,
      );
    }
    throw err;
  } finally {
    offHangup?.();
    await out?.close();
    // A run that fails (EVENT 24: exit 4, the port missing) takes back a store it made and stored nothing in.
    closeCliStore(store, { failed, signal: ctx.signal }, logger);
  }
}
