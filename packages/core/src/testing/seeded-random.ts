/**
 * A seeded pseudo-random source (xorshift32) for tests that generate inputs: the same seed gives
 * the same sequence on every run and machine, so a failing case is replayed from its seed.
 * Small and fast, not statistically strong and never for anything cryptographic.
 */

/**
 * A xorshift32 stream of unsigned 32-bit integers.
 * @param seed any integer; 0 (which would stick at 0) is taken as 1.
 * @returns a function giving the next value in [0, 2^32).
 */
export function seededU32(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/**
 * A seeded replacement for `Math.random`: the {@link seededU32} stream scaled to [0, 1).
 * @param seed any integer; 0 is taken as 1.
 * @returns a function giving the next value in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  const next = seededU32(seed);
  return () => next() / 0x100000000;
}
