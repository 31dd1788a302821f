/**
 * `bmeter simulate`: serves the built-in stick + meter simulator over TCP and/or a pty until
 * SIGINT/SIGTERM (ctx.signal), so any client — bmeter itself, or a user's own pipeline — can
 * talk to it. Prints where it listens and the (fake) demo credentials on stderr.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { BmeterError } from '../errors.js';
import { type SimOptions, simOptionsFromQuery } from '../sim/options.js';
import { parseFaults } from '../sim/faults.js';
import { type SimServer, serveTcp, servePty } from '../sim/server.js';
import { SimStick } from '../sim/stick.js';
import type { CliContext } from './context.js';

const DEFAULT_LISTEN = 'tcp://127.0.0.1:4000';

function number(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    }
    return n;
  };
}

function faultSpec(value: string): string {
  try {
    parseFaults(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
}

/**
 * Adds `bmeter simulate` to `program`: the built-in stick and meter served on a TCP port (--listen) or a
 * socat pty (--pty), with the options of src/sim/options.ts.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('simulate')
    .description('run the built-in Wi-SUN stick + smart meter simulator on a TCP port or a pty')
    .option('--listen <url>', `serve over TCP, e.g. ${DEFAULT_LISTEN} (the default when --pty is not given)`)
    .option('--pty <path>', 'serve over a pseudo-terminal created with socat at <path> (the client opens <path>)')
    .option('--model <model>', 'bp35a1 | rl7023-ips | bp35c2 (default from --dialect: single → bp35a1, dual → bp35c2)')
    .option('--erxudp <format>', 'hex | binary: initial ERXUDP data format (WOPT flash)')
    .option('--find-at <d>', 'the meter answers scans from this SKSCAN duration on (default 4)', number(0, 14))
    .option(
      '--time-scale <factor>',
      'multiplies simulated durations (default 0.01: a duration-6 scan takes 0.18 s)',
      number(1e-6, 100),
    )
    .option('--rtt-ms <ms>', 'real ms before the meter answers a request (default 20)', number(0, 60_000))
    .option(
      '--faults <spec>',
      'fault schedule, e.g. drop@3,event29@5,sna:E8@9,fail:SKJOIN@1 (README: Simulator faults)',
      faultSpec,
    )
    .option('--fault-rate <p>', 'random fault probability per request (soak mode)', number(0, 1))
    .option('--seed <n>', 'seed for random faults and values', number(0, 2 ** 31))
    .option('--sim <query>', 'further simulator options as a query string, e.g. "pv=1&coefficient=none&release=R"')
    .addHelpText('after', '\nThe global --dialect single|dual selects the stick family. Stop with Ctrl-C.')
    .action(async (_opts: Record<string, unknown>, command: Command) => {
      await simulateAction(command.optsWithGlobals(), ctx);
    });
}

/**
 * The simulator options given by `simulate`'s flags, merged over the query of --sim (flags win). Throws
 * BmeterError('USAGE') for a value the simulator does not accept.
 */
export function simOptionsFromFlags(flags: Record<string, unknown>): Partial<SimOptions> {
  const str = (k: string): string | undefined => (typeof flags[k] === 'string' ? (flags[k] as string) : undefined);
  const params = new URLSearchParams(str('sim') ?? '');
  const set = (key: string, value: unknown) => {
    if (value !== undefined) params.set(key, String(value));
  };
  set('dialect', flags['dialect']);
  set('model', flags['model']);
  set('erxudp', flags['erxudp']);
  set('findAt', flags['findAt']);
  set('timeScale', flags['timeScale']);
  set('rttMs', flags['rttMs']);
  set('faults', flags['faults']);
  set('faultRate', flags['faultRate']);
  set('seed', flags['seed']);
  return simOptionsFromQuery(params);
}

async function simulateAction(flags: Record<string, unknown>, ctx: CliContext): Promise<void> {
  const err = ctx.io.stderr;
  const stick = new SimStick(simOptionsFromFlags(flags));
  const o = stick.options;
  const servers: SimServer[] = [];
  try {
    const pty = typeof flags['pty'] === 'string' ? flags['pty'] : undefined;
    const listen =
      typeof flags['listen'] === 'string' ? flags['listen'] : pty === undefined ? DEFAULT_LISTEN : undefined;
    if (listen !== undefined) servers.push(await serveTcp(listen, { stick }));
    if (pty !== undefined) servers.push(await servePty(pty, { stick }));
  } catch (e) {
    await Promise.all(servers.map((s) => s.close()));
    stick.dispose();
    throw e instanceof BmeterError
      ? e
      : new BmeterError('PORT', `bmeter simulate: ${(e as Error).message}`, { cause: e });
  }

  const family = o.dialect === 'dual' ? 'dual-stack' : 'single-stack';
  err.write(
    `bmeter simulate: ${o.model} (${family}) stick, ERXUDP ${o.erxudp}, meter on channel ${o.channel.toString(16).toUpperCase()} ` +
      `heard from scan duration ${o.findAt}, time ×${o.timeScale}\n` +
      servers.map((s) => `  listening on ${s.address}   (use --port ${s.address})\n`).join('') +
      `  demo credentials (fake): BMETER_ROUTEB_ID=${o.routeBId} BMETER_ROUTEB_PASSWORD=${o.password}\n` +
      '  stop with Ctrl-C\n',
  );

  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.all(servers.map((s) => s.close()));
  stick.dispose();
  err.write('bmeter simulate: stopped\n');
}
