/**
 * What the long-running commands wait for after `OK` (docs/protocol.md §3.6–§3.11), as observers for
 * the waitress: each claims the lines that belong to its command and leaves the rest unsolicited.
 */
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { normalizeIpv6 } from './address.js';
import { EVENT, hex as hexN } from './commands.js';
import type { CommandSpec } from './job.js';
import type { EpandescLine, ErxudpLine, EventLine } from './lines.js';
import type { Observation } from './pending.js';
import type { PanDescriptor } from './types.js';

type Observed = EventLine | ErxudpLine | EpandescLine;

/** SKSCAN (§3.6): EVENT 20 + EPANDESC per PAN, EVENT 22 at the end. */
export function observeScan(found: PanDescriptor[], logger: Logger, onProgress?: (pan: PanDescriptor) => void) {
  return (line: Observed): Observation<PanDescriptor[]> => {
    if (line.type === 'epandesc') {
      if (line.fault) logger.warn(line.fault);
      else {
        const { type: _t, fault: _f, ...pan } = line;
        found.push(pan);
        onProgress?.(pan);
      }
      return 'consumed';
    }
    if (line.type !== 'event') return undefined;
    if (line.num === EVENT.BEACON) return 'consumed';
    if (line.num === EVENT.SCAN_DONE) return { resolve: found };
    return undefined;
  };
}

/** SKJOIN (§3.8): EVENT 25 from the meter = joined, EVENT 24 = rejected; other senders are not ours. */
export function observeJoin(ipv6: string) {
  const target = normalizeIpv6(ipv6);
  return (line: Observed): Observation<void> => {
    if (line.type !== 'event' || (line.sender !== undefined && normalizeIpv6(line.sender) !== target)) return undefined;
    if (line.num === EVENT.PANA_OK) return { resolve: undefined };
    if (line.num === EVENT.PANA_FAILED) {
      return {
        reject: new BmeterError('AUTH', joinRejectedMessage(ipv6)),
      };
    }
    return undefined;
  };
}

/**
 * SKSENDTO (§3.10): EVENT 21 from the destination comes before OK, maybe twice (02 then 00);
 * the last one counts. EVENT 21 from other addresses is not ours (smdn).
 */
export class Event21Tracker {
  last: number | undefined;
  private readonly target: string;

  constructor(ipv6: string) {
    this.target = normalizeIpv6(ipv6);
  }

  readonly observe = (line: Observed, statusSeen: boolean): Observation<{ param: number }> => {
    if (line.type !== 'event' || line.num !== EVENT.UDP_SENT) return undefined;
    if (line.sender !== undefined && normalizeIpv6(line.sender) !== this.target) return undefined;
    this.last = line.param ?? 0;
    return statusSeen ? { resolve: { param: this.last } } : 'consumed';
  };
}

/** SKTERM (§3.11): EVENT 27 terminated, EVENT 28 the peer did not answer (terminated anyway). */
export function observeTerminate(line: Observed): Observation<'terminated' | 'timed-out'> {
  if (line.type !== 'event') return undefined;
  if (line.num === EVENT.TERMINATED) return { resolve: 'terminated' };
  if (line.num === EVENT.TERMINATE_TIMEOUT) return { resolve: 'timed-out' };
  return undefined;
}

/**
 * EVENT 24 after SKJOIN (§3.8, §3.9): PANA authentication did not complete. Wrong credentials are
 * the usual cause, but the stick also reports a PANA exchange the meter never answered as 24.
 */
export function joinRejectedMessage(ipv6: string): string {
  return (
    `SKJOIN failed: EVENT 24 from ${ipv6} (authentication rejected) — check the Route-B ID and password ` +
    '(BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD, or routeB in the config file; if they worked before, the meter ' +
    'may be out of reach or on another channel: an unanswered PANA exchange also ends in EVENT 24, and ' +
    '`bmeter scan` finds the meter again)'
  );
}

/**
 * EVENT 24 at SKJOIN from a meter that a scan of every channel then found where the scan file says: not a meter
 * that moved, so the Route-B ID or password (never the values).
 */
export function credentialsRefusedMessage(ipv6: string): string {
  return (
    `SKJOIN failed: EVENT 24 from ${ipv6} (authentication rejected) — check the Route-B ID and password ` +
    '(BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD, or routeB in the config file): a scan of all channels found ' +
    'the meter where the scan file says'
  );
}

/**
 * EVENT 24 at SKJOIN, a scan of every channel that found the meter on another channel or PAN, and EVENT 24 again
 * at the join there: the meter answers but refuses, so the Route-B ID or password (never the values).
 */
export function movedMeterRefusedMessage(ipv6: string, channel: number, panId: string): string {
  return (
    `SKJOIN failed: EVENT 24 from ${ipv6} (authentication rejected) — check the Route-B ID and password ` +
    '(BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD, or routeB in the config file): a scan of all channels found ' +
    `the meter on its new channel ${channel}, PAN ${panId}, and it refused the join there too`
  );
}

/**
 * EVENT 24 at SKJOIN, then a scan of every channel that found no meter: out of reach for now, not a meter that
 * moved; the credentials are named last, as a scan cannot tell them.
 */
export function meterUnreachableMessage(ipv6: string): string {
  return (
    `SKJOIN failed: EVENT 24 from ${ipv6} (authentication rejected), and a scan of all channels found no meter: ` +
    'it is out of reach for now (distance, the antenna, work on the meter) — try again later; if the Route-B ID ' +
    'or password changed, check them too (BMETER_ROUTEB_ID and BMETER_ROUTEB_PASSWORD, or routeB in the config file)'
  );
}

/** SKJOIN's timeout: no OK within `commandMs` (status), or neither EVENT 25 nor 24 within `joinMs` (§3.8). */
export function joinTimeout(
  ipv6: string,
  phase: 'status' | 'completion',
  commandMs: number,
  joinMs: number,
): BmeterError {
  return new BmeterError(
    'TIMEOUT',
    phase === 'status'
      ? `SKJOIN ${ipv6}: no OK within ${commandMs / 1000} s`
      : `SKJOIN ${ipv6}: neither EVENT 25 (joined) nor EVENT 24 (rejected) within ${joinMs / 1000} s — is the meter in range?`,
  );
}

/** What is pending when the transport closes under the client (an unplugged stick, a closed bridge). */
export function connectionClosed(description: string, err: Error | undefined): BmeterError {
  const why = err ? `: ${err.message}` : '';
  return new BmeterError('CLOSED', `the connection to ${description} closed${why} — was the stick unplugged?`, {
    cause: err,
  });
}

/** SKSENDTO's arguments (§3.10): handle 1, address, port, SEC, the dual stack's side 0, DATALEN. */
export function sendToArgs(
  ipv6: string,
  port: number,
  secured: 0 | 1 | 2,
  dialect: 'single' | 'dual',
  length: number,
): string[] {
  const side = dialect === 'dual' ? ['0'] : [];
  return ['1', ipv6.toUpperCase(), hexN(port, 4), String(secured), ...side, hexN(length, 4)];
}

/** SKTERM (§3.11): OK, then EVENT 27/28 within `totalMs`; no event in time is "no-response". */
export function terminateSpec(totalMs: number): CommandSpec<'terminated' | 'timed-out' | 'no-response'> {
  return {
    totalTimeoutMs: totalMs,
    onOk: () => 'wait',
    onLateTimeout: () => ({ resolve: 'no-response' as const }),
    observe: observeTerminate,
  };
}
