/**
 * The SKSTACK IP client: one command at a time over a Transport, both dialects (docs/protocol.md §2),
 * unsolicited EVENT/ERXUDP to one subscriber. The command table is in commands.ts, the waitress
 * in pending.ts, the byte framer in framer.ts.
 */
import { BmeterError, isBmeterError } from '../errors.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Transport } from '../transport/transport.js';
import { systemClock, type Clock } from '../time/clock.js';
import { checkRegister } from './address.js';
import { hex, MAX_SENDTO_DATA, scanTimeoutMs, type CommandName } from './commands.js';
import { drainUntilQuiet } from './drain.js';
import type { Dialect, DialectSource } from './dialect.js';
import { identifyStick } from './identify.js';
import { isFail } from './errors.js';
import { Inbound } from './inbound.js';
import { readOutputFormat } from './output-format.js';
import {
  connectionClosed,
  Event21Tracker,
  joinTimeout,
  observeJoin,
  observeScan,
  sendToArgs,
  terminateSpec,
} from './operations.js';
import type { Notification, PanDescriptor, ScanOptions, SkstackClientOptions, SkTimeouts, StickInfo } from './types.js';
import { DEFAULT_TIMEOUTS } from './types.js';
import { buildJob, type CommandSpec } from './job.js';
import { Pending, type Job } from './pending.js';

export type { Notification, PanDescriptor, ScanOptions, SkstackClientOptions, SkTimeouts, StickInfo } from './types.js';
export { DEFAULT_TIMEOUTS } from './types.js';

/**
 * The SKSTACK IP client over one transport: sends the commands of §3 one at a time (each with its timeout from
 * `SkTimeouts`, ms), reads the stick's lines through SkFramer, and hands ERXUDP datagrams and EVENTs that no
 * command waits for to its listeners. Knows the stick's dialect (single- or dual-stack, §2), detected or given.
 * Methods reject with SkstackCommandError on `FAIL ERnn`, TIMEOUT when an answer does not come, and CLOSED once
 * the port closed.
 */
export class SkstackClient {
  private readonly logger: Logger;
  private readonly timeouts: SkTimeouts;
  private readonly clock: Clock;
  private readonly inbound: Inbound;
  private readonly closedListeners: (() => void)[] = [];
  private readonly pending: Pending;
  private dialectValue: Dialect;
  private dialectSourceValue: DialectSource;
  private infoValue: StickInfo | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly options: SkstackClientOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger();
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.clock = options.clock ?? systemClock;
    this.dialectValue = options.dialect ?? 'single';
    this.dialectSourceValue = options.dialect ? 'option' : 'default';
    this.inbound = new Inbound({
      description: transport.description,
      logger: this.logger,
      feed: (line) => this.pending.feed(line),
      abort: (err) => this.pending.abortCurrent(err),
    });
    this.pending = new Pending({
      write: (bytes) => this.transport.write(bytes),
      unsolicited: (line) => this.inbound.unsolicited(line),
      resyncJob: () => this.job('SKVER', [], { onOk: () => ({ resolve: undefined }) }),
      logger: this.logger,
      clock: this.clock,
    });
    transport.onData((chunk) => this.inbound.push(chunk));
    transport.onClose((err) => {
      this.pending.closeAll(connectionClosed(transport.description, err));
      for (const cb of this.closedListeners.splice(0)) cb();
    });
  }

  get dialect(): Dialect {
    return this.dialectValue;
  }

  get info(): StickInfo | undefined {
    return this.infoValue;
  }

  /** Strays and stale echoes seen so far (for diagnostics). */
  get stats(): { strayStatus: number; staleEchoes: number; unknownLines: number } {
    return { ...this.pending.stats, unknownLines: this.inbound.unknownLines };
  }

  /** Called when the transport closes under the client: whatever is pending has failed already. */
  onClosed(cb: () => void): void {
    this.closedListeners.push(cb);
  }

  /** The one subscriber channel for EVENT/ERXUDP no command claimed. */
  onNotification(cb: (line: Notification) => void): void {
    this.inbound.subscribe(cb);
  }

  /**
   * §6 steps 1–3 without SKRESET (it would drop a PANA session the next run could reuse):
   * CRLF + drain, `SKSREG SFE 0`, SKVER, SKINFO (dialect), ROPT (ERXUDP format).
   */
  async open(): Promise<StickInfo> {
    this.inbound.opening = true;
    try {
      this.inbound.draining = true;
      await this.transport.write('\r\n').catch((err: unknown) => {
        if (isBmeterError(err)) throw err;
        throw new BmeterError(
          'PORT',
          `writing to ${this.transport.description} failed: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      });
      await drainUntilQuiet(
        this.clock,
        this.timeouts.drainMs,
        this.timeouts.drainQuietMs,
        (a) => (this.inbound.drainActivity = a),
      );
      this.inbound.draining = false;
      this.inbound.refuseJ11();
      try {
        await this.command('SKSREG', ['SFE', '0'], { echoOff: true, onOk: () => ({ resolve: undefined }) });
        this.pending.echoMode = 'off';
      } catch (err) {
        this.inbound.refuseJ11();
        this.logger.debug({ err: (err as Error).message }, 'SKSREG SFE 0 failed; echoes stay tolerated');
      }
      const { firmware, einfo, detected } = await identifyStick({
        description: this.transport.description,
        logger: this.logger,
        skverMs: this.timeouts.skverMs,
        command: (name, args, spec) => this.command(name, args, spec),
        refuseJ11: () => this.inbound.refuseJ11(),
      });
      if (!this.options.dialect && detected)
        [this.dialectValue, this.dialectSourceValue] = [detected.dialect, detected.source];
      const erxudpFormat = await readOutputFormat(
        (name, args) => this.command<string | undefined>(name, args, { onOk: (v) => ({ resolve: v }) }),
        this.options.setHexOutput === true,
        this.logger,
      );
      this.inbound.setErxudpFormat(erxudpFormat);
      const info: StickInfo = {
        firmware,
        dialect: this.dialectValue,
        dialectSource: this.dialectSourceValue,
        erxudpFormat,
      };
      if (einfo) Object.assign(info, { ownIpv6: einfo.ipv6, ownMac: einfo.mac });
      this.infoValue = info;
      this.logger.debug({ ...info }, 'stick ready');
      return info;
    } finally {
      this.inbound.opening = false;
      this.inbound.draining = false;
    }
  }

  async setPassword(password: string): Promise<void> {
    if (!/^[\x21-\x7e]{1,32}$/.test(password)) {
      throw new BmeterError('CONFIG', 'the Route-B password must be 1–32 printable ASCII characters without spaces');
    }
    await this.command('SKSETPWD', [hex(password.length, 1), password], { onOk: () => ({ resolve: undefined }) });
  }

  async setRouteBId(id: string): Promise<void> {
    if (!/^[\x21-\x7e]{32}$/.test(id))
      throw new BmeterError('CONFIG', 'the Route-B ID must be exactly 32 printable ASCII characters');
    await this.command('SKSETRBID', [id], { onOk: () => ({ resolve: undefined }) });
  }

  /** Active scan with IE (mode 2, §3.6); resolves with every PAN seen when EVENT 22 comes. */
  async scan(duration: number, options: ScanOptions = {}): Promise<PanDescriptor[]> {
    if (!Number.isInteger(duration) || duration < 0 || duration > 14)
      throw new BmeterError('USAGE', `scan duration must be 0–14, got ${duration}`);
    const mask = (options.channelMask ?? 0xffffffff) >>> 0;
    const total = options.timeoutMs ?? scanTimeoutMs(duration, mask, this.timeouts.scanMarginMs);
    return this.withDialectFallback(() => {
      const found: PanDescriptor[] = [];
      const args = ['2', hex(mask, 8), hex(duration, 1), ...(this.dialectValue === 'dual' ? ['0'] : [])];
      return this.command<PanDescriptor[]>('SKSCAN', args, {
        totalTimeoutMs: total,
        onOk: () => 'wait',
        observe: observeScan(found, this.logger, options.onProgress),
      });
    });
  }

  /** MAC → link-local IPv6 (§3.7): the answer is a bare address line, no OK. */
  async ll64(mac: string): Promise<string> {
    if (!/^[0-9A-Fa-f]{16}$/.test(mac))
      throw new BmeterError('USAGE', `SKLL64 needs a 16-hex-digit MAC address, got "${mac}"`);
    return this.command<string>('SKLL64', [mac.toUpperCase()], {
      onOk: (_v, r) => ({ resolve: r?.type === 'text' ? r.text.trim().toUpperCase() : '' }),
    });
  }

  async setRegister(reg: string, value: string): Promise<void> {
    checkRegister(reg, value);
    await this.command('SKSREG', [reg, value], { onOk: () => ({ resolve: undefined }) });
  }

  async getRegister(reg: string): Promise<string> {
    checkRegister(reg);
    return this.command<string>('SKSREG', [reg], {
      expect: 'esreg',
      onOk: (_v, r) => ({ resolve: r?.type === 'esreg' ? r.value : '' }),
    });
  }

  /** PANA authentication (§3.8): EVENT 25 from that address; EVENT 24 → AUTH. */
  async join(ipv6: string, timeoutMs = this.timeouts.joinMs): Promise<void> {
    await this.command('SKJOIN', [ipv6.toUpperCase()], {
      totalTimeoutMs: timeoutMs,
      onOk: () => 'wait',
      observe: observeJoin(ipv6),
      timeoutError: (phase) => joinTimeout(ipv6, phase, this.timeouts.commandMs, timeoutMs),
    });
  }

  /**
   * UDP send (§3.10): header, one space, raw data, no CRLF. EVENT 21 comes before OK; the result
   * is the last EVENT 21 param from that address (00 sent, 01 failed, 02 did NS instead).
   */
  async sendTo(ipv6: string, data: Buffer, options: { port: number; secured?: 0 | 1 | 2 }): Promise<{ param: number }> {
    if (data.length < 1 || data.length > MAX_SENDTO_DATA)
      throw new BmeterError('USAGE', `SKSENDTO data must be 1–${MAX_SENDTO_DATA} bytes, got ${data.length}`);
    return this.withDialectFallback(() => {
      const tracker = new Event21Tracker(ipv6);
      const args = sendToArgs(ipv6, options.port, options.secured ?? 1, this.dialectValue, data.length);
      return this.command<{ param: number }>('SKSENDTO', args, {
        data,
        totalTimeoutMs: this.timeouts.sendToMs,
        onOk: () => (tracker.last === undefined ? 'wait' : { resolve: { param: tracker.last } }),
        observe: tracker.observe,
      });
    });
  }

  /** SKTERM (§3.11): waits briefly for EVENT 27/28; FAIL ER10 (no session) is fine. */
  async terminate(): Promise<'terminated' | 'timed-out' | 'no-response' | 'no-session'> {
    try {
      return await this.command('SKTERM', [], terminateSpec(this.timeouts.commandMs + this.timeouts.terminateMs));
    } catch (err) {
      if (isFail(err, '10')) return 'no-session';
      throw err;
    }
  }

  async close(): Promise<void> {
    this.pending.closeAll(
      new BmeterError('CLOSED', `the client for ${this.transport.description} was closed while a command was pending`),
    );
    await this.transport.close();
  }

  private async withDialectFallback<T>(attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt();
    } catch (err) {
      // §2/§11.1: FAIL ER05 = wrong argument count = the other dialect (unless the user chose it).
      if (!isFail(err, '05') || this.dialectSourceValue === 'option' || this.dialectSourceValue === 'fallback')
        throw err;
      this.dialectValue = this.dialectValue === 'dual' ? 'single' : 'dual';
      this.dialectSourceValue = 'fallback';
      if (this.infoValue) Object.assign(this.infoValue, { dialect: this.dialectValue, dialectSource: 'fallback' });
      this.logger.info({ dialect: this.dialectValue }, 'FAIL ER05: switching SKSTACK dialect and retrying');
      return attempt();
    }
  }

  private command<T>(name: CommandName, args: string[], spec: CommandSpec<T>): Promise<T> {
    return this.pending.run(this.job(name, args, spec));
  }

  private job<T>(name: CommandName, args: string[], spec: CommandSpec<T>): Job<T> {
    return buildJob(name, args, spec, { timeouts: this.timeouts, description: this.transport.description });
  }
}
