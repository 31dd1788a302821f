/**
 * The meter's own notifications (docs/protocol.md §7, §11 quirk 17): the half-hourly INF of EA/EB
 * becomes a record with source "notification"; an INFC (0x74) is answered with INFC_Res (0x7A,
 * the same EPCs with PDC 0). A notification that comes before the meter first answered D3/D7/E1
 * waits for that answer, so its kWh values are right; a meter that never gives E1 gets null kWh
 * in its notifications, as in its polls (never a record held back for good).
 */
import type { EchonetFrame } from '../echonet/frame.js';
import type { Logger } from '../log/logger.js';
import type { EnergyContext } from '../meter/properties.js';
import type { Reading } from '../meter/reading.js';
import { infcResponse } from '../echonet/exchange/match.js';
import { assembleReading, epcName, notificationEpcs } from '../meter/record.js';

export interface NotificationCaptureOptions {
  /** Sends a frame to the meter (no answer expected). */
  send: (frame: EchonetFrame) => Promise<void>;
  /** The energy context known so far; undefined until the meter first answered D3/D7/E1. */
  context: () => EnergyContext | undefined;
  emit?: (reading: Reading) => void;
  logger: Logger;
  now: () => Date;
}

/** Turns the meter's INF/INFC into records (see the file comment); answers INFC with INFC_Res. */
export class NotificationCapture {
  private waiting: { frame: EchonetFrame; at: Date }[] = [];

  constructor(private readonly o: NotificationCaptureOptions) {}

  handle(frame: EchonetFrame, needsReply: boolean): void {
    if (needsReply) {
      this.o.send(infcResponse(frame)).catch((err: unknown) => {
        this.o.logger.debug({ err: (err as Error).message }, 'sending INFC_Res failed');
      });
    }
    if (notificationEpcs(frame).length === 0) return;
    this.waiting.push({ frame, at: this.o.now() });
    this.flush();
  }

  /** Turns waiting notifications into records once the meter answered the context EPCs. */
  flush(): void {
    const ctx = this.o.context();
    if (ctx === undefined) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const { frame, at } of waiting) {
      const epcs = notificationEpcs(frame);
      const { reading } = assembleReading(frame, epcs, ctx, at, 'notification');
      this.o.logger.info({ epcs: epcs.map(epcName) }, 'notification from the meter');
      this.o.emit?.(reading);
    }
  }
}
