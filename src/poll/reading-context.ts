/**
 * What the poll session remembers about the meter between readings: its energy context (D3
 * coefficient, D7 digits, E1 unit — asked for in the first Get and again after the meter changed,
 * reader-record.ts) and which missing-EPC warnings were already given (a Get_SNA warns once per
 * set of missing EPCs, a missing E1 once, then they log at debug).
 */
import type { EchonetFrame } from '../echonet/frame.js';
import type { Logger } from '../log/logger.js';
import { unsetMessage, type EnergyFallback } from '../meter/energy-fallback.js';
import type { EnergyContext } from '../meter/properties.js';
import type { Reading } from '../meter/reading.js';
import { assembleReading, contextKnown, epcName, missingMessage, requestEpcs, updateContext } from '../meter/record.js';

/** The energy context and warn-once state of one poll run (see the file comment). */
export class ReadingContext {
  private ctx: EnergyContext | undefined;
  private readonly warnedMissing = new Set<string>();

  /** `onContext` runs each time an answer brought the context (waiting notifications can go out). */
  constructor(
    private readonly logger: Logger,
    private readonly now: () => Date,
    private readonly onContext: () => void,
    /** The user's --unit/--coefficient/--digits for what the meter leaves out. */
    private readonly fallback: EnergyFallback = {},
  ) {}

  /** The energy context known so far. */
  get energy(): EnergyContext | undefined {
    return this.ctx;
  }

  /** Another meter: ask D3/D7/E1 again. */
  forget(): void {
    this.ctx = undefined;
  }

  /** The EPCs of one reading's Get frame: the requested ones, plus D3/D7/E1 while not known. */
  epcsFor(requested: readonly number[]): number[] {
    return requestEpcs(requested, !contextKnown(this.ctx));
  }

  /** The poll record for a Get answer; takes D3/D7/E1 from it first. */
  reading(frame: EchonetFrame, requested: readonly number[]): Reading {
    const update = updateContext(this.ctx, frame, this.fallback);
    if (update.answered) {
      this.ctx = update.ctx;
      this.logger.debug(
        { ctx: this.ctx, missing: update.missing.map(epcName) },
        'energy context (D3 coefficient, D7 digits, E1 unit)',
      );
      // Without E1 every reading asks again: warn the first time only. D7 matters to history only.
      for (const epc of update.unset) if (epc !== 0xd7) this.warnOnce(`unset-${epc}`, unsetMessage(epc));
      this.onContext();
    }
    const assembled = assembleReading(frame, requested, this.ctx ?? {}, this.now(), 'poll');
    if (assembled.missing.length > 0)
      this.warnOnce(assembled.missing.join(','), missingMessage(assembled.missing, assembled.partial));
    return assembled.reading;
  }

  /** A warning the first time `key` comes up, debug after that (a long poll repeats it every reading). */
  private warnOnce(key: string, message: string): void {
    const level = this.warnedMissing.has(key) ? 'debug' : 'warn';
    this.warnedMissing.add(key);
    this.logger[level](message);
  }
}
