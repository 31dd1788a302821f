/**
 * The JSON lines a bmeter command printed or wrote (`--format json`, one record per line), parsed.
 */

/** Each non-empty line of `text` parsed as a JSON object; [] for an empty text. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
