/**
 * `bmeter decode`: decode ERXUDP log lines or hex ECHONET Lite frames into JSON lines.
 * The logic is in src/decode/decode.ts; this file only wires commander and the streams.
 */
import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';
import { MAX_COEFFICIENT, unitExponent, UNIT_EXPONENTS } from '../meter/units.js';
import { runDecode, type DecodeOptions } from '../decode/decode.js';
import type { CliContext } from './context.js';

const UNIT_CODES = Object.keys(UNIT_EXPONENTS)
  .map((k) => Number(k).toString(16).toUpperCase().padStart(2, '0'))
  .join(', ');

/** An E1 code as written in the spec tables: hex, e.g. 02 (0.01 kWh) or 0A (10 kWh). */
export function parseUnitCode(value: string): number {
  const v = value.trim().replace(/^0x/i, '');
  const code = parseInt(v, 16);
  if (!/^[0-9A-Fa-f]{1,2}$/.test(v) || unitExponent(code) === undefined) {
    throw new InvalidArgumentError(
      `an E1 unit code is hex, one of ${UNIT_CODES} (01 = 0.1 kWh, 02 = 0.01 kWh, 0A = 10 kWh)`,
    );
  }
  return code;
}

/** A D3 coefficient: an integer 0–999999. */
export function parseCoefficient(value: string): number {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n > MAX_COEFFICIENT) {
    throw new InvalidArgumentError(`a coefficient (D3) is an integer from 0 to ${MAX_COEFFICIENT}`);
  }
  return n;
}

/**
 * Adds `bmeter decode [frames...]` to `program`: ERXUDP lines or hex ECHONET Lite frames (arguments or stdin)
 * become JSON lines on stdout; --unit and --coefficient stand in for the E1/D3 a frame lacks.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('decode')
    .description('decode ERXUDP lines or hex ECHONET Lite frames (arguments, or one per line on stdin) into JSON lines')
    .argument('[frames...]', 'ERXUDP lines (quoted) or hex frames; read from stdin when none is given')
    .option('--unit <code>', 'E1 unit code (hex) for energy values when the frame has no E1, e.g. 01 = 0.1 kWh', parseUnitCode)
    .option('--coefficient <n>', 'D3 coefficient when the frame has no D3 (default 1)', parseCoefficient)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  bmeter decode 1081000102880105FF017201E704000004A8\n' +
        "  grep ERXUDP stick.log | bmeter decode --unit 01\n" +
        'Empty lines and lines starting with # are skipped. Exit status 1 if any line could not be decoded.',
    )
    .action(async (frames: string[], opts: { unit?: number; coefficient?: number }) => {
      const options: DecodeOptions = {};
      if (opts.unit !== undefined) options.unitCode = opts.unit;
      if (opts.coefficient !== undefined) options.coefficient = opts.coefficient;
      if (frames.length === 0 && (ctx.io.stdin as { isTTY?: boolean }).isTTY === true) {
        // A newcomer's bare `bmeter decode` would otherwise sit silently waiting for input.
        ctx.io.stderr.write('bmeter decode: reading ERXUDP lines or hex frames from the terminal, one per line; end with Ctrl-D (or give them as arguments)\n');
      }
      const lines = frames.length > 0 ? frames : createInterface({ input: ctx.io.stdin, crlfDelay: Infinity });
      await runDecode(lines, options, {
        frame: (json) => void ctx.io.stdout.write(`${JSON.stringify(json)}\n`),
        problem: (message) => void ctx.io.stderr.write(`${message}\n`),
      });
    });
}
