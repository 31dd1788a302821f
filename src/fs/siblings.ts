/**
 * Every file bmeter writes brings files of its own beside it (its siblings): the store's lock and SQLite's
 * `-wal`, `-shm` and `-journal`; the `--output` file's lock (proper-lockfile); the temporary file a whole-file
 * write renames over its target (the metrics textfile, a chart with --force, the scan file). They are all named
 * here, once: the writers build the names with these functions, and the CLI refuses a file option that names
 * another option's file or one of its siblings (src/cli/distinct-files.ts) — `--metrics-file x.db-wal` next to
 * `--db x.db` would otherwise replace the store's write-ahead log, and a kill then lose every reading.
 */
import { basename, dirname, join } from 'node:path';

/** The kinds of file the file options name, by what bmeter does with them. */
export type FileKind = 'store' | 'output' | 'textfile' | 'scan-file' | 'chart' | 'input';

/** `<file>.lock`: the store's PID lock (src/output/store/lock.ts) and the --output file's lock (proper-lockfile). */
export function lockFileOf(path: string): string {
  return `${path}.lock`;
}

/** `<file>.<pid>.tmp`: where the metrics textfile and a chart with --force are written before the rename. */
export function tempFileOf(path: string, pid: number): string {
  return `${path}.${pid}.tmp`;
}

/** `.<name>.<pid>.<tag>.tmp` in the file's folder: the scan file before its rename (`tag`: 8 random hex digits). */
export function scanTempFileOf(path: string, pid: number, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${pid}.${tag}.tmp`);
}

/** SQLite's own files beside a database (it names them itself; WAL mode uses the first two). */
export const SQLITE_SIBLINGS = [
  { suffix: '-wal', what: 'SQLite write-ahead log' },
  { suffix: '-shm', what: 'SQLite shared-memory index' },
  { suffix: '-journal', what: 'SQLite rollback journal' },
] as const;

/** One sibling of a file: what it is, in words, and whether `other` (an absolute path) is it. */
interface Sibling {
  what: string;
  is(file: string, other: string): boolean;
}

const lock = (what: string): Sibling => ({ what, is: (file, other) => other === lockFileOf(file) });
const pidTemp: Sibling = {
  what: 'temporary file (<file>.<pid>.tmp)',
  is: (file, other) => other.startsWith(`${file}.`) && /^\d+\.tmp$/.test(other.slice(file.length + 1)),
};
const scanTemp: Sibling = {
  what: 'temporary file (.<name>.<pid>.<tag>.tmp)',
  is: (file, other) => {
    const prefix = `${join(dirname(file), `.${basename(file)}`)}.`;
    return other.startsWith(prefix) && /^\d+\.[0-9a-f]+\.tmp$/.test(other.slice(prefix.length));
  },
};

/** The siblings of each kind of file, the one list the distinct-files check reads. */
export const SIBLINGS: Readonly<Record<FileKind, readonly Sibling[]>> = {
  store: [
    lock('lock file'),
    ...SQLITE_SIBLINGS.map(({ suffix, what }): Sibling => ({ what, is: (file, other) => other === file + suffix })),
  ],
  output: [lock('lock file')],
  textfile: [pidTemp],
  chart: [pidTemp],
  'scan-file': [scanTemp],
  input: [],
};

/**
 * What `other` is to `file`, a file of kind `kind` (both absolute paths): the words for the sibling it is
 * (`SQLite write-ahead log`), or undefined when it is none of them (the same path is not a sibling).
 */
export function siblingOf(kind: FileKind, file: string, other: string): string | undefined {
  return SIBLINGS[kind].find((sibling) => sibling.is(file, other))?.what;
}
