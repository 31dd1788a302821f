/**
 * The poll session's link-health state machine (docs/design.md §3, zwave-js style): a pure
 * (state, input) → (state, actions) function. Timers and I/O live in session.ts; this file only
 * decides what to do next, so every transition is unit-testable.
 *
 * Events handled (docs/protocol.md §3.9, §11 quirks 11 and 12):
 * - EVENT 29 (session lifetime expired) → no sends until EVENT 25 (auto re-authentication);
 *   if EVENT 25 does not come in time (reauth-timeout) or EVENT 24 comes instead → rejoin.
 * - EVENT 26 (meter ended the session), 27/28 (session terminated) → rejoin.
 * - EVENT 32 (ARIB TX-time limit) → no sends until EVENT 33.
 * Repeated failures climb the recovery ladder: rejoin → scan the known channel → full rescan →
 * reopen the port, then start again at rejoin. Recovery is paced by the poll schedule: a step is
 * taken when a poll comes due while the link is down, never in a tight loop.
 *
 * Logging policy: a warn when entering a degraded state and for each recovery step (once per
 * climb of the ladder; later climbs log at debug), an info on recovery; per-poll detail at debug.
 */

import type { SessionFailureReason } from './options.js';

import { RECOVERY_LADDER, type RecoveryStep } from './ladder.js';
import { count } from '../log/count.js';

export { RECOVERY_LADDER, type RecoveryStep };

/** up: sends allowed · reauthenticating: EVENT 29 seen, waiting for 25 · down: needs recovery. */
export type LinkPhase = 'up' | 'reauthenticating' | 'down';

export interface SessionState {
  phase: LinkPhase;
  /** EVENT 32 seen and no EVENT 33 yet: every send would be cancelled by the stick. */
  txLimited: boolean;
  /** Consecutive failed readings (no answer) since the last success or recovery step. */
  failures: number;
  /** Index into RECOVERY_LADDER of the next step to take. */
  rung: number;
  /** Complete climbs of the ladder without a successful reading. */
  climbs: number;
  /** A warn was logged for the current degraded episode; an info is due on recovery. */
  degraded: boolean;
}

/** The failures a reading reports to the machine: a subset of the one closed set (options.ts, exchange/machine.ts). */
export type FailureReason = Extract<SessionFailureReason, 'no-answer' | 'no-session' | 'held'>;

export type SessionInput =
  | { type: 'event'; num: number }
  | { type: 'poll-due' }
  | { type: 'reading-ok' }
  | { type: 'reading-failed'; reason: FailureReason; detail?: string }
  | { type: 'recovery-ok'; step: RecoveryStep }
  | { type: 'recovery-failed'; step: RecoveryStep; detail: string }
  | { type: 'reauth-timeout' }
  /** The port closed under the session (a tcp:// bridge gone, the stick unplugged). */
  | { type: 'port-closed' };

export type LogLevel = 'warn' | 'info' | 'debug';

export type SessionAction =
  | { type: 'log'; level: LogLevel; message: string }
  /** Send the reading's Get now. */
  | { type: 'read' }
  /** Take this recovery step now, then report recovery-ok / recovery-failed. */
  | { type: 'recover'; step: RecoveryStep }
  /** Sending is not allowed now: wait for an event (or give the reading up). */
  | { type: 'hold'; reason: 'reauthenticating' | 'tx-limited' }
  | { type: 'arm-reauth-timer' }
  | { type: 'cancel-reauth-timer' };

export interface Transition {
  state: SessionState;
  actions: SessionAction[];
}

/** Consecutive readings without an answer before the link is declared down. */
export const FAILURES_BEFORE_RECOVERY = 2;

/** A fresh session's state: `phase` (default up), no TX limit, no failures, at the foot of the ladder. */
export function initialSessionState(phase: LinkPhase = 'up'): SessionState {
  return { phase, txLimited: false, failures: 0, rung: 0, climbs: 0, degraded: false };
}

/** Whether a send may go out now. */
export function canSend(state: SessionState): boolean {
  return state.phase === 'up' && !state.txLimited;
}

const STEP_TEXT: Record<RecoveryStep, string> = {
  rejoin: 'rejoining the meter (SKJOIN)',
  'scan-channel': 'scanning the known channel for the meter',
  'full-scan': 'scanning all channels for the meter (the scan file will be updated)',
  reopen: 'reopening the serial port',
};

/**
 * The next state and the actions for one input (pure; see the file comment for the rules):
 * EVENTs, a poll coming due, a reading's outcome, a recovery step's outcome, the re-auth timer.
 */
export function transition(state: SessionState, input: SessionInput): Transition {
  switch (input.type) {
    case 'event':
      return onEvent(state, input.num);
    case 'poll-due':
      return onPollDue(state);
    case 'reading-ok':
      return onReadingOk(state);
    case 'reading-failed':
      return onReadingFailed(state, input.reason, input.detail);
    case 'recovery-ok':
      return {
        state: { ...state, phase: 'up', failures: 0 },
        actions: [log('debug', `recovery step done: ${input.step}`)],
      };
    case 'recovery-failed':
      return {
        state: { ...state, phase: 'down', failures: 0 },
        actions: [log(state.climbs > 0 ? 'debug' : 'warn', `recovery step ${input.step} failed: ${input.detail}`)],
      };
    case 'port-closed': {
      // Nothing on a closed port can answer: skip rejoin and scans, go straight to reopening it.
      const t = goDown(state, 'the connection to the stick closed; will reopen the port');
      t.state.rung = RECOVERY_LADDER.indexOf('reopen');
      if (state.phase === 'reauthenticating') t.actions.unshift({ type: 'cancel-reauth-timer' });
      return t;
    }
    case 'reauth-timeout':
      if (state.phase !== 'reauthenticating') return { state, actions: [] };
      return goDown(state, 'no EVENT 25 after the session lifetime expired (EVENT 29); will rejoin');
  }
}

function onEvent(state: SessionState, num: number): Transition {
  switch (num) {
    case 0x25: {
      // PANA established, also after an automatic re-authentication (§3.9).
      if (state.phase === 'up') return { state, actions: [] };
      const wasReauth = state.phase === 'reauthenticating';
      const actions: SessionAction[] = wasReauth ? [{ type: 'cancel-reauth-timer' }] : [];
      actions.push(log('info', 'PANA session re-established (EVENT 25); sending again'));
      return { state: { ...state, phase: 'up', failures: 0, degraded: state.degraded && !wasReauth }, actions };
    }
    case 0x29: {
      // Session lifetime expired: the stick re-authenticates by itself (register S17 = 1, §3.9); do not send until 25.
      if (state.phase !== 'up') return { state, actions: [] };
      return {
        state: { ...state, phase: 'reauthenticating' },
        actions: [
          log(
            'warn',
            'PANA session lifetime expired (EVENT 29): holding sends until the stick re-authenticates (EVENT 25)',
          ),
          { type: 'arm-reauth-timer' },
        ],
      };
    }
    case 0x24: {
      if (state.phase === 'down') return { state, actions: [] };
      const t = goDown(state, 'PANA re-authentication failed (EVENT 24); will rejoin');
      if (state.phase === 'reauthenticating') t.actions.unshift({ type: 'cancel-reauth-timer' });
      return t;
    }
    case 0x26:
    case 0x27:
    case 0x28: {
      if (state.phase === 'down') return { state, actions: [] };
      const what =
        num === 0x26
          ? 'the meter ended the PANA session (EVENT 26)'
          : `the PANA session was terminated (EVENT ${num.toString(16)})`;
      const t = goDown(state, `${what}; will rejoin`);
      if (state.phase === 'reauthenticating') t.actions.unshift({ type: 'cancel-reauth-timer' });
      return t;
    }
    case 0x32:
      if (state.txLimited) return { state, actions: [] };
      return {
        state: { ...state, txLimited: true },
        actions: [log('warn', 'ARIB transmission-time limit reached (EVENT 32): pausing sends until EVENT 33')],
      };
    case 0x33:
      if (!state.txLimited) return { state, actions: [] };
      return {
        state: { ...state, txLimited: false },
        actions: [log('info', 'ARIB transmission-time limit released (EVENT 33); sending again')],
      };
    default:
      return { state, actions: [] };
  }
}

function onPollDue(state: SessionState): Transition {
  if (state.phase === 'down') {
    const step = RECOVERY_LADDER[state.rung] ?? 'rejoin';
    const nextRung = (state.rung + 1) % RECOVERY_LADDER.length;
    const climbs = nextRung === 0 ? state.climbs + 1 : state.climbs;
    const firstClimb = state.climbs === 0;
    const actions: SessionAction[] = [log(firstClimb ? 'warn' : 'debug', `recovering: ${STEP_TEXT[step]}`)];
    if (firstClimb && nextRung === 0) {
      actions.push(log('warn', 'every recovery step was tried; retrying them quietly until the meter answers'));
    }
    actions.push({ type: 'recover', step });
    return { state: { ...state, rung: nextRung, climbs, degraded: true }, actions };
  }
  if (state.phase === 'reauthenticating') return { state, actions: [{ type: 'hold', reason: 'reauthenticating' }] };
  if (state.txLimited) return { state, actions: [{ type: 'hold', reason: 'tx-limited' }] };
  return { state, actions: [{ type: 'read' }] };
}

function onReadingOk(state: SessionState): Transition {
  const actions: SessionAction[] = state.degraded ? [log('info', 'the meter answers again; readings recovered')] : [];
  return { state: { ...state, phase: 'up', failures: 0, rung: 0, climbs: 0, degraded: false }, actions };
}

function onReadingFailed(state: SessionState, reason: FailureReason, detail?: string): Transition {
  const why = detail ?? reason;
  if (reason === 'held') {
    // Not the meter's fault (TX limit or re-authentication in progress): no escalation.
    return { state, actions: [log('debug', `reading skipped: ${why}`)] };
  }
  if (reason === 'no-session') {
    return goDown(state, `the stick has no PANA session (${why}); will rejoin`);
  }
  const failures = state.failures + 1;
  // At debug: the caller says it to the user, once (poll: "no reading in slot N" at warn once per outage; a
  // one-shot poll and history: their error). The link's own news, recovery starting, stays at warn.
  const actions: SessionAction[] = [log('debug', `reading failed: ${why}`)];
  if (failures >= FAILURES_BEFORE_RECOVERY && state.phase === 'up') {
    actions.push(
      log(state.degraded ? 'debug' : 'warn', `${count(failures, 'reading')} in a row failed; starting recovery`),
    );
    return { state: { ...state, phase: 'down', failures: 0, degraded: true }, actions };
  }
  return { state: { ...state, failures, degraded: true }, actions };
}

function goDown(state: SessionState, message: string): Transition {
  return {
    state: { ...state, phase: 'down', failures: 0, degraded: true },
    actions: [log(state.degraded && state.phase === 'down' ? 'debug' : 'warn', message)],
  };
}

function log(level: LogLevel, message: string): SessionAction {
  return { type: 'log', level, message };
}
