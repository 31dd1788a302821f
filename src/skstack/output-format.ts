/**
 * Which ERXUDP data format the stick prints (docs/protocol.md §3.12): ROPT reads it; FAIL ER04 means
 * a hex-only firmware (RL7023 Stick-D/IPS). WOPT 01 (hex) writes the stick's flash, so it is sent
 * only when the user asks (`--set-hex-output`), and a stick that refuses it is used as it is:
 * bmeter reads binary ERXUDP as well.
 */
import { isBmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { isFail } from './errors.js';
import type { ErxudpFormat } from './framer.js';

/** Runs one stick command and resolves with its OK's value (ROPT: the option byte; WOPT: nothing). */
export type RunOptionCommand = (name: 'ROPT' | 'WOPT', args: string[]) => Promise<string | undefined>;

/**
 * The stick's ERXUDP format after ROPT (and WOPT 01 when `setHexOutput` and the stick prints
 * binary). Never throws for a stick that refuses ROPT or WOPT (a warning is logged); rethrows
 * anything else (a closed port).
 */
export async function readOutputFormat(
  run: RunOptionCommand,
  setHexOutput: boolean,
  logger: Logger,
): Promise<ErxudpFormat> {
  let value: string | undefined;
  try {
    value = await run('ROPT', []);
  } catch (err) {
    if (isFail(err, '04')) return 'hex';
    logger.warn({ err: (err as Error).message }, 'ROPT failed; ERXUDP format detected per line');
    return 'hex';
  }
  const binary = (parseInt(value ?? '0', 16) & 1) === 0;
  if (!binary || !setHexOutput) return binary ? 'binary' : 'hex';
  try {
    await run('WOPT', ['01']);
    return 'hex';
  } catch (err) {
    if (!isBmeterError(err, 'COMMAND_FAILED') && !isBmeterError(err, 'TIMEOUT')) throw err;
    logger.warn(
      `--set-hex-output: WOPT 01 failed (${(err as Error).message}); going on with binary ERXUDP, which bmeter reads as well`,
    );
    return 'binary';
  }
}
