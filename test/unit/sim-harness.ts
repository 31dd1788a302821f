/**
 * Test harness for the simulator's own tests: a SimStick with its output collected as latin1
 * text (binary ERXUDP bytes map 1:1 to chars), plus helpers that wait for output. The stick runs on a
 * VirtualClock: its scans, joins, session lifetime and ARIB hold take no real time, and a wait ends
 * only when the stick has really said what was expected or has nothing left to do.
 */
import { afterEach } from 'node:test';
import { SimStick } from '../../src/sim/stick.js';
import { type SimOptions } from '../../src/sim/options.js';
import { VirtualClock } from '../fixtures/virtual-clock.js';

/** The harnesses not disposed yet. */
const live = new Set<StickHarness>();

// After every test of the process, also one that failed before its dispose(): a stick left on its virtual clock
// would otherwise run its session lifetime and re-authentication for ever and keep the process from ending.
afterEach(() => {
  for (const h of live) h.dispose();
});

export class StickHarness {
  readonly stick: SimStick;
  /** The stick's timer time, in ms from 0 (its meter keeps its own wall clock: SimOptions.clock). */
  readonly clock = new VirtualClock(0);
  private out = '';
  readonly chunks: Buffer[] = [];
  /** The wait of until(), checked at every chunk the stick prints. */
  private waiter: (() => void) | undefined;

  constructor(options: Partial<SimOptions> = {}) {
    this.stick = new SimStick({ timeScale: 0.001, rttMs: 5, ...options }, this.clock);
    live.add(this);
    this.stick.attach((chunk) => {
      this.chunks.push(Buffer.from(chunk));
      this.out += Buffer.from(chunk).toString('latin1');
      this.waiter?.();
    });
  }

  send(data: string | Buffer): void {
    this.stick.write(data);
  }

  /** Output collected since the last take(). */
  peek(): string {
    return this.out;
  }

  take(): string {
    const o = this.out;
    this.out = '';
    return o;
  }

  /**
   * Waits until the collected output satisfies `done` (or contains the string), then takes it: checked as each
   * chunk arrives, so what the stick prints later (on its clock, which moves on whenever nothing is left to do)
   * stays for the next take(). `timeoutMs` is real time and only turns a hang into a failure.
   */
  async until(done: string | ((out: string) => boolean), timeoutMs = 3000): Promise<string> {
    const test = typeof done === 'string' ? (o: string) => o.includes(done) : done;
    if (!test(this.out)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiter = undefined;
          reject(new Error(`timed out waiting for output; got ${JSON.stringify(this.out)}`));
        }, timeoutMs);
        this.waiter = () => {
          if (!test(this.out)) return;
          this.waiter = undefined;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.take();
  }

  /**
   * Sends a command and returns all output once the stick has settled (every reply it scheduled
   * for it is out: EVENT 21 and the meter's answer, a scan, a join): no fixed sleep.
   */
  async exchange(data: string | Buffer): Promise<string> {
    this.send(data);
    await this.stick.settled();
    return this.take();
  }

  dispose(): void {
    this.stick.dispose();
    this.clock.stop();
    live.delete(this);
  }
}

/** Credentials + scan + join; resolves once EVENT 25 and the INF D5 are out. */
export async function joined(h: StickHarness, opts: { password?: string; routeBId?: string } = {}): Promise<void> {
  const o = h.stick.options;
  const pw = opts.password ?? o.password;
  h.send(
    `SKSREG SFE 0\r\nSKSETPWD ${pw.length.toString(16).toUpperCase()} ${pw}\r\nSKSETRBID ${opts.routeBId ?? o.routeBId}\r\n`,
  );
  h.send(`SKSREG S2 ${o.channel.toString(16).toUpperCase()}\r\nSKSREG S3 ${o.meterMac.slice(12)}\r\n`);
  h.send(`SKJOIN ${h.stick.meterLla}\r\n`);
  await h.until(
    (out) =>
      out.includes('0EF0017301D50401028801') || (out.includes('\x10\x81\x00\x00\x0e\xf0\x01') && out.endsWith('\r\n')),
  );
}
