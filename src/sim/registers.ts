/**
 * The stick's virtual registers (SKSREG, docs/protocol.md §3.4) and its option "flash" (WOPT,
 * §3.12), which counts writes so tests can check that a client does not wear it out.
 */
export interface RegisterSpec {
  /** Digits ESREG prints; values are hex and upper-case. */
  width: number;
  readOnly?: boolean;
  /** Allowed numeric range, inclusive. */
  min?: number;
  max?: number;
  /** Value is free text (the Pairing ID S0A), not a number. */
  text?: boolean;
  /** Only on dual-stack firmware (§3.4). */
  dualOnly?: boolean;
}

export const REGISTERS = {
  S01: { width: 16 },
  S02: { width: 2, min: 0x21, max: 0x3c },
  S03: { width: 4, min: 0, max: 0xffff },
  S07: { width: 8, readOnly: true },
  S0A: { width: 8, text: true },
  S0B: { width: 8, text: true, dualOnly: true },
  S15: { width: 1, min: 0, max: 1 },
  S16: { width: 8, min: 0x3c, max: 0xffffffff },
  S17: { width: 1, min: 0, max: 1 },
  SA0: { width: 1, min: 0, max: 1 },
  SA1: { width: 1, min: 0, max: 1 },
  SA2: { width: 1, min: 0, max: 1 },
  SA9: { width: 1, min: 0, max: 1, dualOnly: true },
  SF0: { width: 1, min: 0, max: 1, dualOnly: true },
  SFB: { width: 1, readOnly: true },
  SFD: { width: 8, readOnly: true },
  SFE: { width: 1, min: 0, max: 1 },
  SFF: { width: 1, min: 0, max: 1 },
} as const satisfies Record<string, RegisterSpec>;

export type RegisterName = keyof typeof REGISTERS;

/** `S2` and `S02` name the same register (§3.4); returns null for an unknown name. */
export function normaliseRegister(name: string, dual: boolean): RegisterName | null {
  const m = /^S([0-9A-F]{1,2})$/i.exec(name);
  if (!m) return null;
  const key = `S${(m[1] ?? '').toUpperCase().padStart(2, '0')}`;
  if (!(key in REGISTERS)) return null;
  const spec: RegisterSpec = REGISTERS[key as RegisterName];
  return spec.dualOnly === true && !dual ? null : (key as RegisterName);
}

export type SetResult = 'ok' | 'ER06';

/**
 * The stick's SKSREG registers (docs/protocol.md §3.4): names in short and two-digit form, per-register width
 * and range (ER06 when outside), defaults restored by SKRESET.
 */
export class RegisterFile {
  private values = new Map<RegisterName, string>();

  constructor(private readonly ownMac: string) {
    this.reset();
  }

  /** Power-on defaults (SKRESET restores them too). SFE = 1: echo on (§1). */
  reset(): void {
    const defaults: Record<RegisterName, string> = {
      S01: this.ownMac,
      S02: '21',
      S03: 'FFFF',
      S07: '00000000',
      S0A: '00000000',
      S0B: '00000000',
      S15: '1',
      S16: '00015180',
      S17: '1',
      SA0: '1',
      SA1: '1',
      SA2: '0',
      SA9: '1',
      SF0: '0',
      SFB: '0',
      SFD: '00000000',
      SFE: '1',
      SFF: '0',
    };
    this.values = new Map(Object.entries(defaults) as [RegisterName, string][]);
  }

  get(name: RegisterName): string {
    return this.values.get(name) ?? '0';
  }

  /** A value as the client wrote it: checked, then stored zero-padded to the register width. */
  set(name: RegisterName, value: string): SetResult {
    const spec: RegisterSpec = REGISTERS[name];
    if (spec.readOnly === true) return 'ER06';
    if (spec.text === true) {
      if (value.length !== spec.width) return 'ER06';
      this.values.set(name, value);
      return 'ok';
    }
    if (!/^[0-9A-Fa-f]+$/.test(value) || value.length > spec.width) return 'ER06';
    const n = Number.parseInt(value, 16);
    if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) return 'ER06';
    this.values.set(name, value.toUpperCase().padStart(spec.width, '0'));
    return 'ok';
  }

  /** Internal updates (SKSETRBID → S0A, TX-limit flag) bypass the read-only check. */
  force(name: RegisterName, value: string): void {
    this.values.set(name, value);
  }

  flag(name: RegisterName): boolean {
    return this.get(name) === '1';
  }

  number(name: RegisterName): number {
    return Number.parseInt(this.get(name), 16);
  }
}

/** WOPT/ROPT storage: bit 0 = ERXUDP data as hex ASCII (§3.12). Counts flash writes. */
export class OptionFlash {
  writes = 0;
  constructor(public value: number) {}

  write(value: number): void {
    this.value = value;
    this.writes++;
  }
}
