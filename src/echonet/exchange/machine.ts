/**
 * The life of one ECHONET Lite request to the meter as a pure machine (DESIGN.md §3, zwave-js
 * `SerialAPICommandMachine`): `(state, input) → { state, actions }`. The driver (requester.ts)
 * writes SKSENDTO, holds the timers and the waits, and feeds back what happened; this file only
 * decides what comes next, so every rule is tested input by input (test/unit/exchange-machine.test.ts).
 *
 * Rules (PROTOCOL.md §3.10, §7):
 * - each try is sent with a new TID; an answer to any TID of this request ends it (a late answer
 *   to an earlier try is still its answer) — the matching itself is match.ts;
 * - EVENT 21 00: sent → wait `timeoutMs` for the answer, then try again (a try is counted);
 * - EVENT 21 01: the send failed → pause `sendFailedPauseMs`, try again (counted) — unless the
 *   session cannot send now (EVENT 29/32 explain the failure): then wait until it can, not counted;
 * - EVENT 21 02: the stick did neighbour solicitation instead of sending → wait for EVENT 02 (or
 *   `neighbourWaitMs`) and resend, not counted for the first `maxSolicitations`;
 * - FAIL ER10 on SKSENDTO: the stick has no PANA session → fail at once with `no-session`;
 * - the session became unable to send during a wait (interrupted) → resend once it can, not counted;
 * - every try sent, none answered → `no-answer`; every try failed with 21 01 → `no-session`;
 *   sending impossible and not coming back, or the caller's signal → `interrupted`.
 */

/** The closed set of ways a request ends without an answer (the session machine acts on these). */
export type ExchangeFailure = 'no-answer' | 'no-session' | 'interrupted';

export interface ExchangeConfig {
  /** Wait for the answer to one sent try (ms). */
  timeoutMs: number;
  /** Extra tries after the first. */
  retries: number;
  /** Pause after EVENT 21 01 before the next try (ms). */
  sendFailedPauseMs: number;
  /** Wait for EVENT 02 after EVENT 21 02 before resending anyway (ms). */
  neighbourWaitMs: number;
  /** Neighbour solicitations tolerated before each further one counts as a try. */
  maxSolicitations: number;
}

export type ExchangePhase =
  'idle' | 'sending' | 'waiting-answer' | 'pausing' | 'waiting-neighbour' | 'waiting-sendable' | 'done';

export interface ExchangeState {
  phase: ExchangePhase;
  /** Tries counted so far. */
  tries: number;
  /** Tries that ended in EVENT 21 01. */
  sendFailures: number;
  /** EVENT 21 02 seen. */
  solicitations: number;
}

export type ExchangeInput =
  /** Begin; `sendable`: the session may send now. */
  | { type: 'start'; sendable: boolean }
  /** SKSENDTO done: EVENT 21 with this PARAM. */
  | { type: 'sent'; param: number; sendable: boolean }
  /** SKSENDTO answered FAIL ER10. */
  | { type: 'refused' }
  /** The answer (to any TID of this request) arrived. */
  | { type: 'answer' }
  /** The answer wait ran out. */
  | { type: 'timeout'; sendable: boolean }
  /** The pause or the EVENT 02 wait is over. */
  | { type: 'resume'; sendable: boolean }
  /** The session cannot send any more (EVENT 26/29/32 …) during the answer wait. */
  | { type: 'interrupted' }
  /** The wait for sending to be allowed ended: true = allowed again. */
  | { type: 'sendable'; ok: boolean }
  /** The caller gave up (SIGINT/SIGTERM). */
  | { type: 'abort' };

export type ExchangeResult =
  { ok: true; tries: number } | { ok: false; reason: ExchangeFailure; why: FailureWhy; tries: number };

/** Which rule ended the request (the driver words the message). */
export type FailureWhy = 'no-answer' | 'er10' | 'send-failed' | 'cannot-send' | 'aborted';

export type ExchangeAction =
  /** Write SKSENDTO with a new TID, then report `sent` or `refused`. */
  | { type: 'send' }
  /** Wait for the answer up to `ms`, then report `answer`, `timeout` or `interrupted`. */
  | { type: 'wait-answer'; ms: number }
  /** Wait `ms` (`neighbour`: or until EVENT 02), then report `resume`. */
  | { type: 'pause'; ms: number; until: 'timer' | 'neighbour' }
  /** Wait until the session may send, then report `sendable`. */
  | { type: 'wait-sendable' }
  | { type: 'log'; message: string }
  | { type: 'done'; result: ExchangeResult };

export interface ExchangeTransition {
  state: ExchangeState;
  actions: ExchangeAction[];
}

/** A request not started yet. */
export function initialExchangeState(): ExchangeState {
  return { phase: 'idle', tries: 0, sendFailures: 0, solicitations: 0 };
}

/** The next step of one request after `input` (pure). */
export function exchangeTransition(
  config: ExchangeConfig,
  state: ExchangeState,
  input: ExchangeInput,
): ExchangeTransition {
  if (state.phase === 'done') return { state, actions: [] };
  switch (input.type) {
    case 'answer':
      return done(state, { ok: true, tries: state.phase === 'sending' ? state.tries + 1 : state.tries });
    case 'abort':
      return done(state, { ok: false, reason: 'interrupted', why: 'aborted', tries: state.tries });
    case 'refused':
      return done(state, { ok: false, reason: 'no-session', why: 'er10', tries: state.tries });
    case 'start':
      return nextTry(config, state, input.sendable);
    case 'sendable':
      if (!input.ok) return done(state, { ok: false, reason: 'interrupted', why: 'cannot-send', tries: state.tries });
      return { state: { ...state, phase: 'sending' }, actions: [{ type: 'send' }] };
    case 'sent':
      return onSent(config, state, input.param, input.sendable);
    case 'timeout':
      return nextTry(config, state, input.sendable, [{ type: 'log', message: 'no answer in time' }]);
    case 'interrupted':
      // Not the meter's fault: the try is not counted; the next one waits until sending is allowed.
      return nextTry(config, { ...state, tries: state.tries - 1 }, false, [
        { type: 'log', message: 'interrupted by a session event; will resend' },
      ]);
    case 'resume':
      return nextTry(config, state, input.sendable);
  }
}

function onSent(config: ExchangeConfig, state: ExchangeState, param: number, sendable: boolean): ExchangeTransition {
  if (param === 2) {
    const solicitations = state.solicitations + 1;
    const tries = solicitations > config.maxSolicitations ? state.tries + 1 : state.tries;
    return {
      state: { ...state, phase: 'waiting-neighbour', solicitations, tries },
      actions: [
        { type: 'log', message: 'EVENT 21 02: neighbour solicitation, resending after EVENT 02' },
        { type: 'pause', ms: config.neighbourWaitMs, until: 'neighbour' },
      ],
    };
  }
  if (param === 1) {
    const log: ExchangeAction = { type: 'log', message: 'EVENT 21 01: UDP send failed' };
    if (!sendable) return nextTry(config, state, false, [log]);
    return {
      state: { ...state, phase: 'pausing', tries: state.tries + 1, sendFailures: state.sendFailures + 1 },
      actions: [log, { type: 'pause', ms: config.sendFailedPauseMs, until: 'timer' }],
    };
  }
  return {
    state: { ...state, phase: 'waiting-answer', tries: state.tries + 1 },
    actions: [{ type: 'wait-answer', ms: config.timeoutMs }],
  };
}

/** Another try if any is left: at once when the session may send, else after it may again. */
function nextTry(
  config: ExchangeConfig,
  state: ExchangeState,
  sendable: boolean,
  before: ExchangeAction[] = [],
): ExchangeTransition {
  if (state.tries > config.retries) {
    const t = done(state, outOfTries(state));
    return { state: t.state, actions: [...before, ...t.actions] };
  }
  if (!sendable)
    return { state: { ...state, phase: 'waiting-sendable' }, actions: [...before, { type: 'wait-sendable' }] };
  return { state: { ...state, phase: 'sending' }, actions: [...before, { type: 'send' }] };
}

function outOfTries(state: ExchangeState): ExchangeResult {
  if (state.sendFailures > 0 && state.sendFailures === state.tries) {
    return { ok: false, reason: 'no-session', why: 'send-failed', tries: state.tries };
  }
  return { ok: false, reason: 'no-answer', why: 'no-answer', tries: state.tries };
}

function done(state: ExchangeState, result: ExchangeResult): ExchangeTransition {
  return { state: { ...state, phase: 'done' }, actions: [{ type: 'done', result }] };
}
