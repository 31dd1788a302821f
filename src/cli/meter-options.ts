/**
 * The options that say what the meter leaves out (PROTOCOL.md §8.1): `--unit` (E1 code),
 * `--coefficient` (D3), `--digits` (D7). decode uses the first two; poll and history all three,
 * also readable from the config file's `meter` section (config.ts maps the flags there).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { MAX_COEFFICIENT, unitExponent, UNIT_EXPONENTS } from '../meter/units.js';

const UNIT_CODES = Object.keys(UNIT_EXPONENTS)
  .map((k) => Number(k).toString(16).toUpperCase().padStart(2, '0'))
  .join(', ');

/** An E1 code as written in the spec tables: hex, e.g. 02 (0.01 kWh) or 0A (10 kWh). */
export function parseUnitCode(value: string): number {
  const v = value.trim().replace(/^0x/i, '');
  const code = parseInt(v, 16);
  if (!/^[0-9A-Fa-f]{1,2}$/.test(v) || unitExponent(code) === undefined) {
    throw new InvalidArgumentError(
      `an E1 unit code is hex, one of ${UNIT_CODES} (01 = 0.1 kWh, 02 = 0.01 kWh, 0A = 10 kWh)`,
    );
  }
  return code;
}

/**
 * A D3 coefficient given by the user: an integer 1–999999. The spec's range starts at 0, but a multiplier of 0
 * would turn every kWh into 0 (the output, the store, the counters): only a meter's own D3 may say that.
 */
export function parseCoefficient(value: string): number {
  const n = Number(value.trim());
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > MAX_COEFFICIENT) {
    throw new InvalidArgumentError(`a coefficient (D3) is an integer from 1 to ${MAX_COEFFICIENT}`);
  }
  return n;
}

/** D7 effective digits: an integer 1–8. */
export function parseDigits(value: string): number {
  const n = Number(value.trim());
  if (!/^[1-8]$/.test(value.trim()))
    throw new InvalidArgumentError('the effective digits (D7) are a whole number from 1 to 8');
  return n;
}

/** Adds --unit, --coefficient and --digits (used only when the meter does not give E1/D3/D7). */
export function addMeterOptions(command: Command): Command {
  return command
    .option(
      '--unit <code>',
      'E1 unit code (hex) when the meter gives none, e.g. 01 = 0.1 kWh (config meter.unit)',
      parseUnitCode,
    )
    .option(
      '--coefficient <n>',
      'D3 coefficient when the meter gives none (default 1; config meter.coefficient)',
      parseCoefficient,
    )
    .option(
      '--digits <n>',
      'D7 effective digits of the counters when the meter gives none (config meter.digits)',
      parseDigits,
    );
}
