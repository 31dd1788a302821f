/**
 * `bmeter poll`: read the meter once (cron) or on a schedule (`--interval`), records to stdout
 * or appended to `--output FILE` as text, JSON lines or CSV. Needs the scan file of `bmeter scan`.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { OUTPUT_FORMATS } from '../output/format.js';
import { createSink } from '../output/sink.js';
import { runPoll } from '../usecases/poll.js';
import { columnsFor, parsePropertyList, READING_UNITS } from '../usecases/reader-record.js';
import type { CliContext } from './context.js';
import { addMeterOptions } from './meter-options.js';
import { outputFlags, stickSettings, waitPortSeconds } from './settings.js';

/** The longest timer Node keeps (2^31 − 1 ms); a longer one fires at once, so the polls would run back to back. */
const MAX_INTERVAL_SECONDS = Math.floor(0x7fffffff / 1000);

/** commander parser: seconds > 0 (a timer Node can keep), or a count ≥ 1. */
function numberOption(what: string, kind: 'positive-seconds' | 'count') {
  return (value: string): number => {
    const n = Number(value);
    const ok = value.trim() !== '' && Number.isFinite(n) && (kind === 'count' ? Number.isInteger(n) && n >= 1 : n > 0 && n <= MAX_INTERVAL_SECONDS);
    if (!ok) {
      throw new InvalidArgumentError(
        kind === 'count' ? `${what} must be a whole number ≥ 1` : `${what} must be a number of seconds > 0 and at most ${MAX_INTERVAL_SECONDS} (24.8 days)`,
      );
    }
    return n;
  };
}

/** commander parser for --properties: the poll's own check, so a bad EPC is a usage error naming the flag. */
function propertyList(value: string): string {
  try {
    parsePropertyList(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
}

export function register(program: Command, ctx: CliContext): void {
  const command = program
    .command('poll')
    .description('read the meter: one reading and exit, or readings every --interval seconds')
    .option('--interval <seconds>', 'read on this schedule until SIGINT/SIGTERM (or --count)', numberOption('--interval', 'positive-seconds'))
    .option('--count <n>', 'stop after n readings', numberOption('--count', 'count'))
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('--output <file>', 'append records to this file instead of stdout (CSV header only for a new file)')
    .option('--properties <list>', 'EPCs to read, comma-separated (default E7,E8,E0,E3,EA,EB)', propertyList)
    .option('--wait-port <seconds>', 'wait this long for a port another bmeter holds (default 30)', waitPortSeconds);
  addMeterOptions(command)
    .addHelpText(
      'after',
      '\nOne radio round trip per reading: every property in one ECHONET Lite Get frame.\n' +
        'A one-shot poll leaves the PANA session on the stick, so the next run skips the join.\n' +
        'Needs BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD (or routeB in the config file) and the scan file.',
    )
    .action(async (_opts: Record<string, unknown>, command: Command) => {
      await pollAction(command.optsWithGlobals(), ctx);
    });
}

async function pollAction(flags: Record<string, unknown>, ctx: CliContext): Promise<void> {
  const { logger, config, creds, openPort } = stickSettings(flags, ctx);
  const properties = parsePropertyList(config.poll.properties);
  const { format, output } = outputFlags(flags, ctx);
  const sink = await createSink({
    format,
    columns: columnsFor(format),
    stdout: ctx.io.stdout,
    units: READING_UNITS,
    ...(output !== undefined && { outputPath: output }),
    notice: (message) => logger.warn(message),
  });
  const offHangup = ctx.onHangup?.(() => sink.reopen());
  try {
    await runPoll({
      config,
      creds,
      properties,
      ...(typeof flags['interval'] === 'number' && { intervalSeconds: flags['interval'] }),
      ...(typeof flags['count'] === 'number' && { count: flags['count'] }),
      sink,
      logger,
      signal: ctx.signal,
      now: ctx.now,
      openPort,
    });
  } finally {
    offHangup?.();
    await sink.close();
  }
}
