/**
 * The stick's side of the line, as the client receives it: bytes → framer (framer.ts) → typed
 * lines for the command in flight (pending.ts); while opening, J11 frames (a non-SKSTACK module,
 * §11) are watched for and everything before the drain's end is discarded; EVENT/ERXUDP that no
 * command claimed go to the one subscriber, anything else is counted and logged at debug.
 */
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { describeLine } from './describe.js';
import { J11Detector, J11_MESSAGE } from './dialect.js';
import { SkFramer, type ErxudpFormat } from './framer.js';
import type { SkLine } from './lines.js';
import type { Notification } from './types.js';

/** Where received lines go. */
export interface InboundTargets {
  description: string;
  logger: Logger;
  /** A line for the command in flight. */
  feed(line: SkLine): void;
  /** Aborts the command in flight (a J11 frame during the open). */
  abort(err: Error): void;
}

/** Received bytes → lines → the command in flight or the subscriber. */
export class Inbound {
  private readonly framer = new SkFramer();
  private readonly j11 = new J11Detector();
  private subscriber: ((line: Notification) => void) | undefined;
  /** True while opening: J11 frames are looked for. */
  opening = false;
  /** True during the opening drain: lines are discarded. */
  draining = false;
  /** Re-arms the drain's quiet timer (set while draining). */
  drainActivity: (() => void) | undefined;
  /** Lines nobody claimed (garbage, unknown E-lines), logged at debug. */
  unknownLines = 0;

  constructor(private readonly to: InboundTargets) {}

  /** The one subscriber channel for EVENT/ERXUDP no command claimed. */
  subscribe(cb: (line: Notification) => void): void {
    this.subscriber = cb;
  }

  /** How binary ERXUDP data is framed from now on (ROPT, §3.12). */
  setErxudpFormat(format: ErxudpFormat): void {
    this.framer.setErxudpFormat(format);
  }

  /** One chunk from the transport. */
  push(chunk: Buffer): void {
    this.drainActivity?.();
    // J11 frames only matter while opening; after that, binary ERXUDP data may hold any bytes.
    if (this.opening && this.j11.push(chunk)) this.to.abort(this.j11Error());
    for (const line of this.framer.push(chunk)) {
      this.to.logger.trace({ rx: describeLine(line) }, 'line');
      if (this.draining) continue;
      this.to.feed(line);
    }
  }

  /** Throws NOT_SKSTACK when a J11 frame was seen. */
  refuseJ11(): void {
    if (this.j11.seen) throw this.j11Error();
  }

  /** A line no command claimed. */
  unsolicited(line: SkLine): void {
    if (line.type === 'event' || line.type === 'erxudp') {
      if (this.subscriber) this.subscriber(line);
      else this.to.logger.debug({ line: describeLine(line) }, 'notification without subscriber dropped');
      return;
    }
    this.unknownLines++;
    this.to.logger.debug({ line: describeLine(line) }, 'unexpected line ignored');
  }

  private j11Error(): BmeterError {
    return new BmeterError('NOT_SKSTACK', `${this.to.description}: ${J11_MESSAGE}`);
  }
}
