/**
 * What the user says about the meter when the meter does not (PROTOCOL.md §8.1): real Toshiba,
 * Mitsubishi and Hitachi meters leave E1 (the energy unit) out of their Get_Res/Get_SNA, some
 * leave out D3 (coefficient) or D7 (effective digits). `--unit`, `--coefficient`, `--digits` (or
 * `meter.unit`, `meter.coefficient`, `meter.digits` in the config file) fill those gaps; a value
 * the meter gives always wins.
 */
import { unitExponent, type EnergyContext } from './units.js';

/** E1 code, D3 coefficient, D7 digits as configured; each undefined when not set. */
export interface EnergyFallback {
  unitCode?: number;
  coefficient?: number;
  digits?: number;
}

/** The config file's `meter` section (unit as an E1 code in hex, e.g. "01") → a fallback. */
export function fallbackFromConfig(
  meter: { unit?: string | undefined; coefficient?: number | undefined; digits?: number | undefined } | undefined,
): EnergyFallback {
  const out: EnergyFallback = {};
  if (meter?.unit !== undefined) {
    const code = Number.parseInt(meter.unit.replace(/^0x/i, ''), 16);
    if (unitExponent(code) !== undefined) out.unitCode = code;
  }
  if (meter?.coefficient !== undefined) out.coefficient = meter.coefficient;
  if (meter?.digits !== undefined) out.digits = meter.digits;
  return out;
}

/**
 * Fills the context EPCs the meter did not give (`missing`: 0xE1, 0xD3, 0xD7) from `fallback`,
 * D3 with 1 when neither has it (§8: D3 absent means 1). Returns the EPCs still unknown to the
 * user's settings too, so the caller can say which option to set.
 */
export function fillContext(
  ctx: EnergyContext,
  missing: readonly number[],
  fallback: EnergyFallback,
): { ctx: EnergyContext; unset: number[] } {
  const out: EnergyContext = { ...ctx };
  const unset: number[] = [];
  if (missing.includes(0xe1)) {
    if (fallback.unitCode !== undefined) out.unitCode = fallback.unitCode;
    else if (out.unitCode === undefined) unset.push(0xe1);
  }
  if (missing.includes(0xd3)) {
    if (fallback.coefficient !== undefined) out.coefficient = fallback.coefficient;
    else {
      out.coefficient ??= 1;
      unset.push(0xd3);
    }
  }
  if (missing.includes(0xd7)) {
    if (fallback.digits !== undefined) out.digits = fallback.digits;
    else if (out.digits === undefined) unset.push(0xd7);
  }
  return { ctx: out, unset };
}

/** The warning for a context EPC the meter did not give and no setting replaces, naming the option. */
export function unsetMessage(epc: number): string {
  if (epc === 0xe1) {
    return (
      'the meter did not give its energy unit (E1): kWh values stay empty — set --unit <E1 code> ' +
      "(meter.unit in the config file), e.g. --unit 01 for 0.1 kWh, 02 for 0.01 kWh (see the meter's nameplate)"
    );
  }
  if (epc === 0xd3) {
    return (
      'the meter did not give its coefficient (D3): using 1 — set --coefficient <n> (meter.coefficient in the config file) ' +
      "if the meter's nameplate gives another multiplier"
    );
  }
  return (
    'the meter did not give its number of effective digits (D7): a counter that wraps to 0 cannot be followed — ' +
    'set --digits <1–8> (meter.digits in the config file), usually 6 or 8'
  );
}
