/**
 * A small seeded PRNG (xorshift128+ over 32-bit halves, no BigInt) for the differential fuzzer:
 * the same seed gives the same program on every machine, so a failure is reproduced by its
 * seed alone. Not for anything cryptographic.
 */

/** A seeded random source. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed any 32-bit integer; 0 is allowed. */
  constructor(seed: number) {
    // splitmix32 to spread the seed over the state.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next() | 1;
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** A uniformly random unsigned 32-bit integer. */
  u32(): number {
    // xoshiro128** step
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A random integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.u32() / 4294967296) * n);
  }

  /** A random integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  /** One element of `list`. */
  pick<T>(list: readonly T[]): T {
    return list[this.below(list.length)]!;
  }

  /** A signed 32-bit value, biased toward edge cases (0, ±1, INT_MIN, INT_MAX, small). */
  s32(): number {
    switch (this.below(8)) {
      case 0: return this.pick([0, 1, -1, 0x7fffffff, -0x80000000, 2, 31, 32, 63, 64]);
      case 1: return this.range(-16, 16);
      case 2: return this.u32() & 0xff;
      case 3: return this.u32() & 0xffff;
      default: return this.u32() | 0;
    }
  }

  /** A 64-bit value, biased toward edge cases. */
  u64(): bigint {
    switch (this.below(6)) {
      case 0: return this.pick([0n, 1n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0xffffffffn, 0x100000000n, 0x80000000n]);
      case 1: return BigInt.asUintN(64, BigInt(this.s32()));
      default: return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
    }
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
