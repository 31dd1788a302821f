/**
 * The options that name a file bmeter reads or writes, checked before any command runs: one given a
 * folder is refused in one line (`--db /tmp/x is a folder: name a file`, exit 2), whatever command it
 * belongs to. The openers check again for paths from elsewhere (the environment, the config file, the
 * defaults). `plot --out` is left to plot, which words its own refusals (src/plot/write-out.ts).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { assertNotFolder } from '../fs/not-folder.js';

/** The long names of the options whose value must name a file, not a folder. */
export const FILE_OPTIONS = ['--config', '--scan-file', '--db', '--output', '--input', '--metrics-file'] as const;

/**
 * Checks the file options of `command` and of the commands above it (the global ones), relative to `cwd`.
 * @throws BmeterError USAGE (exit 2) naming the first option whose value is a folder
 */
export function assertNoFolderValues(command: Command, cwd: string): void {
  for (let cmd: Command | null = command; cmd !== null; cmd = cmd.parent) {
    for (const option of cmd.options) {
      if (option.long === undefined || !(FILE_OPTIONS as readonly string[]).includes(option.long)) continue;
      const value: unknown = cmd.getOptionValue(option.attributeName());
      if (typeof value === 'string') assertNotFolder(resolve(cwd, value), option.long, value);
    }
  }
}
