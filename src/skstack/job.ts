/**
 * Builds a waitress Job (pending.ts) from the syntax table (commands.ts) and a command's hooks.
 */
import { BmeterError } from '../errors.js';
import { COMMANDS, commandText, maskSecrets, type CommandName } from './commands.js';
import { SkstackCommandError } from './errors.js';
import type { Job } from './pending.js';

export type CommandSpec<T> = Pick<Job<T>, 'onOk'> &
  Partial<Pick<Job<T>, 'observe' | 'onLateTimeout' | 'totalTimeoutMs' | 'echoOff' | 'expect'>> & {
    /** SKSENDTO: raw bytes written after one space (§3.10). */
    data?: Buffer;
    /** Status timeout; default from the client's timeouts. */
    timeoutMs?: number;
    timeoutError?: (phase: 'status' | 'completion') => Error;
  };

/**
 * The job `Pending` runs for SKSTACK command `name` with `args` (and `spec.data` appended raw, as SKSENDTO
 * takes it, §3.10): the bytes to write, the text to log with the Route-B ID and password masked, and the
 * status and completion waits of `spec`, timed out after `spec.timeoutMs`, else SKVER's or any command's
 * timeout of `ctx.timeouts` (ms).
 */
export function buildJob<T>(
  name: CommandName,
  args: string[],
  spec: CommandSpec<T>,
  ctx: { timeouts: { skverMs: number; commandMs: number }; description: string },
): Job<T> {
  const syntax = COMMANDS[name];
  const text = commandText(name, args);
  const logText = maskSecrets(text);
  const timeoutMs = spec.timeoutMs ?? (name === 'SKVER' ? ctx.timeouts.skverMs : ctx.timeouts.commandMs);
  const wire = Buffer.concat([
    Buffer.from(`${text}${syntax.terminator}`, 'latin1'),
    ...(spec.data ? [Buffer.from(' '), spec.data] : []),
  ]);
  const timeoutError = (phase: 'status' | 'completion'): Error => {
    // The overall limit can end a command before its status timeout (SKSENDTO when commandMs > sendToMs).
    const totalMs = spec.totalTimeoutMs ?? timeoutMs;
    const ms = phase === 'status' ? Math.min(timeoutMs, totalMs) : totalMs;
    const what = phase === 'status' ? 'no answer' : 'no completing EVENT';
    return new BmeterError('TIMEOUT', `${logText}: ${what} from ${ctx.description} within ${ms / 1000} s`);
  };
  const job: Job<T> = {
    name,
    wire,
    logText: spec.data ? `${logText} <${spec.data.length} bytes>` : logText,
    status: syntax.status,
    statusTimeoutMs: timeoutMs,
    onOk: spec.onOk,
    failError: (code) => new SkstackCommandError(name, code),
    timeoutError: spec.timeoutError ?? timeoutError,
  };
  const expect = spec.expect ?? ('expect' in syntax ? syntax.expect : undefined);
  if (expect) job.expect = expect;
  if (spec.observe) job.observe = spec.observe;
  if (spec.onLateTimeout) job.onLateTimeout = spec.onLateTimeout;
  if (spec.totalTimeoutMs !== undefined) job.totalTimeoutMs = spec.totalTimeoutMs;
  if (spec.echoOff) job.echoOff = true;
  return job;
}
