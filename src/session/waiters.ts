/**
 * Waiting for the session state to change (EVENT 25 after 29, EVENT 33 after 32, a link going
 * down) with a deadline and an abort signal, without polling.
 */
export class ChangeWaiters {
  private waiters: Array<() => void> = [];

  /** Wakes every waiter (their promises resolve true). */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves true on the next wake(), false after `ms` or on abort. */
  wait(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (ms <= 0 || signal?.aborted === true) return Promise.resolve(false);
    return new Promise((resolve) => {
      const finish = (changed: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== onChange);
        resolve(changed);
      };
      const onChange = (): void => finish(true);
      const onAbort = (): void => finish(false);
      const timer = setTimeout(() => finish(false), ms);
      this.waiters.push(onChange);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
