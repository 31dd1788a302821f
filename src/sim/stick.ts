/**
 * A simulated Wi-SUN USB stick speaking SKSTACK IP (docs/protocol.md §1–§5): takes the bytes a
 * client writes, in any fragmentation, and answers as a BP35A1-like single-stack or a
 * BP35C2-like dual-stack module with the simulated meter behind its radio. One instance keeps
 * its registers and PANA session for as long as it lives, across client connections.
 */
import { canonicalIpv6, isMac, linkLocalFromMac } from './addresses.js';
import { CommandReader, type StickInput } from './command-reader.js';
import { FaultInjector } from './faults.js';
import { CRLF } from './line-writer.js';
import { SimMeter } from './meter.js';
import { type SimOptions, resolveSimOptions } from './options.js';
import { SimOutput, type Sink } from './output.js';
import { seededRandom } from './random.js';
import { OptionFlash, RegisterFile, normaliseRegister } from './registers.js';
import { SCAN_MODE, runScan } from './scan.js';
import { SimSession } from './session.js';
import { Scheduler, StickContext, ownMacFor } from './stick-context.js';
import { type Clock } from '../time/clock.js';

/** Product-configuration commands: replies end with CR only (§1, §3.12). */
const CR_ONLY = new Set(['WOPT', 'ROPT', 'WUART', 'RUART']);
const FIRMWARE = {
  bp35a1: { ever: '1.2.10', appver: 'rev26e' },
  'rl7023-ips': { ever: '1.2.10', appver: 'rl7023-c' },
  bp35c2: { ever: '1.5.2', appver: 'rev26e' },
} as const;
/** How often the sim clock is checked for a :00/:30 crossing (real ms). */
const CLOCK_POLL_MS = 1000;

type Handler = (args: string[], text: string) => void;

/**
 * The simulated Wi-SUN stick speaking SKSTACK IP (docs/protocol.md §3): write() takes what the client sends,
 * attach() receives what the stick prints; single- or dual-stack, hex or binary ERXUDP, with the fault plan
 * applied.
 */
export class SimStick {
  readonly options: SimOptions;
  readonly meter: SimMeter;
  readonly registers: RegisterFile;
  readonly flash: OptionFlash;
  readonly session: SimSession;
  private readonly ctx: StickContext;
  private readonly reader = new CommandReader();
  private readonly faults: FaultInjector;
  private readonly out: SimOutput;
  private readonly poll: NodeJS.Timeout;
  private readonly commands: Record<string, Handler>;
  private uart = '00';

  /**
   * `partial`: the options (src/sim/options.ts); `clock` runs the stick's timers: the host's by default, in tests
   * the virtual clock bmeter runs on (one time for both).
   */
  constructor(partial: Partial<SimOptions> = {}, clock?: Clock) {
    const o = resolveSimOptions(partial);
    this.options = o;
    const random = seededRandom(o.seed);
    this.faults = new FaultInjector(o.faults, o.faultRate, seededRandom(o.seed + 1));
    this.out = new SimOutput(seededRandom(o.seed + 2), () => this.faults.fragment);
    this.meter = new SimMeter(o);
    this.registers = new RegisterFile(ownMacFor(o.dialect));
    // BP35A1 factory default is binary (§3.12); the option picks the initial flash content.
    this.flash = new OptionFlash(o.erxudp === 'hex' ? 0x01 : 0x00);
    this.ctx = new StickContext(o, this.out, this.registers, this.flash, new Scheduler(o.timeScale, clock));
    this.session = new SimSession(this.ctx, this.meter, this.faults, random);
    this.uart = o.dialect === 'dual' ? '80' : '00';
    this.poll = setInterval(() => this.session.tick(), CLOCK_POLL_MS);
    this.poll.unref();
    this.commands = this.commandTable();
  }

  get ownLla(): string {
    return this.ctx.ownLla;
  }

  get meterLla(): string {
    return this.ctx.meterLla;
  }

  /** Attaches the (single) reader of the stick's output; returns the detach function. */
  attach(sink: Sink): () => void {
    return this.out.attach(sink);
  }

  /** Bytes from the client. */
  write(data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    for (const input of this.reader.push(bytes)) this.handle(input);
  }

  /** Checks the sim clock now (tests with a fixed clock call it after moving the clock). */
  tick(): void {
    this.session.tick();
  }

  /**
   * The meter starts using another channel (33–60), e.g. after the power company reconfigured it:
   * its beacon is heard there from now on (§3.6), and a stick still tuned to the old channel
   * (register S02) gets no answer to its sends and no PANA answer to SKJOIN until it scans and joins again.
   */
  moveMeter(channel: number): void {
    if (!Number.isInteger(channel) || channel < 33 || channel > 60)
      throw new RangeError(`channel must be 33–60, got ${channel}`);
    this.options.channel = channel;
  }

  /** The meter's radio goes silent (false) or comes back (true); the stick keeps its state. */
  setMeterOnAir(on: boolean): void {
    this.options.offAir = !on;
  }

  /**
   * Resolves once the stick has nothing more to say about what it was sent: no scheduled reply of
   * a command (SKSENDTO's EVENT 21 and answer, a scan, a join, SKTERM) is pending and the output is
   * flushed. Session lifetime and ARIB timers do not count. Lets tests wait for the stick instead
   * of sleeping. On a virtual clock the pending timers fire only when that clock moves on.
   */
  async settled(): Promise<void> {
    const busy = ['send', 'scan', 'join', 'term'] as const;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!busy.some((g) => this.ctx.timers.pending(g))) {
        await new Promise((resolve) => setImmediate(resolve)); // the output flushes on setImmediate
        return;
      }
      await this.ctx.timers.nextFire();
    }
  }

  /** Stops every timer; the instance is dead afterwards. */
  dispose(): void {
    this.ctx.timers.cancelAll();
    clearInterval(this.poll);
  }

  private reply(text: string, crOnly = false): void {
    this.out.write(text + (crOnly ? '\r' : CRLF));
  }

  private fail(code: string, crOnly = false): void {
    this.reply(`FAIL ${code}`, crOnly);
  }

  private handle(input: StickInput): void {
    const echo = this.registers.flag('SFE');
    if (input.kind === 'sendto') {
      // The echo is the header only, ending with CRLF; the data is not echoed (§3.10, as in the RS-WSUHA-P capture).
      if (echo) this.out.write(input.header + CRLF);
      const failure = this.faults.commandFailure('SKSENDTO');
      if (failure !== null) return this.fail(failure);
      return this.sendto(input.header.trim().split(/ +/).slice(1), input.data);
    }
    if (echo) this.out.write(input.text + CRLF);
    const [name = '', ...args] = input.text.trim().split(/ +/);
    const crOnly = CR_ONLY.has(name);
    const failure = this.faults.commandFailure(name);
    if (failure !== null) return this.fail(failure, crOnly);
    const handler = this.commands[name];
    if (handler === undefined || !Object.hasOwn(this.commands, name)) return this.fail('ER04');
    handler(args, input.text);
  }

  private commandTable(): Record<string, Handler> {
    const o = this.options;
    const dual = o.dialect === 'dual';
    const productConfig = o.model !== 'rl7023-ips';
    const arity = (n: number, args: string[], crOnly = false): boolean => {
      if (args.length === n) return true;
      this.fail('ER05', crOnly);
      return false;
    };
    const ok = () => this.reply('OK');
    const table: Record<string, Handler> = {
      SKVER: (a) => arity(0, a) && this.reply(`EVER ${FIRMWARE[o.model].ever}\r\nOK`),
      SKAPPVER: (a) => arity(0, a) && this.reply(`EAPPVER ${FIRMWARE[o.model].appver}\r\nOK`),
      SKINFO: (a) => {
        if (!arity(0, a)) return;
        const r = this.registers;
        // 5th field: ADDR16 FFFE on single-stack, a side-like digit on dual-stack (§3.2).
        this.reply(
          `EINFO ${this.ctx.ownLla} ${r.get('S01')} ${r.get('S02')} ${r.get('S03')} ${dual ? '0' : 'FFFE'}\r\nOK`,
        );
      },
      SKRESET: (a) => {
        if (!arity(0, a)) return;
        this.session.reset();
        this.ctx.timers.cancelAll();
        this.registers.reset();
        this.ctx.password = null;
        this.ctx.routeBId = null;
        ok();
      },
      SKSREG: (a) => {
        if (a.length !== 1 && a.length !== 2) return this.fail('ER05');
        const reg = normaliseRegister(a[0] ?? '', dual);
        if (reg === null) return this.fail('ER06');
        if (a.length === 1) return this.reply(`ESREG ${this.registers.get(reg)}\r\nOK`);
        return this.registers.set(reg, a[1] ?? '') === 'ok' ? ok() : this.fail('ER06');
      },
      SKSETPWD: (a, text) => {
        if (a.length < 2) return this.fail('ER05');
        const m = /^SKSETPWD +([0-9A-Fa-f]{1,2}) (.+)$/.exec(text.trim());
        const len = Number.parseInt(m?.[1] ?? 'x', 16);
        const pwd = m?.[2] ?? '';
        if (len < 1 || len > 32 || pwd.length !== len) return this.fail('ER06');
        this.ctx.password = pwd;
        ok();
      },
      SKSETRBID: (a) => {
        if (!arity(1, a)) return;
        const id = a[0] ?? '';
        if (id.length !== 32) return this.fail('ER06');
        this.ctx.routeBId = id;
        this.registers.force('S0A', id.slice(-8)); // Pairing ID = last 8 chars (§3.4 S0A)
        ok();
      },
      SKSCAN: (a) => {
        if (!arity(dual ? 4 : 3, a)) return;
        const [mode, mask, duration, side = '0'] = a.map((x) => x.toUpperCase());
        const modes: number[] = Object.values(SCAN_MODE);
        const d = Number.parseInt(duration ?? '', 16);
        if (
          !modes.includes(Number(mode)) ||
          !/^[0-9]$/.test(mode ?? '') ||
          !/^[0-9A-F]{1,8}$/.test(mask ?? '') ||
          !/^[0-9A-E]$/.test(duration ?? '') ||
          !/^[01]$/.test(side)
        )
          return this.fail('ER06');
        if (this.ctx.timers.pending('scan')) return this.fail('ER10');
        ok();
        runScan(this.ctx, {
          mode: Number(mode),
          mask: Number.parseInt(mask ?? '0', 16),
          duration: d,
          side: Number(side),
        });
      },
      SKLL64: (a) => {
        if (!arity(1, a)) return;
        if (!isMac(a[0] ?? '')) return this.fail('ER06');
        this.reply(linkLocalFromMac(a[0] ?? '')); // one line, no OK (§3.7)
      },
      SKJOIN: (a) => {
        if (!arity(1, a)) return;
        const target = canonicalIpv6(a[0] ?? '');
        if (target === null) return this.fail('ER06');
        ok();
        this.session.join(target);
      },
      SKTERM: (a) => {
        if (!arity(0, a)) return;
        const code = this.session.terminate();
        if (code !== null) this.fail(code);
      },
      SKSENDTO: () => this.fail('ER05'), // a header line without its data (no DATALEN + space)
      ROPT: (a) =>
        arity(0, a, true) && this.reply(`OK ${this.flash.value.toString(16).toUpperCase().padStart(2, '0')}`, true),
      WOPT: (a) => {
        if (!arity(1, a, true)) return;
        if (!/^0[01]$/.test(a[0] ?? '')) return this.fail('ER06', true);
        this.flash.write(Number.parseInt(a[0] ?? '0', 16));
        this.reply('OK', true);
      },
      RUART: (a) => arity(0, a, true) && this.reply(`OK ${this.uart}`, true),
      WUART: (a) => {
        if (!arity(1, a, true)) return;
        if (!/^[0-9A-Fa-f]{2}$/.test(a[0] ?? '')) return this.fail('ER06', true);
        this.uart = (a[0] ?? '00').toUpperCase();
        this.reply('OK', true);
      },
    };
    // RL7023 Stick-D/IPS does not know the product-configuration commands (§3.12: ER04).
    if (!productConfig) for (const c of CR_ONLY) delete table[c];
    return table;
  }

  private sendto(args: string[], data: Buffer): void {
    const dual = this.options.dialect === 'dual';
    if (args.length !== (dual ? 6 : 5)) return this.fail('ER05');
    const [handle = '', address = '', port = '', sec = '', ...rest] = args;
    const side = dual ? (rest[0] ?? '') : '0';
    const dataLen = Number.parseInt(rest[rest.length - 1] ?? '', 16);
    const dest = canonicalIpv6(address);
    if (
      !/^[1-6]$/.test(handle) ||
      dest === null ||
      !/^[0-9A-Fa-f]{4}$/.test(port) ||
      !/^[0-2]$/.test(sec) ||
      !/^[01]$/.test(side) ||
      dataLen < 1 ||
      dataLen > 0x04d0
    )
      return this.fail('ER06');
    const code = this.session.send(dest, Number.parseInt(port, 16), Number(sec), data);
    if (code !== null) this.fail(code);
  }
}
