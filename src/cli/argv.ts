/**
 * Which command an argv runs, found without commander so that only that command's module need
 * be loaded (fast start). Knows the program's global options (program.ts); anything
 * it is not sure about — help, version, an unknown option, no command — gives undefined, and the
 * program then loads every command, exactly as before.
 */

/** Global options that take a value (program.ts). */
const VALUE_OPTIONS = new Set(['-p', '--port', '-c', '--config', '--scan-file', '--dialect', '--log-level']);

/**
 * @param argv process.argv form: [node, script, ...args]
 * @returns the command name when it is certain, else undefined (load them all)
 */
export function commandToLoad<T extends string>(argv: readonly string[], commands: readonly T[]): T | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.startsWith('--')) {
      const name = arg.split('=', 1)[0] ?? '';
      if (name === '--verbose') continue;
      if (!VALUE_OPTIONS.has(name)) return undefined; // --help, --version, --, unknown
      if (!arg.includes('=')) i += 1;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      const body = arg.slice(1);
      if (/^v+$/.test(body)) continue; // -v, -vv, -vvv
      if (body === 'p' || body === 'c') i += 1;
      else if (!/^[pc]./.test(body)) return undefined; // -h, -V, clusters, unknown
      continue;
    }
    return (commands as readonly string[]).includes(arg) ? (arg as T) : undefined;
  }
  return undefined;
}
