/**
 * A small seeded PRNG (mulberry32) so that fault schedules, garbage bytes and output
 * fragmentation are reproducible from `seed` (a soak run can be replayed).
 */
export type Random = () => number;

/**
 * A deterministic pseudo-random generator (mulberry32) returning numbers in [0, 1), so simulator runs repeat
 * for a seed.
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max] (inclusive). */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
