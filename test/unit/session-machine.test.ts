import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canSend,
  initialSessionState,
  transition,
  type SessionAction,
  type SessionInput,
  type SessionState,
} from '../../src/session/machine.js';

/** Feeds inputs in order; returns the final state and every action produced. */
function run(
  inputs: SessionInput[],
  state: SessionState = initialSessionState(),
): { state: SessionState; actions: SessionAction[] } {
  const actions: SessionAction[] = [];
  for (const input of inputs) {
    const t = transition(state, input);
    state = t.state;
    actions.push(...t.actions);
  }
  return { state, actions };
}

const ev = (num: number): SessionInput => ({ type: 'event', num });
const due: SessionInput = { type: 'poll-due' };
const noAnswer: SessionInput = { type: 'reading-failed', reason: 'no-answer' };
const ok: SessionInput = { type: 'reading-ok' };

function decisions(actions: SessionAction[]): string[] {
  return actions.flatMap((a) =>
    a.type === 'read'
      ? ['read']
      : a.type === 'recover'
        ? [`recover:${a.step}`]
        : a.type === 'hold'
          ? [`hold:${a.reason}`]
          : [],
  );
}

function logs(actions: SessionAction[], level: string): string[] {
  return actions.flatMap((a) => (a.type === 'log' && a.level === level ? [a.message] : []));
}

describe('session state machine', () => {
  it('reads when a poll comes due on a healthy session', () => {
    const { actions } = run([due]);
    assert.deepEqual(decisions(actions), ['read']);
  });

  it('holds sends after EVENT 29 until EVENT 25, then reads again', () => {
    const { state, actions } = run([ev(0x29), due]);
    assert.equal(state.phase, 'reauthenticating');
    assert.equal(canSend(state), false);
    assert.deepEqual(decisions(actions), ['hold:reauthenticating']);
    assert.ok(actions.some((a) => a.type === 'arm-reauth-timer'));
    const after = run([ev(0x25), due], state);
    assert.equal(after.state.phase, 'up');
    assert.deepEqual(decisions(after.actions), ['read']);
    assert.ok(after.actions.some((a) => a.type === 'cancel-reauth-timer'));
    assert.equal(logs(after.actions, 'info').length, 1);
  });

  it('rejoins when EVENT 25 does not follow EVENT 29 in time', () => {
    const { state, actions } = run([ev(0x29), { type: 'reauth-timeout' }, due]);
    assert.equal(state.phase, 'down');
    assert.deepEqual(decisions(actions), ['recover:rejoin']);
  });

  it('rejoins when re-authentication fails with EVENT 24', () => {
    const { actions } = run([ev(0x29), ev(0x24), due]);
    assert.deepEqual(decisions(actions), ['recover:rejoin']);
    assert.ok(actions.some((a) => a.type === 'cancel-reauth-timer'));
  });

  for (const num of [0x26, 0x27, 0x28]) {
    it(`rejoins at the next poll after EVENT ${num.toString(16)}`, () => {
      const { state, actions } = run([ev(num), due]);
      assert.deepEqual(decisions(actions), ['recover:rejoin']);
      const back = run([{ type: 'recovery-ok', step: 'rejoin' }, due, ok], state);
      assert.deepEqual(decisions(back.actions), ['read']);
      assert.equal(back.state.phase, 'up');
      assert.equal(logs(back.actions, 'info').length, 1, 'one info line on recovery');
    });
  }

  it('pauses sends between EVENT 32 and EVENT 33', () => {
    const { state, actions } = run([ev(0x32), due, due]);
    assert.equal(state.txLimited, true);
    assert.deepEqual(decisions(actions), ['hold:tx-limited', 'hold:tx-limited']);
    assert.equal(logs(actions, 'warn').length, 1);
    const after = run([ev(0x33), due], state);
    assert.deepEqual(decisions(after.actions), ['read']);
    assert.equal(logs(after.actions, 'info').length, 1);
  });

  it('logs a repeated EVENT 32 only once', () => {
    const { actions } = run([ev(0x32), ev(0x32), ev(0x32)]);
    assert.equal(logs(actions, 'warn').length, 1);
  });

  it('does not escalate for readings skipped while sending is held', () => {
    const { state } = run([
      ev(0x32),
      due,
      { type: 'reading-failed', reason: 'held' },
      due,
      { type: 'reading-failed', reason: 'held' },
    ]);
    assert.equal(state.phase, 'up');
    assert.equal(state.failures, 0);
  });

  it('keeps reading after a single unanswered reading', () => {
    const { actions } = run([due, noAnswer, due]);
    assert.deepEqual(decisions(actions), ['read', 'read']);
  });

  it('rejoins immediately when the stick reports no session', () => {
    const { actions } = run([due, { type: 'reading-failed', reason: 'no-session', detail: 'FAIL ER10' }, due]);
    assert.deepEqual(decisions(actions), ['read', 'recover:rejoin']);
  });

  it('climbs the recovery ladder rejoin → channel scan → full scan → reopen, then starts over', () => {
    const inputs: SessionInput[] = [due, noAnswer, due, noAnswer];
    const steps = ['rejoin', 'scan-channel', 'full-scan', 'reopen', 'rejoin'] as const;
    for (const step of steps) {
      inputs.push(due, { type: 'recovery-ok', step }, due, noAnswer, due, noAnswer);
    }
    const { actions } = run(inputs);
    assert.deepEqual(
      decisions(actions).filter((d) => d.startsWith('recover')),
      steps.map((s) => `recover:${s}`),
    );
  });

  it('takes the next rung when a recovery step itself fails', () => {
    const { actions } = run([
      ev(0x26),
      due,
      { type: 'recovery-failed', step: 'rejoin', detail: 'SKJOIN timed out' },
      due,
      { type: 'recovery-failed', step: 'scan-channel', detail: 'no beacon' },
      due,
    ]);
    assert.deepEqual(decisions(actions), ['recover:rejoin', 'recover:scan-channel', 'recover:full-scan']);
  });

  it('warns once per recovery step, not once per poll; a failed reading is at debug, for its caller to say', () => {
    const inputs: SessionInput[] = [];
    for (let i = 0; i < 40; i++) inputs.push(due, noAnswer);
    for (let i = 0; i < 40; i++) inputs.push(due, { type: 'recovery-failed', step: 'rejoin', detail: 'timeout' });
    const { actions } = run(inputs);
    const warns = logs(actions, 'warn');
    // 4 steps, 4 step failures, "tried every step"
    assert.ok(warns.length <= 11, `got ${warns.length} warn lines:\n${warns.join('\n')}`);
    // A failed reading is the caller's to say (poll's "no reading in slot N", history's error): debug here.
    assert.equal(warns.filter((w) => /reading failed/.test(w)).length, 0);
    assert.equal(logs(actions, 'debug').filter((w) => /^reading failed/.test(w)).length, 40);
    assert.equal(warns.filter((w) => /reopening/.test(w)).length, 1);
  });

  it('logs one info line when readings recover, and resets the ladder', () => {
    const { state, actions } = run([
      due,
      noAnswer,
      due,
      noAnswer,
      due,
      { type: 'recovery-ok', step: 'rejoin' },
      due,
      ok,
    ]);
    assert.deepEqual(logs(actions, 'info'), ['the meter answers again; readings recovered']);
    assert.equal(state.rung, 0);
    assert.equal(state.degraded, false);
    const again = run([due, noAnswer, due, noAnswer, due], state);
    assert.deepEqual(decisions(again.actions).at(-1), 'recover:rejoin');
  });

  it('ignores session events that change nothing', () => {
    const { state, actions } = run([ev(0x25), ev(0x33), ev(0x21), ev(0x02)]);
    assert.equal(state.phase, 'up');
    assert.deepEqual(actions, []);
  });
});

describe('a port that closed under the session', () => {
  it('goes down and makes the port reopen the next recovery step, skipping rejoin and scans', () => {
    const closed = transition(initialSessionState('up'), { type: 'port-closed' });
    assert.equal(closed.state.phase, 'down');
    assert.deepEqual(
      closed.actions.filter((a) => a.type === 'log').map((a) => a.type === 'log' && a.level),
      ['warn'],
    );
    const next = transition(closed.state, { type: 'poll-due' });
    assert.deepEqual(next.actions.at(-1), { type: 'recover', step: 'reopen' });
  });
});
