/**
 * Refuses an option or argument given as an empty string (`--output ''`, `--pty ''`, `decode ''`): every
 * value bmeter takes names a file, a port, a URL, a level or a frame, and an empty one surfaced later as a
 * puzzling error (EISDIR, socat's `symlink("")`) or as nothing at all (decode printed nothing, exit 0).
 */
import type { Command } from 'commander';
import { BmeterError } from '../errors.js';

/**
 * Checks the options of `command` and of the commands above it (the global ones), and its arguments.
 * @throws BmeterError USAGE (exit 2) naming the first option or the command whose value is ''
 */
export function assertNoEmptyValues(command: Command): void {
  for (let cmd: Command | null = command; cmd !== null; cmd = cmd.parent) {
    for (const option of cmd.options) {
      if (cmd.getOptionValue(option.attributeName()) !== '') continue;
      const name = option.long ?? option.short ?? option.flags;
      const takes = /<[^>]+>/.exec(option.flags)?.[0] ?? 'a value';
      throw new BmeterError('USAGE', `${name} was given an empty value: it takes ${takes} (see --help)`);
    }
  }
  if (command.args.includes('')) {
    throw new BmeterError(
      'USAGE',
      `bmeter ${command.name()} was given an empty argument: leave it out or give a value`,
    );
  }
}
