/**
 * Refuses an option or argument given as an empty string or only blanks (`--output ''`, `--pty ' '`,
 * `decode ' '`): every value bmeter takes names a file, a port, a URL, a level or a frame, and an empty one
 * surfaced later as a puzzling error (EISDIR, socat's `symlink("")`) or as nothing at all (decode printed
 * nothing, exit 0).
 */
import type { Command } from 'commander';
import { BmeterError } from '../errors.js';

/** Whether `value` is a string with nothing but blanks in it (or nothing at all). */
function isBlank(value: unknown): boolean {
  return typeof value === 'string' && value.trim() === '';
}

/** How to call the blank value: `an empty value` for '', `a blank value (' ')` for blanks. */
function described(value: string, noun: string): string {
  return value === '' ? `an empty ${noun}` : `a blank ${noun} (${JSON.stringify(value)})`;
}

/**
 * Checks the options of `command` and of the commands above it (the global ones), and its arguments.
 * @throws BmeterError USAGE (exit 2) naming the first option or the command whose value is empty or blank
 */
export function assertNoEmptyValues(command: Command): void {
  for (let cmd: Command | null = command; cmd !== null; cmd = cmd.parent) {
    for (const option of cmd.options) {
      const value: unknown = cmd.getOptionValue(option.attributeName());
      if (!isBlank(value)) continue;
      const name = option.long ?? option.short ?? option.flags;
      const takes = /<[^>]+>/.exec(option.flags)?.[0] ?? 'a value';
      throw new BmeterError(
        'USAGE',
        `${name} was given ${described(value as string, 'value')}: it takes ${takes} (see --help)`,
      );
    }
  }
  const blank = command.args.find(isBlank);
  if (blank !== undefined) {
    throw new BmeterError(
      'USAGE',
      `bmeter ${command.name()} was given ${described(blank, 'argument')}: leave it out or give a value`,
    );
  }
}
