/**
 * settleFirstJoin (src/session/first-join.ts), the one decision every run's failed first join goes through, on a
 * fake session whose full rescan answers as told: moved (retry there), same (the credentials), absent (out of reach).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BmeterError, isBmeterError } from '../../src/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import type { MeterAddress } from '../../src/session/link.js';
import { settleFirstJoin } from '../../src/session/first-join.js';

const METER: MeterAddress = {
  channel: 59,
  channelHex: '3B',
  panId: '5A1B',
  macAddress: '001C640003DE5A1B',
  ipv6: 'FE80:0000:0000:0000:021C:6400:03DE:5A1B',
};
const REFUSED = new BmeterError('AUTH', 'SKJOIN failed: EVENT 24');
const logger = silentLogger();

/** A session whose rescan says `moved` (true/false) or throws; counts the rescans. */
function fakeSession(rescan: () => Promise<boolean>) {
  const s = {
    rescans: 0,
    currentMeter: METER,
    rescan: (): Promise<boolean> => {
      s.rescans += 1;
      return rescan();
    },
  };
  return s;
}

/** A retry that counts its calls and resolves `value` or rejects with `err`. */
function retryOf(outcome: { value: string } | { err: unknown }) {
  const r = {
    calls: 0,
    run: async (): Promise<string> => {
      r.calls += 1;
      if ('err' in outcome) throw outcome.err;
      return outcome.value;
    },
  };
  return r;
}

test('a failure other than EVENT 24 is handed back without a scan, retriable when a later join may get past it', async () => {
  const session = fakeSession(async () => true);
  const retry = retryOf({ value: 'read' });
  const timeout = new BmeterError('TIMEOUT', 'SKJOIN: no EVENT 25 or 24');
  assert.deepEqual(await settleFirstJoin(session, timeout, retry.run, { logger }), {
    joined: false,
    failure: timeout,
    retriable: true,
  });
  const usage = new BmeterError('CONFIG', 'bad setting');
  assert.deepEqual(await settleFirstJoin(session, usage, retry.run, { logger }), {
    joined: false,
    failure: usage,
    retriable: false,
  });
  assert.equal(session.rescans, 0);
  assert.equal(retry.calls, 0);
});

test('EVENT 24 from a meter a scan finds elsewhere: the first exchange is tried again there, once', async () => {
  const session = fakeSession(async () => true);
  const retry = retryOf({ value: 'read on channel 40' });
  assert.deepEqual(await settleFirstJoin(session, REFUSED, retry.run, { logger }), {
    joined: true,
    value: 'read on channel 40',
  });
  assert.equal(session.rescans, 1);
  assert.equal(retry.calls, 1);
});

test('EVENT 24 from a meter a scan finds where it was: AUTH naming the credentials, no retry', async () => {
  const session = fakeSession(async () => false);
  const retry = retryOf({ value: 'read' });
  await assert.rejects(settleFirstJoin(session, REFUSED, retry.run, { logger }), (err: unknown) => {
    assert.ok(isBmeterError(err, 'AUTH'));
    assert.match(err.message, new RegExp(`^SKJOIN failed: EVENT 24 from ${METER.ipv6} .*where the scan file says$`));
    return true;
  });
  assert.equal(retry.calls, 0);
});

test('EVENT 24 from a meter no scan finds: the refusal handed back as retriable (out of reach), no retry', async () => {
  const session = fakeSession(async () => {
    throw new BmeterError('NO_METER', 'no meter answered');
  });
  const retry = retryOf({ value: 'read' });
  const settled = await settleFirstJoin(session, REFUSED, retry.run, { logger });
  assert.ok(!settled.joined && settled.retriable);
  assert.ok(isBmeterError(settled.failure, 'AUTH'));
  assert.match(
    settled.failure.message,
    new RegExp(`^SKJOIN failed: EVENT 24 from ${METER.ipv6} .*, and a scan of all channels found no meter: it is out`),
  );
  assert.equal(settled.failure.cause, REFUSED);
  assert.equal(retry.calls, 0);
});

test('refused again on the new channel: that AUTH is thrown (the credentials); a timeout there is handed back', async () => {
  const again = new BmeterError('AUTH', 'SKJOIN failed: EVENT 24 on channel 40');
  await assert.rejects(
    settleFirstJoin(
      fakeSession(async () => true),
      REFUSED,
      retryOf({ err: again }).run,
      { logger },
    ),
    (err: unknown) => {
      assert.ok(isBmeterError(err, 'AUTH'), String(err));
      // Not the generic join refusal: the scan found the meter on its new channel, so the credentials.
      assert.equal(
        err.message,
        `SKJOIN failed: EVENT 24 from ${METER.ipv6} (authentication rejected) — check the Route-B ID and password ` +
          '(BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD, or routeB in the config file): a scan of all channels ' +
          `found the meter on its new channel ${METER.channel}, PAN ${METER.panId}, and it refused the join there too`,
      );
      assert.equal(err.cause, again);
      return true;
    },
  );
  const timeout = new BmeterError('TIMEOUT', 'no EVENT 25 on channel 40');
  assert.deepEqual(
    await settleFirstJoin(
      fakeSession(async () => true),
      REFUSED,
      retryOf({ err: timeout }).run,
      { logger },
    ),
    { joined: false, failure: timeout, retriable: true },
  );
});

test('stopped by the signal: the scan error and the retry error are thrown as they are', async () => {
  const closed = new BmeterError('CLOSED', 'SKSCAN: stopped by a signal');
  await assert.rejects(
    settleFirstJoin(
      fakeSession(async () => {
        throw closed;
      }),
      REFUSED,
      retryOf({ value: 'read' }).run,
      { logger },
    ),
    (err: unknown) => err === closed,
  );
  const abort = new AbortController();
  abort.abort();
  const timeout = new BmeterError('TIMEOUT', 'SKJOIN: stopped');
  await assert.rejects(
    settleFirstJoin(
      fakeSession(async () => true),
      REFUSED,
      retryOf({ err: timeout }).run,
      {
        logger,
        signal: abort.signal,
      },
    ),
    (err: unknown) => err === timeout,
  );
});
