/**
 * The request machine of the ECHONET exchange layer (src/echonet/exchange/machine.ts), input by
 * input: what each EVENT 21 PARAM, FAIL ER10, answer, timeout and interruption leads to.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  exchangeTransition,
  initialExchangeState,
  type ExchangeConfig,
  type ExchangeInput,
  type ExchangeState,
  type ExchangeTransition,
} from '../../src/echonet/exchange/machine.js';

const CONFIG: ExchangeConfig = {
  timeoutMs: 10_000,
  retries: 2,
  sendFailedPauseMs: 1000,
  neighbourWaitMs: 2000,
  maxSolicitations: 3,
};

/** Feeds inputs in turn from a fresh request; returns every transition. */
function run(inputs: ExchangeInput[], config = CONFIG): ExchangeTransition[] {
  let state: ExchangeState = initialExchangeState();
  return inputs.map((input) => {
    const t = exchangeTransition(config, state, input);
    state = t.state;
    return t;
  });
}

const kinds = (t: ExchangeTransition | undefined) => t?.actions.filter((a) => a.type !== 'log').map((a) => a.type);

describe('the request machine', () => {
  it('sends at once when the session may send, then waits 10 s for the answer after EVENT 21 00', () => {
    const [start, sent] = run([
      { type: 'start', sendable: true },
      { type: 'sent', param: 0, sendable: true },
    ]);
    assert.deepEqual(kinds(start), ['send']);
    assert.deepEqual(sent?.actions, [{ type: 'wait-answer', ms: 10_000 }]);
    assert.equal(sent?.state.tries, 1);
  });

  it('waits until the session may send before the first try', () => {
    const [start, allowed] = run([
      { type: 'start', sendable: false },
      { type: 'sendable', ok: true },
    ]);
    assert.deepEqual(kinds(start), ['wait-sendable']);
    assert.deepEqual(kinds(allowed), ['send']);
  });

  it('ends as interrupted when sending is not allowed again', () => {
    const [, refused] = run([
      { type: 'start', sendable: false },
      { type: 'sendable', ok: false },
    ]);
    assert.deepEqual(refused?.actions, [
      { type: 'done', result: { ok: false, reason: 'interrupted', why: 'cannot-send', tries: 0 } },
    ]);
  });

  it('succeeds with the try count when the answer comes', () => {
    const t = run([{ type: 'start', sendable: true }, { type: 'sent', param: 0, sendable: true }, { type: 'answer' }]);
    assert.deepEqual(t[2]?.actions, [{ type: 'done', result: { ok: true, tries: 1 } }]);
  });

  it('counts the try when the answer arrives before EVENT 21 (still sending)', () => {
    const t = run([{ type: 'start', sendable: true }, { type: 'answer' }]);
    assert.deepEqual(t[1]?.actions, [{ type: 'done', result: { ok: true, tries: 1 } }]);
  });

  it('resends after a timeout and gives up with no-answer after 1 + 2 tries', () => {
    const sent: ExchangeInput = { type: 'sent', param: 0, sendable: true };
    const timeout: ExchangeInput = { type: 'timeout', sendable: true };
    const t = run([{ type: 'start', sendable: true }, sent, timeout, sent, timeout, sent, timeout]);
    assert.deepEqual(kinds(t[2]), ['send']);
    assert.deepEqual(kinds(t[4]), ['send']);
    assert.deepEqual(t[6]?.actions.at(-1), {
      type: 'done',
      result: { ok: false, reason: 'no-answer', why: 'no-answer', tries: 3 },
    });
  });

  it('stops at FAIL ER10 with no-session, without another try', () => {
    const t = run([{ type: 'start', sendable: true }, { type: 'refused' }]);
    assert.deepEqual(t[1]?.actions, [
      { type: 'done', result: { ok: false, reason: 'no-session', why: 'er10', tries: 0 } },
    ]);
  });

  it('pauses 1 s after EVENT 21 01 and counts the try; every try failing so is no-session', () => {
    const failed: ExchangeInput = { type: 'sent', param: 1, sendable: true };
    const resume: ExchangeInput = { type: 'resume', sendable: true };
    const t = run([{ type: 'start', sendable: true }, failed, resume, failed, resume, failed, resume]);
    assert.deepEqual(kinds(t[1]), ['pause']);
    assert.deepEqual(t[1]?.actions.at(-1), { type: 'pause', ms: 1000, until: 'timer' });
    assert.deepEqual(t[6]?.actions.at(-1), {
      type: 'done',
      result: { ok: false, reason: 'no-session', why: 'send-failed', tries: 3 },
    });
  });

  it('does not count EVENT 21 01 while the session cannot send: it waits until it can', () => {
    const t = run([
      { type: 'start', sendable: true },
      { type: 'sent', param: 1, sendable: false },
    ]);
    assert.deepEqual(kinds(t[1]), ['wait-sendable']);
    assert.equal(t[1]?.state.tries, 0);
  });

  it('waits 2 s for EVENT 02 after EVENT 21 02 and resends without counting a try, three times', () => {
    const solicited: ExchangeInput = { type: 'sent', param: 2, sendable: true };
    const resume: ExchangeInput = { type: 'resume', sendable: true };
    const t = run([
      { type: 'start', sendable: true },
      solicited,
      resume,
      solicited,
      resume,
      solicited,
      resume,
      solicited,
    ]);
    assert.deepEqual(t[1]?.actions.at(-1), { type: 'pause', ms: 2000, until: 'neighbour' });
    assert.equal(t[5]?.state.tries, 0, 'three solicitations are free');
    assert.equal(t[7]?.state.tries, 1, 'the fourth counts as a try');
  });

  it('does not count a try whose answer wait a session event interrupted, and waits to resend', () => {
    const t = run([
      { type: 'start', sendable: true },
      { type: 'sent', param: 0, sendable: true },
      { type: 'interrupted' },
    ]);
    assert.equal(t[2]?.state.tries, 0);
    assert.deepEqual(kinds(t[2]), ['wait-sendable']);
  });

  it("ends as interrupted on the caller's abort", () => {
    const t = run([{ type: 'start', sendable: true }, { type: 'sent', param: 0, sendable: true }, { type: 'abort' }]);
    assert.deepEqual(t[2]?.actions, [
      { type: 'done', result: { ok: false, reason: 'interrupted', why: 'aborted', tries: 1 } },
    ]);
  });

  it('ignores every input once done', () => {
    const t = run([{ type: 'start', sendable: true }, { type: 'refused' }, { type: 'answer' }]);
    assert.deepEqual(t[2]?.actions, []);
    assert.equal(t[2]?.state.phase, 'done');
  });
});
