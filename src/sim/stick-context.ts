/**
 * What the stick's parts (command handlers, scan, PANA session) share: options, output,
 * registers, addresses, and a scheduler that runs simulated durations at `timeScale`.
 */
import { linkLocalFromMac } from './addresses.js';
import { type LineFormat } from './line-writer.js';
import { type SimOptions } from './options.js';
import { type SimOutput } from './output.js';
import { type OptionFlash, type RegisterFile } from './registers.js';
import { systemClock, type Clock, type TimerHandle } from '../time/clock.js';

/** Real timers longer than this do not keep the process alive (a 864 s lifetime at 0.01). */
const KEEP_ALIVE_MAX_MS = 10_000;

export type TimerGroup = 'scan' | 'join' | 'send' | 'session' | 'arib' | 'term';

/**
 * Timers of the simulator in simulated milliseconds (scaled by timeScale), grouped so that SKRESET or a new
 * scan can cancel one group. They run on `clock`: the host's timers, or in tests the clock bmeter runs on
 * (one virtual time for the client and the stick, test/fixtures/virtual-clock.ts).
 */
export class Scheduler {
  private readonly groups = new Map<TimerGroup, Set<TimerHandle>>();
  private fired: (() => void)[] = [];

  constructor(
    private readonly timeScale: number,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Runs `fn` after `simMs` simulated milliseconds. */
  sim(group: TimerGroup, simMs: number, fn: () => void): void {
    this.real(group, simMs * this.timeScale, fn);
  }

  /** Runs `fn` after `ms` real milliseconds. */
  real(group: TimerGroup, ms: number, fn: () => void): void {
    const set = this.groups.get(group) ?? new Set();
    this.groups.set(group, set);
    const timer = this.clock.setTimeout(
      () => {
        set.delete(timer);
        fn();
        const waiters = this.fired;
        this.fired = [];
        for (const w of waiters) w();
      },
      Math.max(0, ms),
    );
    if (ms > KEEP_ALIVE_MAX_MS) (timer as { unref?: () => void }).unref?.(); // host timers only
    set.add(timer);
  }

  /** Runs the steps one after another, each `simMs` after the previous one. */
  script(group: TimerGroup, steps: readonly (readonly [simMs: number, fn: () => void])[]): void {
    let at = 0;
    for (const [simMs, fn] of steps) {
      at += simMs;
      this.sim(group, at, fn);
    }
  }

  /** Resolves after the next timer of any group has run. */
  nextFire(): Promise<void> {
    return new Promise((resolve) => this.fired.push(resolve));
  }

  pending(group: TimerGroup): boolean {
    return (this.groups.get(group)?.size ?? 0) > 0;
  }

  cancel(group: TimerGroup): void {
    for (const t of this.groups.get(group) ?? []) this.clock.clearTimeout(t);
    this.groups.delete(group);
  }

  cancelAll(): void {
    for (const group of [...this.groups.keys()]) this.cancel(group);
  }
}

/** Own MACs of the captured modules' families (smdn's BP35A1 test; the RS-WSUHA-P capture for the BP35C2 family). */
export function ownMacFor(dialect: 'single' | 'dual'): string {
  return dialect === 'dual' ? '001D12910004E578' : '001D129012345678';
}

/**
 * State the stick's command handlers share: own and meter addresses, the credentials set by
 * SKSETPWD/SKSETRBID, the scheduler and the output.
 */
export class StickContext {
  readonly ownMac: string;
  readonly ownLla: string;
  readonly meterLla: string;
  /** Set by SKSETPWD / SKSETRBID; cleared by SKRESET. */
  password: string | null = null;
  routeBId: string | null = null;

  constructor(
    readonly o: SimOptions,
    readonly out: SimOutput,
    readonly regs: RegisterFile,
    readonly flash: OptionFlash,
    readonly timers: Scheduler,
  ) {
    this.ownMac = ownMacFor(o.dialect);
    this.ownLla = linkLocalFromMac(this.ownMac);
    this.meterLla = linkLocalFromMac(o.meterMac);
  }

  get dual(): boolean {
    return this.o.dialect === 'dual';
  }

  /** How lines look right now: dialect, SA2 (RSSI token, dual only) and WOPT bit 0. */
  format(): LineFormat {
    return {
      dual: this.dual,
      rssi: this.dual && this.regs.flag('SA2'),
      binary: this.o.model !== 'rl7023-ips' && (this.flash.value & 0x01) === 0,
    };
  }

  /** Channel (33–60) and PAN ID currently in S02/S03. */
  radio(): { channel: number; panId: number } {
    return { channel: this.regs.number('S02'), panId: this.regs.number('S03') };
  }
}
