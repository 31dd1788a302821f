/**
 * The start shared by the commands that talk to a stick (scan, poll, history): the logger, the
 * settings (flags > environment > config file > defaults) with the Route-B credentials, how the
 * port is opened, and where records go.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { loadConfig, type Config } from '../config/config.js';
import { requireCredentials } from '../config/credentials.js';
import type { Logger } from '../log/logger.js';
import type { OutputFormat } from '../output/format.js';
import { openTransport } from '../transport/open.js';
import { CLI_SCHEMES } from './schemes.js';
import type { Transport } from '../transport/transport.js';
import type { CliContext } from './context.js';

export interface StickSettings {
  logger: Logger;
  config: Config;
  creds: { id: string; password: string };
  /** The context's factory (tests) or the real ports, waiting `waitPortSeconds` for a busy one. */
  openPort: (port: string) => Promise<Transport>;
}

/** Throws CONFIG (exit 2) for a bad configuration or missing credentials, before any port is opened. */
export function stickSettings(flags: Record<string, unknown>, ctx: CliContext): StickSettings {
  const logger = ctx.logger();
  const config = loadConfig({ flags, env: ctx.io.env, cwd: ctx.io.cwd, warn: (message) => logger.warn(message) });
  const creds = requireCredentials(config);
  const waitPortMs = config.waitPortSeconds * 1000;
  const openPort = (port: string): Promise<Transport> =>
    ctx.transportFactory !== undefined
      ? ctx.transportFactory(port)
      : openTransport(port, {
          waitPortMs,
          logger,
          schemes: CLI_SCHEMES,
          signal: ctx.signal,
          tcpConnectMs: config.timeouts.tcpConnectMs,
          serialRetryMs: config.timeouts.serialRetryMs,
        });
  return { logger, config, creds, openPort };
}

/** `--format` and `--output` (resolved against the working directory; undefined: stdout). */
export function outputFlags(
  flags: Record<string, unknown>,
  ctx: CliContext,
): { format: OutputFormat; output: string | undefined } {
  return {
    format: (typeof flags['format'] === 'string' ? flags['format'] : 'text') as OutputFormat,
    output: typeof flags['output'] === 'string' ? resolve(ctx.io.cwd, flags['output']) : undefined,
  };
}

/** commander parser for `--wait-port <seconds>`. */
export function waitPortSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError('--wait-port must be a number of seconds ≥ 0');
  return n;
}

/** The longest timer Node keeps (2^31 − 1 ms); a longer one fires at once, so the polls would run back to back. */
const MAX_INTERVAL_SECONDS = Math.floor(0x7fffffff / 1000);

/** commander parser: seconds > 0 (a timer Node can keep), or a count ≥ 1. */
export function numberOption(what: string, kind: 'positive-seconds' | 'count') {
  return (value: string): number => {
    const n = Number(value);
    const ok =
      value.trim() !== '' &&
      Number.isFinite(n) &&
      (kind === 'count' ? Number.isInteger(n) && n >= 1 : n > 0 && n <= MAX_INTERVAL_SECONDS);
    if (!ok) {
      throw new InvalidArgumentError(
        kind === 'count'
          ? `${what} must be a whole number ≥ 1`
          : `${what} must be a number of seconds > 0 and at most ${MAX_INTERVAL_SECONDS} (24.8 days)`,
      );
    }
    return n;
  };
}
