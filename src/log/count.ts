/**
 * A count and its noun as a message says it: `1 reading`, `0 readings`, `3 readings`.
 * @param n the count (a whole number)
 * @param noun the noun for one (`reading`)
 * @param plural the noun for any other count (default: `noun` + `s`)
 */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
