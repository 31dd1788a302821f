/**
 * The poll session (session.ts) with raw request/answer exchanges, for `bmeter history`: the
 * history pairs are SetC E5 then Get E2/E4, SetC ED then Get EC, SetC EF then Get EE (PROTOCOL.md
 * §7, §9). Same join / kept-session reuse, same waiting while sends are held (EVENT 29, 32) and
 * the same recovery steps as a poll — only the request and its answer are not a Reading.
 */
import type { EchonetProperty } from '../echonet/frame.js';
import type { RequestResult } from './reader-request.js';
import { KEPT_SESSION_PROBE_MS, MeterSession, type ReadingOutcome } from './session.js';
import { sessionMayBeKept } from './session-link.js';
import { canSend, initialSessionState } from './session-machine.js';

export class HistorySession extends MeterSession {
  /**
   * The first exchange of a process: on the kept PANA session when the stick's registers say it
   * may still be there, else after SKJOIN (join failures throw: AUTH → exit 4).
   */
  async startExchange(esv: number, properties: readonly EchonetProperty[], reuse: boolean): Promise<RequestResult & { joined: boolean }> {
    if (reuse && (await sessionMayBeKept(this.client, this.meter, this.o.logger))) {
      this.o.logger.debug('trying the PANA session the stick kept from an earlier run');
      const probe = await this.send(esv, properties, Date.now(), undefined, {
        timeoutMs: Math.min(KEPT_SESSION_PROBE_MS, this.o.timeouts.responseMs),
        retries: 0,
      });
      if (probe.ok) {
        this.o.logger.info('read on the kept PANA session (no SKJOIN needed)');
        this.feed({ type: 'reading-ok' });
        return { ...probe, joined: false };
      }
      this.o.logger.info(`the kept PANA session is not usable (${probe.detail}); joining`);
    }
    await this.join();
    this.state = initialSessionState('up');
    const result = await this.send(esv, properties, Date.now() + this.o.timeouts.joinMs);
    this.feedResult(result);
    return { ...result, joined: true };
  }

  /**
   * One exchange under the session machine: sends, or recovers first (rejoin, rescan, reopen),
   * or waits while sends are held until `holdUntil` (epoch ms) or `signal`.
   */
  async exchange(esv: number, properties: readonly EchonetProperty[], holdUntil: number, signal?: AbortSignal): Promise<RequestResult> {
    let recovered = false;
    for (;;) {
      const t = this.feed({ type: 'poll-due' });
      const decision = t.actions.find((a) => a.type === 'read' || a.type === 'recover' || a.type === 'hold');
      if (decision === undefined || decision.type === 'read') {
        const result = await this.send(esv, properties, holdUntil, signal);
        this.feedResult(result);
        if (!result.ok && result.reason === 'interrupted' && !recovered && this.state.phase === 'down') continue;
        return result;
      }
      if (decision.type === 'recover') {
        if (recovered) return { ok: false, reason: 'no-session', detail: 'recovery did not bring the session back' };
        recovered = true;
        try {
          await this.recover(decision.step);
          this.feed({ type: 'recovery-ok', step: decision.step });
        } catch (err) {
          const detail = (err as Error).message;
          this.feed({ type: 'recovery-failed', step: decision.step, detail });
          return { ok: false, reason: 'no-session', detail: `recovery (${decision.step}) failed: ${detail}` };
        }
        continue;
      }
      const changed = await this.waitForStateChange(holdUntil - Date.now(), signal);
      if (!changed) {
        const detail = decision.reason === 'tx-limited' ? 'ARIB transmission limit (EVENT 32) still active' : 'still re-authenticating (EVENT 29)';
        this.feed({ type: 'reading-failed', reason: 'held', detail });
        return { ok: false, reason: 'interrupted', detail };
      }
    }
  }

  private async send(
    esv: number,
    properties: readonly EchonetProperty[],
    holdUntil: number,
    signal?: AbortSignal,
    tries?: { timeoutMs: number; retries: number },
  ): Promise<RequestResult> {
    return this.requester.request(esv, properties, {
      ...(tries ?? { timeoutMs: this.o.timeouts.responseMs, retries: this.o.retries.request }),
      ...(signal !== undefined && { signal }),
      sendable: () => canSend(this.state),
      waitSendable: async () => {
        while (!canSend(this.state)) {
          if (this.state.phase === 'down' || this.closing) return false;
          if (!(await this.waitForStateChange(holdUntil - Date.now(), signal))) return false;
        }
        return true;
      },
    });
  }

  /** The machine's view of an exchange, as session.ts feeds a reading's outcome. */
  private feedResult(result: RequestResult): void {
    if (result.ok) this.feedOutcome({ ok: true } as ReadingOutcome); // only .ok is looked at
    else this.feedOutcome(result);
  }
}
