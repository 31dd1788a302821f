import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../src/log/logger.js';
import { SkstackCommandError } from '../../src/skstack/errors.js';
import { Requester } from '../../src/echonet/exchange/requester.js';
import { systemClock } from '../../src/time/clock.js';
import type { SessionClient } from '../../src/session/link.js';

const METER = 'FE80:0000:0000:0000:021C:6400:03DE:5A1B';

/** What one SKSENDTO does in the fake stick: the EVENT 21 param, FAIL ER10, and whether the meter answers. */
type Step = { param: 0 | 1 | 2; answer?: 'now' | 'never' | 'late' } | 'ER10';

interface Fake {
  client: SessionClient;
  sent: Buffer[];
  requester: Requester;
}

/** Get_Res of E7 = 1192 W for a TID (golden bytes, §7). */
const answerFor = (tid: number) =>
  Buffer.from(`1081${tid.toString(16).padStart(4, '0')}02880105FF017201E704000004A8`, 'hex');

function fake(steps: Step[], onSend?: (n: number) => void): Fake {
  const sent: Buffer[] = [];
  let requester!: Requester;
  const lateTids: number[] = [];
  const client = {
    async sendTo(_ipv6: string, data: Buffer) {
      sent.push(data);
      const n = sent.length;
      onSend?.(n);
      const step = steps[n - 1] ?? { param: 0, answer: 'never' };
      if (step === 'ER10') throw new SkstackCommandError('SKSENDTO', '10');
      const tid = data.readUInt16BE(2);
      if (step.answer === 'now') setTimeout(() => deliver(answerFor(tid)), 1);
      if (step.answer === 'late') lateTids.push(tid);
      return { param: step.param };
    },
  } as unknown as SessionClient;
  const deliver = (bytes: Buffer): void => {
    const frame = {
      tid: bytes.readUInt16BE(2),
      seoj: '028801',
      deoj: '05FF01',
      esv: 0x72,
      properties: [{ epc: 0xe7, edt: bytes.subarray(16) }],
    };
    if (requester.inFlight?.tids.has(frame.tid)) requester.deliver(frame);
  };
  requester = new Requester(client, () => METER, silentLogger(), systemClock, 0x0100);
  // a late answer to an earlier try arrives while the next try waits
  const origGet = requester.get.bind(requester);
  requester.get = async (epcs, options) => {
    const timer = setInterval(() => {
      if (sent.length >= 2 && lateTids.length > 0) deliver(answerFor(lateTids.shift() ?? 0));
    }, 5);
    try {
      return await origGet(epcs, options);
    } finally {
      clearInterval(timer);
    }
  };
  return { client, sent, requester };
}

const opts = { timeoutMs: 40, retries: 2, sendFailedPauseMs: 5, neighbourWaitMs: 30 };

describe('one Get and its answer', () => {
  it('sends one frame with every EPC and returns the answer', async () => {
    const f = fake([{ param: 0, answer: 'now' }]);
    const r = await f.requester.get([0xe7, 0xe8, 0xe0], opts);
    assert.equal(r.ok, true);
    assert.equal(f.sent.length, 1);
    // 10 81 TID 05FF01 028801 62 03 E7 00 E8 00 E0 00
    assert.equal(f.sent[0]?.subarray(4).toString('hex').toUpperCase(), '05FF0102880162' + '03E700E800E000');
  });

  it('resends with a new TID when no answer comes in time', async () => {
    const f = fake([
      { param: 0, answer: 'never' },
      { param: 0, answer: 'now' },
    ]);
    const r = await f.requester.get([0xe7], opts);
    assert.equal(r.ok, true);
    assert.equal(f.sent.length, 2);
    assert.notEqual(f.sent[0]?.readUInt16BE(2), f.sent[1]?.readUInt16BE(2));
    assert.equal(r.ok && r.tries, 2);
  });

  it('accepts a late answer to an earlier try of the same reading', async () => {
    const f = fake([
      { param: 0, answer: 'late' },
      { param: 0, answer: 'never' },
    ]);
    const r = await f.requester.get([0xe7], opts);
    assert.equal(r.ok, true);
    assert.equal(r.ok && r.frame.tid, f.sent[0]?.readUInt16BE(2));
  });

  it('gives up after the retries with "no-answer" naming the EPCs', async () => {
    const f = fake([]);
    const r = await f.requester.get([0xe7, 0xe8], opts);
    assert.deepEqual(r.ok, false);
    assert.equal(!r.ok && r.reason, 'no-answer');
    assert.match(!r.ok ? r.detail : '', /Get E7,E8 after 3 tries/);
    assert.equal(f.sent.length, 3);
  });

  it('resends after EVENT 21 02 (neighbour solicitation) without counting a try', async () => {
    const f = fake([{ param: 2 }, { param: 2 }, { param: 0, answer: 'now' }]);
    const r = await f.requester.get([0xe7], { ...opts, retries: 0 });
    assert.equal(r.ok, true);
    assert.equal(f.sent.length, 3);
    // No EVENT 02 came: the timed-out neighbour waits leave nothing behind (a months-long poll).
    assert.equal(f.requester.pendingWaits, 0);
  });

  it('resends at once when EVENT 02 arrives after EVENT 21 02', async () => {
    let requester: Requester | undefined;
    const f = fake([{ param: 2 }, { param: 0, answer: 'now' }], (n) => {
      if (n === 1) setTimeout(() => requester?.neighbourAdvertised(), 2);
    });
    requester = f.requester;
    // The neighbour wait is a minute, so "did not wait for it" holds with a margin no loaded CI
    // machine can eat (the resend itself takes milliseconds).
    const started = Date.now();
    const r = await f.requester.get([0xe7], { ...opts, neighbourWaitMs: 60_000 });
    assert.equal(r.ok, true);
    assert.equal(f.sent.length, 2, 'resent once, after EVENT 02');
    assert.ok(Date.now() - started < 30_000, 'did not wait the full neighbour timeout');
  });

  it('retries after EVENT 21 01 and reports no session when every send failed', async () => {
    const f = fake([{ param: 1 }, { param: 1 }, { param: 1 }]);
    const r = await f.requester.get([0xe7], opts);
    assert.equal(!r.ok && r.reason, 'no-session');
    assert.equal(f.sent.length, 3);
  });

  it('stops at FAIL ER10 and reports no session', async () => {
    const f = fake(['ER10']);
    const r = await f.requester.get([0xe7], opts);
    assert.equal(!r.ok && r.reason, 'no-session');
    assert.match(!r.ok ? r.detail : '', /FAIL ER10/);
    assert.equal(f.sent.length, 1);
  });

  it('ends a wait early when interrupted and resends once sending is allowed', async () => {
    let allowed = true;
    let requester: Requester | undefined;
    const f = fake(
      [
        { param: 0, answer: 'never' },
        { param: 0, answer: 'now' },
      ],
      (n) => {
        if (n === 1)
          setTimeout(() => {
            allowed = false;
            requester?.interrupt();
            setTimeout(() => (allowed = true), 5);
          }, 2);
      },
    );
    requester = f.requester;
    const r = await f.requester.get([0xe7], {
      ...opts,
      timeoutMs: 5000,
      retries: 0,
      sendable: () => allowed,
      waitSendable: async () => {
        while (!allowed) await new Promise((res) => setTimeout(res, 1));
        return true;
      },
    });
    assert.equal(r.ok, true, 'the interrupted try did not count against retries: 0');
    assert.equal(f.sent.length, 2);
  });
});
