/**
 * A validator's complaint in bmeter's words: zod's issues (the config schema, the scan file's) worded as the
 * flag checks word theirs — `must be at most 3600`, `must be a whole number`, `must be one of single, dual` —
 * instead of zod's `Too big: expected number to be <=3600`. Passed to `safeParse(input, { error: wordIssue })`:
 * a message the schema gives itself (a regex's "an EPC is two hex digits") still wins over this one.
 *
 * A value is never echoed but for a number out of range (`must be at most 3600 (got 5000)`): only a number
 * that passed a number setting's type check gets there, never a secret (those are strings).
 */
import type * as z from 'zod/mini';
import { count } from '../log/count.js';

/** What zod calls a type, as a message says what a value must be. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  string: 'a string (in double quotes)',
  boolean: 'true or false',
  object: 'an object ({ … })',
  array: 'a list ([ … ])',
  null: 'null',
  date: 'a date',
};

/** The issue worded, e.g. `must be at least 100 (got 5)`; undefined for an issue of a kind zod may add later. */
export function wordIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'missing';
      return `must be ${TYPE_WORDS[wholeNumberSchema(issue) ? 'int' : issue.expected] ?? issue.expected}`;
    case 'too_big':
      return bound(issue.origin, issue.maximum, issue.inclusive, issue.exact, 'at most', 'less than', issue.input);
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1 && issue.inclusive !== false && issue.exact !== true)
        return 'must not be empty';
      return bound(issue.origin, issue.minimum, issue.inclusive, issue.exact, 'at least', 'more than', issue.input);
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${shown(issue.values[0])}`
        : `must be one of ${issue.values.map(shown).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'datetime'
        ? 'must be a date and time with its offset, e.g. 2024-05-01T09:00:00+09:00'
        : `is not in the expected form (${issue.format})`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return `holds ${issue.keys.length === 1 ? 'a key' : 'keys'} bmeter does not know: ${issue.keys.join(', ')}`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
}

/** An integer schema given no number at all: zod expects a `number`, the message says a whole one. */
function wholeNumberSchema(issue: z.core.$ZodRawIssue): boolean {
  const format = (issue.inst?._zod.def as { format?: unknown } | undefined)?.format;
  return issue.expected === 'number' && typeof format === 'string' && /int/.test(format);
}

/**
 * `must be at most 3600 (got 5000)`, `must be less than 10`, `must be at most 32 characters`,
 * `must be exactly 32 characters`, `must list at least 1 item`.
 */
function bound(
  origin: string,
  limit: number | bigint,
  inclusive: boolean | undefined,
  exact: boolean | undefined,
  inclusiveWord: string,
  exclusiveWord: string,
  input: unknown,
): string {
  const n = Number(limit);
  const word = exact === true ? 'exactly' : inclusive === false ? exclusiveWord : inclusiveWord;
  if (origin === 'string') return `must be ${word} ${count(n, 'character')}`;
  if (origin === 'array' || origin === 'set') {
    const fewer = word === 'less than' ? 'fewer than' : word;
    return `must list ${fewer} ${count(n, 'item')}`;
  }
  const got = typeof input === 'number' || typeof input === 'bigint' ? ` (got ${String(input)})` : '';
  return `must be ${word} ${String(limit)}${got}`;
}

/** An allowed value as a message shows it: a string bare (`silent`), anything else as JSON (`1`, `null`). */
function shown(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}
