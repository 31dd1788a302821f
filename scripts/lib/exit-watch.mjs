// Imported last by every entry file the test runner writes (run-tests.mjs): a test process that is still
// alive GRACE_MS after its last test and hook ended is held by something a test left open (a server, a
// socket, a timer, a child process or a pty); node's test runner would wait for it forever and the whole
// `npm test` with it (a CI run once hung until its time limit, with no word of which file). It then
// says which files it ran and what holds it (process.getActiveResourcesInfo(): libuv's handle names, e.g.
// Timeout, TCPServerWrap, PipeWrap; two PipeWraps are its own stdout and stderr) and exits 1, which fails
// the run with that message.
import { after } from 'node:test';

// Long enough for a loaded machine to end a process that left nothing open (its last output still being read).
const GRACE_MS = 30_000;

/**
 * Fails this test process when it outlives its tests and hooks by `graceMs`: writes one line naming `files`
 * (the test files it ran, as the user knows them) and what holds the process to stderr, then exits 1.
 */
export function watchExit(files, graceMs = GRACE_MS) {
  after(() => {
    const timer = setTimeout(() => {
      const held = new Map();
      for (const name of process.getActiveResourcesInfo()) held.set(name, (held.get(name) ?? 0) + 1);
      const what = [...held].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
      process.stderr.write(
        `${files.join(', ')}: the process is still running ${graceMs / 1000} s after its last test, held by ` +
          `${what}: a test left a server, socket, timer, pty or child process open\n`,
      );
      process.exit(1);
    }, graceMs);
    timer.unref();
  });
}
