/**
 * The byte pipe to a stick: a serial device, a TCP socket (ser2net/socat) or the in-process
 * simulator. Transports move bytes only; framing lives in skstack/.
 */
export interface Transport {
  /** A human-readable name for messages, e.g. `/dev/ttyUSB0` or `tcp://pi:4000`. */
  readonly description: string;
  /** Writes bytes; resolves once they are handed to the OS (drained). */
  write(data: Uint8Array | string): Promise<void>;
  /** Registers the single consumer of incoming bytes. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once when the other end goes away (unplugged stick, closed socket). */
  onClose(listener: (err?: Error) => void): void;
  close(): Promise<void>;
  /**
   * Other processes that hold the same device open (serial devices on Linux, from /proc), as
   * `pid N (command)`; empty when none are known. Absent for transports where it means nothing.
   */
  otherHolders?(): Promise<string[]>;
}

export type TransportFactory = (port: string) => Promise<Transport>;
