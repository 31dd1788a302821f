/**
 * The PANA session between the stick and the meter, and everything that travels over it:
 * SKJOIN's sequence (docs/protocol.md §3.8), SKSENDTO round trips (§3.10), SKTERM (§3.11), session
 * events 24–29 and 32/33 (§3.9), and the meter's unsolicited INF (D5 after join, EA/EB at every
 * :00/:30 of the sim clock, §7).
 */
import { MULTICAST_ALL_NODES, linkLocalFromMac } from './addresses.js';
import { type FaultInjector } from './faults.js';
import { erxudp, eventLine } from './line-writer.js';
import { type SimMeter } from './meter.js';
import { lastHalfHour } from './meter-values.js';
import { PanaScript } from './pana.js';
import { type Random } from './random.js';
import { type VisibleMeter, visibleMeters } from './scan.js';
import { type StickContext } from './stick-context.js';

export type SessionState = 'none' | 'joining' | 'up' | 'reauth';

const PORT_ECHONET = 0x0e1a;
const PORT_PANA = 0x02cc;
/** Simulated gaps between PANA messages: ≈ 3 s for a join, as the 3.3 s of the real BP35A1 log (§3.8). */
const PANA_STEP_MS = 300;
/** PANA retransmissions before giving up when nobody answers: 2+4+8+8+8+8 s ≈ 38 s (§3.8, after momonga). */
const PANA_GIVE_UP_MS = 38_000;
const EVENT = {
  na: 0x02,
  udpSent: 0x21,
  joinFailed: 0x24,
  joined: 0x25,
  peerEnded: 0x26,
  terminated: 0x27,
  terminateTimeout: 0x28,
  expired: 0x29,
  txLimit: 0x32,
  txLimitOff: 0x33,
} as const;
const SEND = { ok: 0x00, failed: 0x01, neighbourSolicitation: 0x02 } as const;

interface Peer {
  lla: string;
  mac: string;
  lqi: number;
}

/**
 * The PANA session between the simulated stick and meter: join (EVENT 21/02/25, or 24 for wrong credentials),
 * lifetime expiry and re-authentication (29 → 25), ARIB limit (32/33) and termination (27/28)
 * (docs/protocol.md §3.8, §3.9).
 */
export class SimSession {
  state: SessionState = 'none';
  txLimited = false;
  /** ECHONET requests that reached the meter (the `@N` of the fault grammar). */
  requests = 0;
  private peer: Peer | null = null;
  private lastSlot = Number.NaN;

  constructor(
    private readonly ctx: StickContext,
    private readonly meter: SimMeter,
    private readonly faults: FaultInjector,
    private readonly random: Random,
  ) {}

  private event(num: number, sender: string, param?: number): void {
    this.ctx.out.write(eventLine(this.ctx.format(), num, sender, param));
  }

  private datagram(peer: Peer, dest: string, port: number, secured: boolean, data: Buffer): void {
    this.ctx.out.write(
      erxudp(this.ctx.format(), {
        sender: peer.lla,
        dest,
        rport: port,
        lport: port,
        senderMac: peer.mac,
        secured,
        lqi: peer.lqi,
        data,
      }),
    );
  }

  /** Drops the session without a word (SKRESET, a new SKJOIN). */
  reset(): void {
    for (const g of ['join', 'send', 'session', 'arib'] as const) this.ctx.timers.cancel(g);
    this.state = 'none';
    this.txLimited = false;
    this.ctx.regs.force('SFB', '0');
    this.peer = null;
  }

  /** SKJOIN after its OK: the PANA-like exchange, then EVENT 25 + INF D5, or EVENT 24. */
  join(target: string): void {
    this.reset();
    this.state = 'joining';
    const { o, timers } = this.ctx;
    const radio = this.ctx.radio();
    const reachable = this.reachable(target, radio);
    const fail = () => {
      this.state = 'none';
      this.event(EVENT.joinFailed, target);
    };
    if (reachable === undefined) {
      // Nobody answers the neighbour solicitation / PANA-Client-Initiation: retransmit, give up.
      timers.script('join', [
        [100, () => this.event(EVENT.udpSent, target, SEND.neighbourSolicitation)],
        [PANA_GIVE_UP_MS, fail],
      ]);
      return;
    }
    const peer: Peer = { lla: target, mac: reachable.pan.addr, lqi: reachable.pan.lqi };
    const ours = reachable.pan.addr === o.meterMac;
    const success = ours && !o.authReject && this.ctx.password === o.password && this.ctx.routeBId === o.routeBId;
    const pana = new PanaScript(this.random);
    const rx = (data: () => Buffer) => () => this.datagram(peer, this.ctx.ownLla, PORT_PANA, false, data());
    const sent = () => this.event(EVENT.udpSent, target, SEND.ok);
    timers.script('join', [
      [100, () => this.event(EVENT.udpSent, target, SEND.neighbourSolicitation)],
      [50, () => this.event(EVENT.na, target)],
      [PANA_STEP_MS, rx(() => pana.start())],
      [PANA_STEP_MS, sent],
      [PANA_STEP_MS, rx(() => pana.eapFirst(this.ctx.routeBId ?? ''))],
      [PANA_STEP_MS, sent],
      [PANA_STEP_MS, rx(() => pana.eapThird())],
      [PANA_STEP_MS, sent],
      [PANA_STEP_MS, rx(() => pana.complete(success, o.sessionLifetimeS))],
      [PANA_STEP_MS, sent],
      [
        100,
        () => {
          if (!success) return fail();
          this.up(peer);
          this.datagram(peer, MULTICAST_ALL_NODES, PORT_ECHONET, true, this.meter.instanceListInf());
        },
      ],
    ]);
  }

  /** The meter at `lla`, if it is on the channel and PAN the stick's radio is tuned to (S2/S3). */
  private reachable(lla: string, radio = this.ctx.radio()): VisibleMeter | undefined {
    return visibleMeters(this.ctx).find(
      (m) => linkLocalFromMac(m.pan.addr) === lla && m.pan.channel === radio.channel && m.pan.panId === radio.panId,
    );
  }

  private up(peer: Peer): void {
    this.state = 'up';
    this.peer = peer;
    this.lastSlot = lastHalfHour(this.meter.now());
    this.event(EVENT.joined, peer.lla);
    this.ctx.timers.cancel('session');
    this.ctx.timers.sim('session', this.ctx.o.sessionLifetimeS * 1000, () => this.expire());
  }

  /**
   * Session lifetime over: EVENT 29, then (register S17 = 1) re-authentication and EVENT 25 — or EVENT 24
   * when the meter no longer answers (off the air, moved channel) (§3.9).
   */
  expire(): void {
    const peer = this.peer;
    if (peer === null || this.state !== 'up') return;
    this.event(EVENT.expired, peer.lla);
    if (!this.ctx.regs.flag('S17')) {
      this.reset();
      return;
    }
    this.state = 'reauth';
    if (this.reachable(peer.lla) === undefined) {
      this.ctx.timers.sim('session', PANA_GIVE_UP_MS, () => {
        this.reset();
        this.event(EVENT.joinFailed, peer.lla);
      });
      return;
    }
    const pana = new PanaScript(this.random);
    this.ctx.timers.script('session', [
      [
        PANA_STEP_MS * 2,
        () => this.datagram(peer, this.ctx.ownLla, PORT_PANA, false, pana.complete(true, this.ctx.o.sessionLifetimeS)),
      ],
      [PANA_STEP_MS, () => this.event(EVENT.udpSent, peer.lla, SEND.ok)],
      [100, () => this.up(peer)],
    ]);
  }

  /** EVENT 26: the meter ended the session; sends fail with ER10 until a new SKJOIN. */
  peerEnded(): void {
    const peer = this.peer;
    if (peer === null) return;
    this.reset();
    this.event(EVENT.peerEnded, peer.lla);
  }

  /** EVENT 32 … EVENT 33: ARIB TX-time limit; sends in between get EVENT 21 01 (§3.9). */
  private txLimit(): void {
    this.txLimited = true;
    this.ctx.regs.force('SFB', '1');
    this.event(EVENT.txLimit, this.ctx.ownLla);
    this.ctx.timers.sim('arib', this.ctx.o.aribHoldS * 1000, () => {
      this.txLimited = false;
      this.ctx.regs.force('SFB', '0');
      this.event(EVENT.txLimitOff, this.ctx.ownLla);
    });
  }

  /**
   * SKSENDTO after its echo. Returns a FAIL code, or null once EVENT 21 and OK are written and
   * the meter's answer (if any) is scheduled `rttMs` later.
   */
  send(dest: string, port: number, sec: number, data: Buffer): string | null {
    const encrypted = sec === 1 || (sec === 2 && this.state === 'up');
    if (sec === 1 && this.state !== 'up' && this.state !== 'reauth') return 'ER10';
    const sendResult = (param: number) =>
      this.ctx.out.write(eventLine(this.ctx.format(), EVENT.udpSent, dest, param) + 'OK\r\n');
    if (this.txLimited || (encrypted && this.state === 'reauth')) {
      sendResult(SEND.failed);
      return null;
    }
    const peer = this.peer;
    const toMeter = peer !== null && (dest === peer.lla || dest === MULTICAST_ALL_NODES);
    if (!toMeter) {
      sendResult(dest === MULTICAST_ALL_NODES ? SEND.ok : SEND.neighbourSolicitation);
      return null;
    }
    if (!encrypted || port !== PORT_ECHONET || this.state !== 'up') {
      sendResult(SEND.ok); // delivered, but the meter ignores unencrypted or non-ECHONET traffic
      return null;
    }
    const n = ++this.requests;
    const f = this.faults.forRequest(n);
    if (f.garbage) this.ctx.out.garbage();
    if (f.session === 'event32') {
      this.txLimit();
      sendResult(SEND.failed);
      return null;
    }
    sendResult(SEND.ok);
    this.ctx.timers.real('send', this.ctx.o.rttMs, () => {
      if (this.state !== 'up') return;
      if (f.session === 'event29') return this.expire();
      if (f.session === 'event26') return this.peerEnded();
      if (f.drop) return;
      if (this.reachable(peer.lla) === undefined) return; // the meter moved to another channel: nobody hears us
      const answer = this.meter.handle(data, f.snaEpcs);
      if (answer !== null) this.datagram(peer, this.ctx.ownLla, PORT_ECHONET, true, answer);
    });
    return null;
  }

  /**
   * SKTERM after its OK: EVENT 27, or EVENT 28 when the meter does not answer (the session ends
   * anyway, §3.11). Returns ER10 without a session.
   */
  terminate(): string | null {
    const peer = this.peer;
    if (peer === null || (this.state !== 'up' && this.state !== 'reauth')) return 'ER10';
    this.ctx.out.write('OK\r\n');
    const answered = this.reachable(peer.lla) !== undefined;
    this.reset();
    // How long the stick retries an unanswered termination is not documented: the join's give-up is used.
    if (answered) this.ctx.timers.sim('term', PANA_STEP_MS, () => this.event(EVENT.terminated, peer.lla));
    else this.ctx.timers.sim('term', PANA_GIVE_UP_MS, () => this.event(EVENT.terminateTimeout, peer.lla));
    return null;
  }

  /** Sends the EA/EB INF when the sim clock has crossed a :00/:30 since the last check. */
  tick(): void {
    const slot = lastHalfHour(this.meter.now());
    if (slot === this.lastSlot) return;
    this.lastSlot = slot;
    const peer = this.peer;
    if (peer === null || this.state !== 'up' || this.txLimited || this.reachable(peer.lla) === undefined) return;
    this.datagram(peer, this.ctx.ownLla, PORT_ECHONET, true, this.meter.fixedTimeInf());
  }
}
