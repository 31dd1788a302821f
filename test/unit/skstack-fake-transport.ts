/**
 * A scripted Transport for client tests: each step says which bytes the client must write next
 * and which chunks the "stick" answers with. Transcripts are written by hand from docs/protocol.md or
 * taken from real-captures.jsonl; never produced by the simulator.
 */
import assert from 'node:assert/strict';
import type { Transport } from '../../src/transport/transport.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

export interface Step {
  /** The exact bytes expected (string is latin1), or a RegExp on their latin1 text. */
  expect: string | Buffer | RegExp;
  /** Chunks sent back one event-loop turn after the write (each delivered separately). */
  reply?: Array<string | Buffer>;
}

export class ScriptedTransport implements Transport {
  readonly description = '/dev/ttyUSB0';
  readonly writes: Buffer[] = [];
  /**
   * The time of this scripted stick, for the client under test (`{ clock: t.clock }`): it moves on only when
   * nothing is left to do, so a drain's quiet period or a command timeout costs no real time and never ends
   * before a reply already on its way, however loaded the machine.
   */
  readonly clock = new VirtualClock(Date.UTC(2024, 4, 1, 3, 10));
  private dataListener: ((chunk: Buffer) => void) | undefined;
  private closeListener: ((err?: Error) => void) | undefined;
  closed = false;

  constructor(
    private readonly script: Step[],
    private readonly options: { byteByByte?: boolean } = {},
  ) {}

  async write(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    this.writes.push(bytes);
    const step = this.script.shift();
    assert.ok(step, `unexpected write after the script ended: ${JSON.stringify(bytes.toString('latin1'))}`);
    if (step.expect instanceof RegExp) assert.match(bytes.toString('latin1'), step.expect);
    else assert.deepEqual(bytes.toString('latin1'), Buffer.from(step.expect).toString('latin1'));
    const reply = step.reply ?? [];
    setImmediate(() => this.emit(...reply));
  }

  /** Delivers chunks as if the stick sent them now (byte by byte when so configured). */
  emit(...chunks: Array<string | Buffer>): void {
    for (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
      if (this.options.byteByByte) for (const b of bytes) this.dataListener?.(Buffer.from([b]));
      else this.dataListener?.(bytes);
    }
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListener = listener;
  }

  onClose(listener: (err?: Error) => void): void {
    this.closeListener = listener;
  }

  /** Simulates the stick going away. */
  hangUp(err?: Error): void {
    this.closeListener?.(err);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  get remaining(): number {
    return this.script.length;
  }

  get written(): string[] {
    return this.writes.map((w) => w.toString('latin1'));
  }
}

export const CRLF = '\r\n';
export const lines = (...ls: string[]): string => ls.map((l) => l + CRLF).join('');

/** The open() exchange of a BP35A1 (single-stack, EVER 1.2.10, echo already off, ROPT binary). */
export function singleOpen(ropt: string[] = ['OK 00\r']): Step[] {
  return [
    { expect: '\r\n' },
    { expect: 'SKSREG SFE 0\r\n', reply: [lines('OK')] },
    { expect: 'SKVER\r\n', reply: [lines('EVER 1.2.10', 'OK')] },
    {
      expect: 'SKINFO\r\n',
      reply: [lines('EINFO FE80:0000:0000:0000:021D:1290:1234:5678 001D129012345678 21 8888 FFFE', 'OK')],
    },
    { expect: 'ROPT\r', reply: ropt },
  ];
}

/** The open() exchange of an RS-WSUHA-P (dual-stack, EVER 1.5.2) with echo on at first, ROPT hex. */
export function dualOpen(): Step[] {
  return [
    { expect: '\r\n', reply: [lines('FAIL ER04')] },
    { expect: 'SKSREG SFE 0\r\n', reply: [lines('SKSREG SFE 0', 'OK')] },
    { expect: 'SKVER\r\n', reply: [lines('EVER 1.5.2', 'OK')] },
    {
      expect: 'SKINFO\r\n',
      reply: [lines('EINFO FE80:0000:0000:0000:021D:1291:0004:E578 001D12910004E578 31 B5FB 0', 'OK')],
    },
    { expect: 'ROPT\r', reply: ['OK 01\r'] },
  ];
}

/** Timeouts for scripted sticks, which answer at once: a short drain, and 5 s for a command's status. */
export const FAST = { drainMs: 5, commandMs: 5000, skverMs: 5000 };

/** For the tests whose subject is a command the stick never answers: it times out after 200 ms. */
export const SHORT_COMMANDS = { ...FAST, commandMs: 200, skverMs: 200 };

/**
 * For scripts whose drain poke ('\r\n', first step) gets a reply (dualOpen, J11, stray lines): the
 * drain's defaults (a 300 ms quiet period, 2 s at most), which the reply one event-loop turn later falls in.
 */
export const FAST_DRAIN_REPLY = { ...FAST, drainMs: 2000, drainQuietMs: 300 };
