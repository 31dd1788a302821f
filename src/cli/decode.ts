/**
 * `bmeter decode`: decode ERXUDP log lines or hex ECHONET Lite frames into JSON lines.
 * The logic is in src/decode/decode.ts; this file only wires commander and the streams.
 */
import { printable } from '../log/printable.js';
import type { Command } from 'commander';
import { runDecode, type DecodeOptions } from '../decode/decode.js';
import type { CliContext } from './context.js';
import { parseCoefficient, parseUnitCode } from './meter-options.js';
import { boundedLines } from './stdin-lines.js';

/**
 * The longest line decode reads: an ERXUDP line carries at most 1232 bytes as 2464 hex digits
 * after a header of ~160 characters (docs/protocol.md §4.1); anything far longer is not a frame.
 */
export const MAX_LINE_BYTES = 64 * 1024;

/** Stops reading stdin once the run is stopped (Ctrl-C, or stdout failed). */
async function* untilAborted<T>(lines: AsyncGenerator<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  for await (const line of lines) {
    if (signal?.aborted === true) return;
    yield line;
  }
}

export { parseCoefficient, parseUnitCode } from './meter-options.js';

/**
 * Adds `bmeter decode [frames...]` to `program`: ERXUDP lines or hex ECHONET Lite frames (arguments or stdin)
 * become JSON lines on stdout; --unit and --coefficient stand in for the E1/D3 a frame lacks.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('decode')
    .description('decode ERXUDP lines or hex ECHONET Lite frames (arguments, or one per line on stdin) into JSON lines')
    .argument('[frames...]', 'ERXUDP lines (quoted) or hex frames; read from stdin when none is given')
    .option(
      '--unit <code>',
      'E1 unit code (hex) for energy values when the frame has no E1, e.g. 01 = 0.1 kWh',
      parseUnitCode,
    )
    .option('--coefficient <n>', 'D3 coefficient when the frame has no D3 (default 1)', parseCoefficient)
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  bmeter decode 1081000102880105FF017201E704000004A8\n' +
        '  grep ERXUDP stick.log | bmeter decode --unit 01\n' +
        "Empty lines, lines starting with #, records of bmeter's log without an ERXUDP line and ERXUDP lines of\n" +
        'PANA authentication (port 02CC) are skipped; a line over 64 KiB is reported and skipped.\n' +
        'Exit status 1 if any line could not be decoded.',
    )
    .action(async (frames: string[], opts: { unit?: number; coefficient?: number }) => {
      const options: DecodeOptions = {};
      if (opts.unit !== undefined) options.unitCode = opts.unit;
      if (opts.coefficient !== undefined) options.coefficient = opts.coefficient;
      if (frames.length > 0) options.givenLines = true;
      if (frames.length === 0 && (ctx.io.stdin as { isTTY?: boolean }).isTTY === true) {
        // A newcomer's bare `bmeter decode` would otherwise sit silently waiting for input.
        ctx.io.stderr.write(
          'bmeter decode: reading ERXUDP lines or hex frames from the terminal, one per line; end with Ctrl-D (or give them as arguments)\n',
        );
      }
      const lines = frames.length > 0 ? frames : untilAborted(boundedLines(ctx.io.stdin, MAX_LINE_BYTES), ctx.signal);
      await runDecode(lines, options, {
        frame: (json) => void ctx.io.stdout.write(`${JSON.stringify(json)}\n`),
        problem: (message) => void ctx.io.stderr.write(`${printable(message)}\n`),
      });
    });
}
