/**
 * The files one run reads and writes must be different files, and none may be a file another one brings
 * beside it (src/fs/siblings.ts): `--output F --metrics-file F` would let the metrics replace the records,
 * `--db` on the scan file would turn it into a database, `--metrics-file x.db-wal` beside `--db x.db` would
 * replace the store's write-ahead log, `--metrics-file x.db.lock` its lock. Checked at start, before anything
 * is opened. Paths are compared as given (resolved) and with symbolic links followed, as far as they exist.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../config/config.js';
import { BmeterError } from '../errors.js';
import { realPath } from '../fs/real-path.js';
import { siblingOf, type FileKind } from '../fs/siblings.js';

/** A file option's value (relative to the working directory) and the kind of file it names. */
export interface FileOption {
  path: string;
  kind: FileKind;
}

/** `{ path, kind }` for a value that is a string, else undefined (an option not given). */
export function fileOption(value: unknown, kind: FileKind): FileOption | undefined {
  return typeof value === 'string' ? { path: value, kind } : undefined;
}

/**
 * The config file the run reads, as a file option (kind `input`): `--config`, else BMETER_CONFIG, else
 * ./bmeter.config.json when it exists (loadConfig reads it then); undefined when the run reads none.
 */
export function configFileOption(
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  cwd: string,
): FileOption | undefined {
  const named = typeof flags['config'] === 'string' ? flags['config'] : env['BMETER_CONFIG'];
  if (named !== undefined && named !== '') return { path: named, kind: 'input' };
  return existsSync(resolve(cwd, DEFAULT_CONFIG_FILE)) ? { path: DEFAULT_CONFIG_FILE, kind: 'input' } : undefined;
}

/**
 * Throws BmeterError USAGE (exit 2) naming both options when two of `files` (option name → file; undefined = not
 * given), resolved against `cwd`, are the same path, or one is a sibling of the other (its lock file, SQLite's
 * `-wal`/`-shm`/`-journal`, its temporary file: SIBLINGS in src/fs/siblings.ts).
 */
export function requireDistinctFiles(cwd: string, files: Readonly<Record<string, FileOption | undefined>>): void {
  const given = Object.entries(files).flatMap(([option, file]) => {
    if (file === undefined) return [];
    const full = resolve(cwd, file.path);
    return [{ option, kind: file.kind, full, forms: [...new Set([full, realPath(full)])] }];
  });
  for (const [i, a] of given.entries()) {
    for (const b of given.slice(i + 1)) {
      if (a.forms.some((form) => b.forms.includes(form))) {
        throw new BmeterError('USAGE', `${a.option} and ${b.option} both name ${a.full}: give each its own file`);
      }
      for (const [owner, other] of [
        [a, b],
        [b, a],
      ] as const) {
        const what = owner.forms.flatMap((f) => other.forms.map((o) => siblingOf(owner.kind, f, o))).find(Boolean);
        if (what === undefined) continue;
        throw new BmeterError(
          'USAGE',
          `${other.option} ${other.full} is the ${what} that ${owner.option} ${owner.full} writes beside it: ` +
            `give ${other.option} a name of its own`,
        );
      }
    }
  }
}
