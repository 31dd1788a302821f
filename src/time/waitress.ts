/**
 * The one wait utility (the zigbee-herdsman `waitress.ts` pattern, DESIGN.md §3): a caller
 * registers a waiter with a matcher, then does its write, then arms the timer with `start()`;
 * the first waiter whose matcher accepts a payload wins it; a payload nobody waits for goes to the
 * one `unmatched` channel; `close()` ends every pending wait. Every wait of the session and the
 * exchange (a request's answer, EVENT 02 after a neighbour solicitation, a pause between tries,
 * a state change while sends are held, a poll's next slot) is one of these.
 *
 * A wait never rejects: it resolves `{ ok: true, payload }` or `{ ok: false, end }`, where `end`
 * says why it ended without a payload (no unhandled rejections when nobody awaits a cancelled wait).
 */
import type { Clock, TimerHandle } from './clock.js';

/** Why a wait ended without a payload. */
export type WaitEnd = 'timeout' | 'aborted' | 'closed' | 'cancelled';

export type WaitResult<P> = { ok: true; payload: P } | { ok: false; end: WaitEnd };

/** A registered waiter: `start()` arms its timer (call it after the write); `cancel()` drops it. */
export interface Waiter<P> {
  readonly promise: Promise<WaitResult<P>>;
  start(): Waiter<P>;
  cancel(): void;
}

interface Entry<P> {
  matches: (payload: P) => boolean;
  finish: (result: WaitResult<P>) => void;
}

/** Waiters for payloads of type `P`, timed by an injected clock. */
export class Waitress<P> {
  private entries: Entry<P>[] = [];
  private closed = false;

  /** `unmatched` receives every payload that no waiter took (the unsolicited channel). */
  constructor(
    private readonly clock: Clock,
    private readonly unmatched: (payload: P) => void = () => undefined,
  ) {}

  /**
   * Registers a waiter for the first payload `matches` accepts, ending after `timeoutMs` (counted
   * from `start()`; undefined: no timer) or when `signal` aborts. Registered before the write, so
   * an answer that comes back at once is not lost.
   */
  waitFor(matches: (payload: P) => boolean, timeoutMs: number | undefined, signal?: AbortSignal): Waiter<P> {
    let timer: TimerHandle | undefined;
    let settled = false;
    let resolveWait!: (result: WaitResult<P>) => void;
    const promise = new Promise<WaitResult<P>>((resolve) => (resolveWait = resolve));
    const onAbort = (): void => finish({ ok: false, end: 'aborted' });
    const entry: Entry<P> = { matches, finish: (result) => finish(result) };
    const finish = (result: WaitResult<P>): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) this.clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.entries = this.entries.filter((e) => e !== entry);
      resolveWait(result);
    };
    if (this.closed) finish({ ok: false, end: 'closed' });
    else if (signal?.aborted === true) finish({ ok: false, end: 'aborted' });
    else {
      this.entries.push(entry);
      signal?.addEventListener('abort', onAbort, { once: true });
    }
    const waiter: Waiter<P> = {
      promise,
      start: () => {
        if (!settled && timeoutMs !== undefined && timer === undefined) {
          timer = this.clock.setTimeout(() => finish({ ok: false, end: 'timeout' }), Math.max(0, timeoutMs));
        }
        return waiter;
      },
      cancel: () => finish({ ok: false, end: 'cancelled' }),
    };
    return waiter;
  }

  /** Hands `payload` to the first waiter that matches it; false (and the unmatched channel) when none did. */
  resolve(payload: P): boolean {
    const entry = this.entries.find((e) => e.matches(payload));
    if (entry === undefined) {
      this.unmatched(payload);
      return false;
    }
    entry.finish({ ok: true, payload });
    return true;
  }

  /** Hands `payload` to every waiter that matches it (a broadcast, e.g. "the session state changed"). */
  resolveAll(payload: P): number {
    const hit = this.entries.filter((e) => e.matches(payload));
    for (const e of hit) e.finish({ ok: true, payload });
    return hit.length;
  }

  /** Whether any waiter is pending. */
  get pending(): number {
    return this.entries.length;
  }

  /** Ends every pending wait with `closed`; later waits end at once. */
  close(): void {
    this.closed = true;
    for (const e of [...this.entries]) e.finish({ ok: false, end: 'closed' });
  }
}

/**
 * Resolves after `ms` on `clock`, or at once when `signal` aborts (or `ms` ≤ 0): true when the
 * time ran out, false when the wait was cut short.
 */
export async function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (ms <= 0) return signal?.aborted !== true;
  const result = await new Waitress<never>(clock).waitFor(() => false, ms, signal).start().promise;
  return !result.ok && result.end === 'timeout';
}
