/**
 * Where the stick's unsolicited lines go while a meter session runs (PROTOCOL.md §3.9, §3.10,
 * §7): EVENT 02 wakes a request waiting after a neighbour solicitation; EVENT 21 belongs to the
 * send in flight; EVENT 24/25 during our own SKJOIN and 27/28 during our own SKTERM are their
 * outcomes; every other EVENT feeds the session machine. ERXUDP is sorted by match.ts into the
 * answer of the request in flight, a meter notification, or something to ignore.
 */
import { classifyDatagram, infcResponse } from '../echonet/exchange/match.js';
import type { Requester } from '../echonet/exchange/requester.js';
import type { EchonetFrame } from '../echonet/frame.js';
import type { Logger } from '../log/logger.js';
import type { SessionClient, SessionDatagram, SessionEvent } from './link.js';

/** What the inbox hands lines to. */
export interface InboxTargets {
  requester: Requester;
  logger: Logger;
  /** Our own SKJOIN is in flight. */
  joining: () => boolean;
  /** Our own SKTERM (or the end of the session) is under way. */
  closing: () => boolean;
  /** An EVENT for the session machine. */
  event: (num: number) => void;
  /** Who takes the meter's INF/INFC now (it answers an INFC); without one, the inbox answers it. */
  listener: () => ((frame: EchonetFrame, needsReply: boolean) => void) | undefined;
  /** Sends a frame that needs no answer (the INFC_Res). */
  send: (frame: EchonetFrame) => Promise<void>;
}

/**
 * Routes `client`'s unsolicited lines to `to` (routeLine) while it is the session's client
 * (`current()`; a replaced client's late lines are dropped), and calls `closed` when it closes
 * while it is.
 */
export function attachInbox(
  client: SessionClient,
  current: () => SessionClient,
  to: InboxTargets & { closed: () => void },
): void {
  client.onNotification((line) => {
    if (client === current()) routeLine(line, to);
  });
  client.onClosed?.(() => {
    if (client === current()) to.closed();
  });
}

/** Routes one unsolicited line (see the file comment). */
export function routeLine(line: SessionEvent | SessionDatagram, to: InboxTargets): void {
  if (line.type === 'event') {
    if (line.num === 0x02) to.requester.neighbourAdvertised();
    if (line.num === 0x21 || line.num === 0x02) return; // handled per send (§3.10)
    if (to.joining() && (line.num === 0x24 || line.num === 0x25)) return; // our own SKJOIN's outcome
    if (to.closing() && (line.num === 0x27 || line.num === 0x28)) return; // our SKTERM
    to.logger.debug({ event: line.num.toString(16).toUpperCase() }, 'EVENT');
    to.event(line.num);
    return;
  }
  const incoming = classifyDatagram(line, to.requester.inFlight);
  if (incoming.kind === 'response') to.requester.deliver(incoming.frame);
  else if (incoming.kind === 'notification') {
    const listener = to.listener();
    if (listener !== undefined) listener(incoming.frame, incoming.needsReply);
    else if (incoming.needsReply)
      to.send(infcResponse(incoming.frame)).catch((err: unknown) =>
        to.logger.debug({ err: String(err) }, 'INFC_Res failed'),
      );
  } else to.logger.debug({ reason: incoming.reason }, 'ignored ERXUDP');
}
