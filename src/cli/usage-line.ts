/**
 * commander's own parse and validation errors (an unknown option, a missing argument, a value a parser or
 * `.choices()` refused) in the house form: one line `bmeter: <what> (see --help)`, exit 2. commander words
 * them `error: option '--days <n>' argument '101' is invalid. …`, some on two lines (a suggestion);
 * program.ts keeps it from printing them, and main.ts reportError prints this line instead.
 */
import type { CommanderError } from 'commander';

/** Whether `err` ended the run with output commander already wrote: --help, --version, `help`. */
export function commanderPrinted(err: CommanderError): boolean {
  return err.exitCode === 0 || err.code === 'commander.help' || err.code === 'commander.helpDisplayed';
}

/** The one line (without `bmeter: `) for a commander parse error: what was wrong, and where to look. */
export function usageLine(err: CommanderError): string {
  let text = err.message.replace(/^error: /, '');
  // option '--days <n>' argument '101' is invalid. --days must be … → --days '101' is refused: --days must be …
  text = text.replace(
    /^option '(-[^ ',]+(?:, )?[^ ']*)(?: [<[][^']*)?' argument '(.*)' is invalid\. /s,
    (_m, flags: string, value: string) => `${longest(flags)} '${value}' is refused: `,
  );
  // option '--interval <seconds>' argument missing → --interval needs a value: <seconds>
  text = text.replace(
    /^option '(-[^ ',]+(?:, )?[^ ']*) ([<[][^']*)' argument missing/,
    (_m, flags: string, takes: string) => `${longest(flags)} needs a value: ${takes}`,
  );
  text = text
    .replace(/Allowed choices are /, 'it is one of ')
    .replace(/\n\((Did you mean [^)]*)\)/, (_m, hint: string) => `; ${hint.replace('Did', 'did')}`)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/[.\s]+$/, '');
  return `${text} (see --help)`;
}

/** `-p, --port` → `--port`. */
function longest(flags: string): string {
  return flags.split(/,\s*/).pop() ?? flags;
}
