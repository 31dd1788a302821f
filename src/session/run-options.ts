/**
 * What every run on the meter takes (poll, history, serve): the port session, where records go
 * (the reading stream's sink), and the signal that stops it.
 */
import type { PortSessionOptions } from './port.js';

/** Where records go (src/output/sink.ts `Sink`): `write` once per record, in order. */
export interface RecordSink {
  write(record: Record<string, unknown>): Promise<void>;
  readonly closed: boolean;
}

/** What a run on the meter takes (poll, history): the port session, where records go, when to stop. */
export interface MeterRunOptions extends PortSessionOptions {
  sink: RecordSink;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Try the PANA session the stick kept before joining (default true). */
  reuseSession?: boolean;
}
