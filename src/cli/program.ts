/**
 * The commander program (DESIGN.md §3, program factory): global options, one file per command,
 * and the logger built from --log-level / -v / BMETER_LOG_LEVEL / the config file.
 */
import { Command, Option } from 'commander';
import { createLogger, levelFromVerbosity, LOG_LEVELS, type Logger, type LogLevel } from '../log/logger.js';
import { loadConfig } from '../config/config.js';
import type { CliContext, CliIo } from './context.js';
import { VERSION } from './version.js';

/** Command modules, registered in this order (each exports `register(program, ctx)`). */
const COMMANDS = ['scan', 'poll', 'history', 'decode', 'demo', 'simulate'] as const;

export interface ProgramDeps {
  io: CliIo;
  signal: AbortSignal;
  now?: () => Date;
  transportFactory?: CliContext['transportFactory'];
}

export async function createProgram(deps: ProgramDeps): Promise<Command> {
  let logger: Logger | undefined;
  let level: LogLevel = 'warn';
  const ctx: CliContext = {
    io: deps.io,
    signal: deps.signal,
    now: deps.now ?? (() => new Date()),
    ...(deps.transportFactory !== undefined && { transportFactory: deps.transportFactory }),
    logger: () => (logger ??= createLogger({ level, destination: deps.io.stderr })),
  };

  const program = new Command('bmeter')
    .description('Read Japanese low-voltage smart electricity meters over the B-route (Wi-SUN, SKSTACK IP, ECHONET Lite)')
    .version(VERSION, '-V, --version')
    .option('-p, --port <port>', 'stick: device path, tcp://host:port or sim:// (env BMETER_PORT)')
    .option('-c, --config <file>', 'config file (env BMETER_CONFIG; default ./bmeter.config.json if present)')
    .option('--scan-file <file>', 'where the scan result is kept (env BMETER_SCAN_FILE; default ./bmeter.scan.json)')
    .addOption(new Option('--dialect <dialect>', 'override stick dialect detection').choices(['single', 'dual']))
    .addOption(new Option('--log-level <level>', 'log level on stderr (env BMETER_LOG_LEVEL)').choices(LOG_LEVELS))
    .option('-v, --verbose', 'more logging: -v info, -vv debug, -vvv trace', (_v: string, n: number) => n + 1, 0)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => deps.io.stdout.write(text),
      writeErr: (text) => deps.io.stderr.write(text),
    })
    .exitOverride();

  program.hook('preAction', (_root, action) => {
    level = chooseLogLevel(action.optsWithGlobals(), deps.io);
  });

  for (const name of COMMANDS) {
    const module = (await importCommand(name)) as { register?: (p: Command, c: CliContext) => void } | undefined;
    module?.register?.(program, ctx);
  }
  return program;
}

function chooseLogLevel(opts: Record<string, unknown>, io: CliIo): LogLevel {
  if (typeof opts['logLevel'] === 'string') return opts['logLevel'] as LogLevel;
  const verbose = typeof opts['verbose'] === 'number' ? opts['verbose'] : 0;
  if (verbose > 0) return levelFromVerbosity(verbose);
  try {
    // Env and config file; an invalid config is reported by the command that needs it.
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
