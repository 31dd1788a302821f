/**
 * The waitress (docs/design.md §3, after zigbee-herdsman): one command in flight, the rest queued;
 * register the waiter, then write, then arm the timer; lines the command does not claim are
 * unsolicited and go to one channel; closing rejects everything pending.
 *
 * Status attribution (docs/protocol.md §1 rule 2, §11.7 stray `OK`):
 * - echo on (seen for a command other than `SKSREG SFE 0`): a status before the command's echo is a
 *   stray from an earlier command and is dropped;
 * - a command with a response line (SKVER → EVER, SKINFO → EINFO, SKSREG get → ESREG) drops an `OK`
 *   that comes before that line, echo or not;
 * - echo off: a status can only be stray if an earlier command was abandoned before its status
 *   came (a timeout). Then the next command that has no response line of its own is preceded by a
 *   `SKVER` resync, whose EVER tells the late `OK` from the real one. A status while idle is stray
 *   and pays that debt.
 */
import { BmeterError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Clock, TimerHandle } from '../time/clock.js';
import type { ErxudpLine, EpandescLine, EventLine, SkLine } from './lines.js';

export type Observation<T> = 'consumed' | { resolve: T } | { reject: Error } | undefined;

export interface Job<T> {
  /** The command name; its echo starts with it. */
  name: string;
  /** The bytes to write (command text, terminator, SKSENDTO data). */
  wire: Buffer;
  /** The command as it may be logged (secrets masked). */
  logText: string;
  status: boolean;
  expect?: 'ever' | 'einfo' | 'esreg' | 'ipv6';
  statusTimeoutMs: number;
  /** Overall limit from the write to completion (events after OK); defaults to statusTimeoutMs. */
  totalTimeoutMs?: number;
  /** `SKSREG SFE 0`: its own echo does not mean echo stays on. */
  echoOff?: boolean;
  /** Called with the status `OK` (or the response line when no status comes): resolve or keep waiting. */
  onOk(value: string | undefined, response: SkLine | undefined): { resolve: T } | 'wait';
  /** Sees EVENT / ERXUDP / EPANDESC while the command is in flight. */
  observe?(line: EventLine | ErxudpLine | EpandescLine, statusSeen: boolean): Observation<T>;
  /** On timeout after OK: a value to resolve with instead of failing (SKTERM). */
  onLateTimeout?(): { resolve: T } | undefined;
  failError(code: string): Error;
  timeoutError(phase: 'status' | 'completion'): Error;
}

interface Queued {
  job: Job<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
  internal?: boolean;
}

interface InFlight extends Queued {
  echoSeen: boolean;
  statusSeen: boolean;
  response?: SkLine;
  timers: TimerHandle[];
}

const IPV6 = /^[0-9A-Fa-f]{1,4}(:[0-9A-Fa-f]{0,4}){2,7}$/;

export interface PendingHooks {
  write(bytes: Buffer): Promise<void>;
  unsolicited(line: SkLine): void;
  resyncJob(): Job<unknown>;
  logger: Logger;
  /** Times every command's status and completion waits. */
  clock: Clock;
}

/**
 * The queue of SKSTACK commands: one in flight at a time, written through `hooks.write`, its echo, status line
 * (`OK`/`FAIL ERnn`) and completion event matched to it, each wait timed on `hooks.clock`; lines no command
 * waits for go to `hooks.unsolicited` (§11.7). `run(job)` resolves with the job's result or rejects with its
 * FAIL or timeout error; after `closeAll(err)` every queued and later job rejects with `err`.
 */
export class Pending {
  echoMode: 'unknown' | 'on' | 'off' = 'unknown';
  readonly stats = { strayStatus: 0, staleEchoes: 0 };
  private current: InFlight | undefined;
  private readonly queue: Queued[] = [];
  private owedStatus = false;
  private closed: Error | undefined;

  constructor(private readonly hooks: PendingHooks) {}

  run<T>(job: Job<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.closed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ job: job as Job<unknown>, resolve: resolve as (v: unknown) => void, reject });
      if (!this.current) this.startNext();
    });
  }

  /** Rejects the command in flight (e.g. a J11 frame was seen during SKVER). */
  abortCurrent(err: Error): void {
    if (this.current) this.finish(this.current, { reject: err });
  }

  /** Rejects everything in flight and queued; later calls reject at once. */
  closeAll(err: Error): void {
    this.closed ??= err;
    const queued = this.queue.splice(0);
    if (this.current) this.finish(this.current, { reject: err }, false);
    for (const q of queued) q.reject(err);
  }

  feed(line: SkLine): void {
    const cur = this.current;
    switch (line.type) {
      case 'ok':
      case 'fail':
        return this.onStatus(line);
      case 'echo':
        if (cur && !cur.echoSeen && startsWithWord(line.command, cur.job.name)) {
          cur.echoSeen = true;
          if (!cur.job.echoOff && this.echoMode !== 'on') {
            this.hooks.logger.debug('the stick echoes commands (SFE=1); status lines are matched after the echo');
            this.echoMode = 'on';
          }
        } else {
          this.stats.staleEchoes++;
          // Only the command word: the arguments may be secrets (SKSETPWD, SKSETRBID, §3.5).
          this.hooks.logger.debug({ echo: line.command.split(' ', 1)[0] }, 'echo of no command in flight ignored');
        }
        return;
      case 'empty':
        return; // §1 rule 4: SKSENDTO may be followed by an empty CRLF even with SFE 0
      case 'ever':
      case 'einfo':
      case 'esreg':
      case 'text':
        if (cur && this.isExpected(cur, line)) {
          cur.response = line;
          if (!cur.job.status) this.settleOk(cur, undefined);
          return;
        }
        return this.hooks.unsolicited(line);
      case 'event':
      case 'erxudp':
      case 'epandesc': {
        const verdict = cur?.job.observe?.(line, cur.statusSeen);
        if (cur && verdict !== undefined) {
          if (verdict !== 'consumed') this.finish(cur, verdict);
          return;
        }
        return this.hooks.unsolicited(line);
      }
    }
  }

  private isExpected(cur: InFlight, line: SkLine): boolean {
    if (cur.response || cur.statusSeen || !cur.job.expect) return false;
    if (this.echoMode === 'on' && !cur.echoSeen) return false;
    if (cur.job.expect === 'ipv6')
      return line.type === 'text' && line.fault === undefined && IPV6.test(line.text.trim());
    return line.type === cur.job.expect;
  }

  private onStatus(line: { type: 'ok'; value?: string } | { type: 'fail'; code: string }): void {
    const cur = this.current;
    const stray = (why: string): void => {
      this.stats.strayStatus++;
      this.hooks.logger.debug(
        { status: line.type === 'ok' ? 'OK' : `FAIL ER${line.code}`, why },
        'stray status line ignored',
      );
    };
    if (!cur) {
      this.owedStatus = false;
      return stray('no command in flight');
    }
    if (!cur.job.status || cur.statusSeen) return stray(`${cur.job.name} already answered`);
    if (this.echoMode === 'on' && !cur.echoSeen) return stray(`before the echo of ${cur.job.name}`);
    if (line.type === 'ok' && cur.job.expect && !cur.response)
      return stray(`before the ${cur.job.expect.toUpperCase()} line of ${cur.job.name}`);
    cur.statusSeen = true;
    if (line.type === 'fail') return this.finish(cur, { reject: cur.job.failError(line.code) });
    this.settleOk(cur, line.value);
  }

  private settleOk(cur: InFlight, value: string | undefined): void {
    const verdict = cur.job.onOk(value, cur.response);
    if (verdict !== 'wait') this.finish(cur, verdict);
  }

  private startNext(): void {
    if (this.current || this.closed) return;
    let next = this.queue.shift();
    if (!next) return;
    if (this.owedStatus && this.echoMode !== 'on' && !next.job.expect && !next.internal) {
      this.owedStatus = false;
      const guarded = next;
      this.queue.unshift(guarded);
      const resync = this.hooks.resyncJob();
      // A failed resync (a hung stick: SKVER times out and leaves the debt) fails the command it
      // guards; resyncing again before it would loop for ever with that command never written.
      const failGuarded = (err: unknown): void => {
        const i = this.queue.indexOf(guarded);
        if (i < 0) return;
        this.queue.splice(i, 1);
        guarded.reject(err);
      };
      next = { job: resync, internal: true, resolve: () => undefined, reject: failGuarded };
      this.hooks.logger.debug('an earlier command was abandoned without status: resync with SKVER first');
    }
    const cur: InFlight = { ...next, echoSeen: false, statusSeen: false, timers: [] };
    this.current = cur;
    const { job } = cur;
    this.hooks.logger.trace({ tx: job.logText }, 'command');
    this.hooks.write(job.wire).then(
      () => {
        if (this.current !== cur) return;
        cur.timers.push(this.hooks.clock.setTimeout(() => this.onTimer(cur, 'status'), job.statusTimeoutMs));
        if (job.totalTimeoutMs !== undefined) {
          cur.timers.push(this.hooks.clock.setTimeout(() => this.onTimer(cur, 'completion'), job.totalTimeoutMs));
        }
      },
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.finish(cur, {
          reject: new BmeterError('PORT', `writing ${job.logText} failed: ${message}`, { cause: err }),
        });
      },
    );
  }

  private onTimer(cur: InFlight, phase: 'status' | 'completion'): void {
    if (this.current !== cur) return;
    if (phase === 'status') {
      if (cur.statusSeen || (!cur.job.status && cur.response)) return;
      if (cur.job.status) this.owedStatus = true;
      return this.finish(cur, { reject: cur.job.timeoutError('status') });
    }
    const late = cur.statusSeen ? cur.job.onLateTimeout?.() : undefined;
    if (!cur.statusSeen && cur.job.status) this.owedStatus = true;
    this.finish(cur, late ?? { reject: cur.job.timeoutError(cur.statusSeen ? 'completion' : 'status') });
  }

  private finish(cur: InFlight, verdict: { resolve: unknown } | { reject: unknown }, startNext = true): void {
    if (this.current !== cur) return;
    for (const t of cur.timers) this.hooks.clock.clearTimeout(t);
    this.current = undefined;
    if ('resolve' in verdict) cur.resolve(verdict.resolve);
    else cur.reject(verdict.reject);
    if (startNext) this.startNext();
  }
}

function startsWithWord(text: string, word: string): boolean {
  return text.startsWith(word) && (text.length === word.length || text[word.length] === ' ');
}
