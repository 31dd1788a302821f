/**
 * `bmeter plot`: charts without a browser — the power, half-hour or daily chart from the store
 * (`--db`) or a poll/history file (`--input`), to an SVG or PNG file or drawn in the terminal
 * (`--out -`). Chart code (vega, vega-lite, resvg) is imported only when a file is drawn.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BmeterError } from '../errors.js';
import type { CliContext } from './context.js';
import { fileOption, requireDistinctFiles } from './distinct-files.js';
import { quietSqliteWarning } from './store.js';

function integer(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${flag} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Registers the command (called by program.ts). */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('plot')
    .description('draw a chart of power, half-hour or daily energy as SVG, PNG or in the terminal')
    .option('--db <file>', 'the SQLite store bmeter serve writes (needs Node ≥ 22.13)')
    .option('--input <file>', 'a CSV or JSON-lines file written by poll or history')
    .addOption(
      new Option(
        '--chart <chart>',
        'power (readings), half-hours or daily (half-hour rows); default from the input',
      ).choices(['power', 'half-hours', 'daily']),
    )
    .option(
      '--from <time>',
      'from this time: 2026-11-29 (Japan date), 2026-11-29T12:00 (Japan time) or ISO 8601 with offset',
    )
    .option('--to <time>', 'up to (not including) this time, same forms as --from')
    .requiredOption('--out <file>', 'FILE.svg, FILE.png, or - to draw in the terminal')
    .option('--force', 'replace the --out file when it exists (otherwise an existing file is never overwritten)')
    .option(
      '--width <columns>',
      'terminal chart width, --out - only (default: the terminal, 80 when not a terminal)',
      integer('--width', 30, 1000),
    )
    .option('--height <rows>', 'terminal chart height, --out - only (default 16)', integer('--height', 5, 200))
    .addHelpText(
      'after',
      '\nFrom the store, the default range ends now and reaches back 24 h (power), 48 h (half-hours) or\n' +
        '100 days (daily); from a file, every record in it. Times on the axes are Japan time.\n' +
        'Examples:\n' +
        '  bmeter plot --input power.csv --out power.svg\n' +
        '  bmeter plot --input halfhours.csv --chart daily --out daily.png\n' +
        '  bmeter plot --db bmeter.db --chart half-hours --from 2026-11-29 --out -',
    )
    .action(async (_opts: Record<string, unknown>, command: Command) => {
      await plotAction(command.opts(), ctx);
    });
}

async function plotAction(flags: Record<string, unknown>, ctx: CliContext): Promise<void> {
  const str = (k: string): string | undefined => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const db = str('db');
  const input = str('input');
  if ((db === undefined) === (input === undefined))
    throw new BmeterError('USAGE', 'give one of --db FILE or --input FILE');
  const { parseTimeArgument } = await import('../plot/japan-time.js');
  const from = str('from');
  const to = str('to');
  const fromMs = from === undefined ? undefined : parseTimeArgument('--from', from);
  const toMs = to === undefined ? undefined : parseTimeArgument('--to', to);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs)
    throw new BmeterError('USAGE', '--from must be before --to');

  const out = str('out') ?? '-';
  const stdout = ctx.io.stdout as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  const resolveOut = (path: string): string => resolve(ctx.io.cwd, path);
  let target: import('../plot/plot.js').PlotTarget;
  const sized = ['width', 'height'].filter((k) => flags[k] !== undefined).map((k) => `--${k}`);
  if (out !== '-' && sized.length > 0) {
    throw new BmeterError(
      'USAGE',
      `${sized.join(' and ')} ${sized.length === 1 ? 'sizes' : 'size'} the terminal chart (--out -) in columns and rows; an .svg or .png chart has a fixed size — leave them out`,
    );
  }
  if (out === '-') {
    const tty = stdout.isTTY === true;
    const width =
      typeof flags['width'] === 'number'
        ? flags['width']
        : tty && (stdout.columns ?? 0) >= 30
          ? (stdout.columns ?? 80)
          : 80;
    const height = typeof flags['height'] === 'number' ? flags['height'] : 16;
    target = { kind: 'terminal', stream: stdout, width, height, colour: tty && ctx.io.env['NO_COLOR'] === undefined };
  } else {
    const ext = out.toLowerCase().split('.').pop();
    if (ext !== 'svg' && ext !== 'png')
      throw new BmeterError('USAGE', `--out ${out}: give a name ending in .svg or .png, or - for the terminal`);
    target = { kind: ext, path: resolveOut(out), force: flags['force'] === true };
  }

  requireDistinctFiles(ctx.io.cwd, {
    '--db': fileOption(db, 'store'),
    '--input': fileOption(input, 'input'),
    '--out': out === '-' ? undefined : fileOption(out, 'chart'),
  });
  const { runPlot } = await import('../plot/plot.js');
  if (db !== undefined) quietSqliteWarning(); // the store is read with node:sqlite
  const summary = await runPlot({
    source: db !== undefined ? { db: resolveOut(db) } : { input: resolveOut(input ?? '') },
    ...(typeof flags['chart'] === 'string' && { chart: flags['chart'] as 'power' | 'half-hours' | 'daily' }),
    ...(fromMs !== undefined && { fromMs }),
    ...(toMs !== undefined && { toMs }),
    target,
    nowMs: ctx.now().getTime(),
    nodeVersion: process.versions.node,
    pid: process.pid,
    warn: (message) => ctx.logger().warn(message),
  });
  ctx.logger().info({ chart: summary.chart, points: summary.points, out }, 'plot written');
}
