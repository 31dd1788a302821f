/**
 * Waiting in the end-to-end tests for what a test expects (a line printed, a message received, a file
 * grown) with a deadline, instead of sleeping for a fixed time.
 */

/** Polls `check` every 50 ms until it holds; throws `what` and `detail()` after `ms`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 30_000,
  detail: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`no ${what} after ${ms} ms\n${detail()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
