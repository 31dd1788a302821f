/**
 * The commander program (docs/design.md §3, program factory): global options, one file per command,
 * and the logger built from --log-level / -v / BMETER_LOG_LEVEL / the config file.
 *
 * Fast start: given the argv, only the module of the command being run is loaded
 * (all of them for help, `help <cmd>` or anything unclear); zod only for a config file that is
 * not plainly valid (config/schema.ts builds only the settings given), pino only when something is
 * logged (createLazyLogger).
 */
import { Command, Option } from 'commander';
import { createLazyLogger, type Logger } from '../log/logger.js';
import { systemClock, type Clock } from '../time/clock.js';
import { levelFromVerbosity, LOG_LEVELS, type LogLevel } from '../log/levels.js';
import type { CliContext, CliIo } from './context.js';
import { commandToLoad } from './argv.js';
import { assertNoEmptyValues } from './empty-values.js';
import { assertNoFolderValues } from './file-options.js';
import { VERSION } from './version.js';

/** Command modules, registered in this order (each exports `register(program, ctx)`). */
const COMMANDS = ['scan', 'poll', 'history', 'decode', 'demo', 'simulate', 'serve', 'plot'] as const;

export interface ProgramDeps {
  io: CliIo;
  signal: AbortSignal;
  now?: () => Date;
  /** Timers and now for the use cases (default: the host's, src/time/clock.ts systemClock). */
  clock?: Clock;
  transportFactory?: CliContext['transportFactory'];
  onHangup?: CliContext['onHangup'];
  /** The argv about to be parsed: lets the program load only that command's module. */
  argv?: readonly string[];
}

/**
 * Builds the commander program with its global options and the command modules the argv needs, over the
 * injected io, signal and clock (tests run it in-process). Does not parse the argv itself.
 */
export async function createProgram(deps: ProgramDeps): Promise<Command> {
  let logger: Logger | undefined;
  let level: LogLevel = 'warn';
  const ctx: CliContext = {
    io: deps.io,
    signal: deps.signal,
    now: deps.now ?? (() => new Date()),
    clock: deps.clock ?? systemClock,
    ...(deps.transportFactory !== undefined && { transportFactory: deps.transportFactory }),
    ...(deps.onHangup !== undefined && { onHangup: deps.onHangup }),
    logger: () => (logger ??= createLazyLogger({ level, destination: deps.io.stderr })),
  };

  const program = new Command('bmeter')
    .description(
      'Read Japanese low-voltage smart electricity meters over the B-route (Wi-SUN, SKSTACK IP, ECHONET Lite)',
    )
    .version(VERSION, '-V, --version')
    .option('-p, --port <port>', 'stick: device path, tcp://host:port or sim:// (env BMETER_PORT)')
    .option('-c, --config <file>', 'config file (env BMETER_CONFIG; default ./bmeter.config.json if present)')
    .option('--scan-file <file>', 'where the scan result is kept (env BMETER_SCAN_FILE; default ./bmeter.scan.json)')
    .addOption(new Option('--dialect <dialect>', 'override stick dialect detection').choices(['single', 'dual']))
    .addOption(new Option('--log-level <level>', 'log level on stderr (env BMETER_LOG_LEVEL)').choices(LOG_LEVELS))
    .option('-v, --verbose', 'more logging: -v info, -vv debug, -vvv trace', (_v: string, n: number) => n + 1, 0)
    .configureOutput({
      writeOut: (text) => deps.io.stdout.write(text),
      writeErr: (text) => deps.io.stderr.write(text),
      // A parse error is printed by main.ts reportError, as one line in the house form (usage-line.ts).
      outputError: () => undefined,
    })
    .exitOverride();

  program.hook('preAction', async (_root, action) => {
    assertNoEmptyValues(action);
    assertNoFolderValues(action, deps.io.cwd);
    level = await chooseLogLevel(action.optsWithGlobals(), deps.io);
  });

  const only = deps.argv === undefined ? undefined : commandToLoad(deps.argv, COMMANDS);
  for (const name of only === undefined ? COMMANDS : [only]) {
    const module = (await importCommand(name)) as { register?: (p: Command, c: CliContext) => void } | undefined;
    module?.register?.(program, ctx);
  }
  return program;
}

async function chooseLogLevel(opts: Record<string, unknown>, io: CliIo): Promise<LogLevel> {
  if (typeof opts['logLevel'] === 'string') return opts['logLevel'] as LogLevel;
  const verbose = typeof opts['verbose'] === 'number' ? opts['verbose'] : 0;
  if (verbose > 0) return levelFromVerbosity(verbose);
  try {
    // Env and config file; an invalid config is reported by the command that needs it.
    const { loadConfig } = await import('../config/config.js');
    return loadConfig({ flags: opts, env: io.env, cwd: io.cwd }).logLevel;
  } catch {
    return 'warn';
  }
}

async function importCommand(name: string): Promise<unknown> {
  try {
    return await import(`./${name}.js`);
  } catch (err) {
    // A command not built yet (during development) is left out rather than breaking the others.
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(`${name}.js`)) {
      return undefined;
    }
    throw err;
  }
}
