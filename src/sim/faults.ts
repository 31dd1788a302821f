/**
 * Fault injection for the simulator: a schedule keyed on the Nth ECHONET request (each SKSENDTO
 * that reaches the meter counts as one request, 1-based) or on the Nth use of a command.
 *
 * Compact grammar (URL query `faults=…`, CLI `--faults …`), comma-separated items:
 *
 *   item      := kind [":" arg] ["@" when]
 *   when      := N | N "-" M | N "+"          (Nth; Nth to Mth; Nth and every later one)
 *                                             (no "@" = every occurrence)
 *   drop@3          the meter does not answer the 3rd request (EVENT 21 00 + OK, then nothing)
 *   garbage@2       a line of random bytes (then CRLF) before the stick's reply to the 2nd request
 *   event29@5       session lifetime expires instead of answering request 5: EVENT 29, auto
 *                   re-auth, EVENT 25 (sends in between: EVENT 21 01, no answer)
 *   event26@7       the meter ends the session instead of answering request 7 (EVENT 26; later
 *                   sends FAIL ER10 until a new SKJOIN)
 *   event32@4       ARIB TX limit starts at request 4 (EVENT 32 … EVENT 33 after aribHoldS)
 *   sna:E8@9        the 9th request gets Get_SNA with E8 PDC 0 (if it asks for E8); no "@" = always
 *   fail:SKJOIN@1   the 1st SKJOIN answers FAIL ER10; `fail:SKSCAN:ER06@2` picks the code
 *   fragment[:N]    every output write is cut into random chunks of 1..N bytes (default 8)
 *   findAt:6        the meter's beacon is heard only from scan duration 6
 *
 * Random mode (soak): `faultRate=0.05` (a separate option) gives each request that probability
 * of one fault drawn from drop, garbage, event29, event26, event32; `seed` makes it repeatable.
 */
import { BmeterError } from '../errors.js';
import { type Random } from './random.js';

export interface Occurrence {
  from: number;
  to: number;
}

export type RequestFaultKind = 'drop' | 'garbage' | 'event29' | 'event26' | 'event32';

export interface FaultPlan {
  request: { kind: RequestFaultKind; when: Occurrence }[];
  sna: { epc: number; when: Occurrence }[];
  fail: { command: string; code: string; when: Occurrence }[];
  /** Maximum chunk size of fragmented output, or null for whole writes. */
  fragment: number | null;
  findAt?: number;
}

export interface RequestFaults {
  drop: boolean;
  garbage: boolean;
  session: 'event29' | 'event26' | 'event32' | null;
  snaEpcs: number[];
}

const EVERY: Occurrence = { from: 1, to: Infinity };
const REQUEST_KINDS: readonly RequestFaultKind[] = ['drop', 'garbage', 'event29', 'event26', 'event32'];

/**
 * The fault plan of a --faults spec, e.g. 'drop@2,event29@4,sna:EB@8' (kinds and `@N`/`@N-M` occurrences as
 * described in sim/options.ts). Throws BmeterError('USAGE') naming the bad item.
 */
export function parseFaults(spec: string): FaultPlan {
  const plan: FaultPlan = { request: [], sna: [], fail: [], fragment: null };
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const at = raw.indexOf('@');
    const head = at < 0 ? raw : raw.slice(0, at);
    const when = at < 0 ? EVERY : parseWhen(raw.slice(at + 1), raw);
    const [kind = '', ...args] = head.split(':');
    const k = kind.toLowerCase();
    if ((REQUEST_KINDS as readonly string[]).includes(k)) {
      plan.request.push({ kind: k as RequestFaultKind, when });
    } else if (k === 'sna') {
      const epc = Number.parseInt(args[0] ?? '', 16);
      if (!/^[0-9A-Fa-f]{2}$/.test(args[0] ?? '')) bad(raw, 'sna needs an EPC, e.g. sna:E8@9');
      plan.sna.push({ epc, when });
    } else if (k === 'fail') {
      const command = (args[0] ?? '').toUpperCase();
      const code = (args[1] ?? 'ER10').toUpperCase();
      if (!/^[A-Z0-9]+$/.test(command)) bad(raw, 'fail needs a command, e.g. fail:SKJOIN@1');
      if (!/^ER\d\d$/.test(code)) bad(raw, 'the FAIL code must look like ER04');
      plan.fail.push({ command, code, when });
    } else if (k === 'fragment') {
      const max = args[0] === undefined ? 8 : Number(args[0]);
      if (!Number.isInteger(max) || max < 1) bad(raw, 'fragment takes a maximum chunk size ≥ 1');
      plan.fragment = max;
    } else if (k === 'findat') {
      const d = Number(args[0]);
      if (!Number.isInteger(d) || d < 0 || d > 14) bad(raw, 'findAt takes a duration 0–14');
      plan.findAt = d;
    } else {
      bad(raw, 'unknown fault kind');
    }
  }
  return plan;
}

function parseWhen(text: string, raw: string): Occurrence {
  let m = /^(\d+)$/.exec(text);
  if (m) return { from: Number(m[1]), to: Number(m[1]) };
  m = /^(\d+)-(\d+)$/.exec(text);
  if (m) return { from: Number(m[1]), to: Number(m[2]) };
  m = /^(\d+)\+$/.exec(text);
  if (m) return { from: Number(m[1]), to: Infinity };
  return bad(raw, 'after "@" comes N, N-M or N+');
}

function bad(item: string, why: string): never {
  throw new BmeterError('USAGE', `invalid fault "${item}": ${why} (the grammar: README.md, "Simulator faults")`);
}

function hits(when: Occurrence, n: number): boolean {
  return n >= when.from && n <= when.to;
}

/** Decides, per request and per command, which faults apply. */
export class FaultInjector {
  private readonly commandCounts = new Map<string, number>();

  constructor(
    private readonly plan: FaultPlan,
    private readonly rate: number,
    private readonly random: Random,
  ) {}

  get fragment(): number | null {
    return this.plan.fragment;
  }

  /** Faults for the `n`th ECHONET request (1-based). */
  forRequest(n: number): RequestFaults {
    const kinds = new Set(this.plan.request.filter((f) => hits(f.when, n)).map((f) => f.kind));
    if (this.rate > 0 && this.random() < this.rate) {
      kinds.add(REQUEST_KINDS[Math.floor(this.random() * REQUEST_KINDS.length)] ?? 'drop');
    }
    const session = kinds.has('event26')
      ? 'event26'
      : kinds.has('event29')
        ? 'event29'
        : kinds.has('event32')
          ? 'event32'
          : null;
    return {
      drop: kinds.has('drop'),
      garbage: kinds.has('garbage'),
      session,
      snaEpcs: this.plan.sna.filter((f) => hits(f.when, n)).map((f) => f.epc),
    };
  }

  /** Counts one use of `command`; returns the FAIL code to answer with, or null. */
  commandFailure(command: string): string | null {
    const n = (this.commandCounts.get(command) ?? 0) + 1;
    this.commandCounts.set(command, n);
    return this.plan.fail.find((f) => f.command === command && hits(f.when, n))?.code ?? null;
  }
}
