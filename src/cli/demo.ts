/**
 * `bmeter demo`: a scan and three readings against the built-in simulator, printed as a user
 * would see them. Needs no stick, no environment and no config file.
 */
import type { Command } from 'commander';
import { createSink } from '../output/sink.js';
import { runDemo } from '../demo/demo.js';
import { columnsFor, READING_UNITS } from '../meter/record.js';
import type { CliContext } from './context.js';
import { summary } from './scan.js';

/**
 * Adds `bmeter demo` to `program`: a scan and three readings against the built-in simulator, printed for
 * people, so bmeter can be tried without a stick.
 */
export function register(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('try bmeter without a stick: scan and three readings against the built-in simulator')
    .action(async () => {
      const out = ctx.io.stdout;
      const sink = await createSink({ format: 'text', columns: columnsFor('text'), stdout: out, units: READING_UNITS });
      try {
        out.write('bmeter demo — the built-in simulator (sim://) stands in for a Wi-SUN stick and a smart meter.\n\n');
        out.write('$ bmeter scan\n');
        await runDemo({
          logger: ctx.logger(),
          signal: ctx.signal,
          now: ctx.now,
          sink,
          onScan: (file, path) => {
            out.write(
              summary(file, path).replace(
                /^Scan file written to .*$/m,
                'Scan file written (a temporary one for the demo)',
              ),
            );
          },
          onPollStart: (readings, interval) => {
            out.write(`\n$ bmeter poll --interval ${interval} --count ${readings}\n`);
          },
        });
        out.write(
          '\nWith a real stick: set BMETER_PORT, BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD, run `bmeter scan`, then `bmeter poll`\n' +
            '(in a checkout without `npm install -g .`: `npx bmeter scan`, `npx bmeter poll`).\n',
        );
      } finally {
        await sink.close();
      }
    });
}
