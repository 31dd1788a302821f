/**
 * Readings on a meter session (composition, not a subclass): one Get per reading for the requested
 * EPCs plus D3/D7/E1 until the meter gave them (reading-context.ts), and the meter's INF/INFC
 * notifications turned into records (notifications.ts). The session (src/session/meter-session.ts)
 * joins, recovers and holds; this file only knows what a reading is.
 */
import type { EnergyFallback } from '../meter/energy-fallback.js';
import { ESV } from '../echonet/constants.js';
import type { Logger } from '../log/logger.js';
import type { Reading } from '../meter/reading.js';
import type { MeterSession } from '../session/meter-session.js';
import type { Attempt, ReadingOutcome } from '../session/options.js';
import { failedNotThrown } from '../session/outcomes.js';
import { NotificationCapture } from './notifications.js';
import { ReadingContext } from './reading-context.js';

export interface MeterReaderOptions {
  logger: Logger;
  /** The host clock as a Date (records carry the host time). */
  now: () => Date;
  /** Records from the meter's own INF/INFC notifications. */
  onNotification?: (reading: Reading) => void;
  /** The user's --unit/--coefficient/--digits for what the meter leaves out of E1/D3/D7. */
  energyFallback?: EnergyFallback;
}

/** Takes readings on `session` and listens to its notifications. */
export class MeterReader {
  private readonly readings: ReadingContext;
  private readonly notifications: NotificationCapture;

  constructor(
    private readonly session: MeterSession,
    o: MeterReaderOptions,
  ) {
    this.readings = new ReadingContext(o.logger, o.now, () => this.notifications.flush(), o.energyFallback);
    this.notifications = new NotificationCapture({
      send: (frame) => session.send(frame),
      context: () => this.readings.energy,
      logger: o.logger,
      now: o.now,
      ...(o.onNotification !== undefined && { emit: o.onNotification }),
    });
    session.onNotification((frame, needsReply) => this.notifications.handle(frame, needsReply));
    session.onMeterChange(() => this.readings.forget()); // another meter: ask D3/D7/E1 again
  }

  /**
   * The first reading of a process: on the kept session when that is safe, else after SKJOIN.
   * Join failures throw (AUTH → exit 4).
   */
  start(requested: readonly number[], reuse: boolean): Promise<ReadingOutcome & { joined: boolean }> {
    return this.session.start(this.attempt(requested), reuse);
  }

  /**
   * One scheduled reading under the session machine: reads, or recovers first, or waits while
   * sends are held (EVENT 29 / 32) until `holdUntil` (epoch ms) or the session's stop signal.
   */
  read(requested: readonly number[], holdUntil: number): Promise<ReadingOutcome> {
    return this.session.run(failedNotThrown(this.attempt(requested)), holdUntil);
  }

  /** One Get for a reading; the session's stop signal ends its answer wait and its retries. */
  private attempt(requested: readonly number[]): Attempt<Extract<ReadingOutcome, { ok: true }>> {
    return async (holdUntil, tries) => {
      const properties = this.readings.epcsFor(requested).map((epc) => ({ epc, edt: Buffer.alloc(0) }));
      const result = await this.session.request(ESV.Get, properties, {
        holdUntil,
        ...(tries !== undefined && { tries }),
      });
      if (!result.ok) return { ok: false, reason: result.reason, detail: result.detail };
      return { ok: true, reading: this.readings.reading(result.frame, requested) };
    };
  }
}
