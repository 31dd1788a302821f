/**
 * The one wait utility (src/time/waitress.ts) on node:test's fake timers: register → write →
 * start, first match wins, unmatched payloads to one channel, close ends every wait.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/time/clock.js';
import { sleep, Waitress } from '../../src/time/waitress.js';

describe('the waitress', () => {
  it('gives a payload to the first matching waiter only, and others to the unmatched channel', async () => {
    const unmatched: number[] = [];
    const w = new Waitress<number>(systemClock, (p) => unmatched.push(p));
    const even = w.waitFor((p) => p % 2 === 0, undefined).start();
    const alsoEven = w.waitFor((p) => p % 2 === 0, undefined).start();
    assert.equal(w.resolve(3), false);
    assert.equal(w.resolve(4), true);
    assert.deepEqual(await even.promise, { ok: true, payload: 4 });
    assert.deepEqual(unmatched, [3]);
    assert.equal(w.pending, 1);
    alsoEven.cancel();
    assert.deepEqual(await alsoEven.promise, { ok: false, end: 'cancelled' });
  });

  it('keeps a payload that came before start() (registered before the write)', async () => {
    const w = new Waitress<string>(systemClock);
    const waiter = w.waitFor((p) => p === 'OK', 1000);
    w.resolve('OK');
    assert.deepEqual(await waiter.start().promise, { ok: true, payload: 'OK' });
  });

  it('times out only after start(), on the clock', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const w = new Waitress<string>(systemClock);
    const waiter = w.waitFor(() => true, 5000);
    t.mock.timers.tick(10_000);
    assert.equal(w.pending, 1, 'not armed yet');
    waiter.start();
    t.mock.timers.tick(4999);
    assert.equal(w.pending, 1);
    t.mock.timers.tick(1);
    assert.deepEqual(await waiter.promise, { ok: false, end: 'timeout' });
    assert.equal(w.pending, 0);
  });

  it('ends every pending wait on close, and later waits at once', async () => {
    const w = new Waitress<string>(systemClock);
    const a = w.waitFor(() => true, undefined).start();
    w.close();
    assert.deepEqual(await a.promise, { ok: false, end: 'closed' });
    assert.deepEqual(await w.waitFor(() => true, 1).start().promise, { ok: false, end: 'closed' });
  });

  it('ends a wait when its signal aborts', async () => {
    const w = new Waitress<string>(systemClock);
    const ac = new AbortController();
    const a = w.waitFor(() => true, 60_000, ac.signal).start();
    ac.abort();
    assert.deepEqual(await a.promise, { ok: false, end: 'aborted' });
  });

  it('sleep resolves true after the time, false when aborted first', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const done = sleep(systemClock, 30_000);
    t.mock.timers.tick(30_000);
    assert.equal(await done, true);
    const ac = new AbortController();
    const cut = sleep(systemClock, 30_000, ac.signal);
    ac.abort();
    assert.equal(await cut, false);
  });
});
