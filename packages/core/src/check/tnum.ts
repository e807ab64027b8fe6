/**
 * Tristate numbers ("known bits", Linux `tnum.c`): a 64-bit value where each bit is known 0,
 * known 1 or unknown. `value` holds the known 1 bits, `mask` the unknown ones. Pure functions
 * over unsigned 64-bit bigints; the range half of the scalar domain lives in `scalar.ts`.
 */

/** 2^64 - 1. */
export const U64_MAX = 0xffff_ffff_ffff_ffffn;
/** 2^32 - 1. */
export const U32_MAX = 0xffff_ffffn;

/** Known bits of a 64-bit value: bits in `mask` are unknown, the others equal `value`. */
export interface Tnum {
  /** Known 1 bits (never overlaps `mask`). */
  readonly value: bigint;
  /** Unknown bits. */
  readonly mask: bigint;
}

const u64 = (v: bigint): bigint => v & U64_MAX;

/** A fully known constant. */
export function tnumConst(v: bigint): Tnum {
  return { value: u64(v), mask: 0n };
}

/** Nothing known. */
export const TNUM_UNKNOWN: Tnum = Object.freeze({ value: 0n, mask: U64_MAX });

/** Number of significant bits of a value below 2^64 (0 for 0). */
export function bitLength(v: bigint): number {
  const hi = Number(v >> 32n);
  if (hi !== 0) return 64 - Math.clz32(hi);
  return 32 - Math.clz32(Number(v & 0xffff_ffffn));
}

/** The smallest tnum containing every value of `[min, max]` (unsigned). */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const chi = min ^ max;
  if (chi === 0n) return tnumConst(min);
  const bits = BigInt(bitLength(chi));
  if (bits > 63n) return TNUM_UNKNOWN;
  const delta = (1n << bits) - 1n;
  return { value: min & ~delta & U64_MAX, mask: delta };
}

/** True when every bit is known. */
export function tnumIsConst(a: Tnum): boolean {
  return a.mask === 0n;
}

/** `a + b`. */
export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = a.mask + b.mask;
  const sv = a.value + b.value;
  const sigma = sm + sv;
  const chi = u64(sigma) ^ u64(sv);
  const mu = chi | a.mask | b.mask;
  return { value: u64(sv) & ~mu & U64_MAX, mask: u64(mu) };
}

/** `a - b`. */
export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = u64(a.value - b.value);
  const alpha = u64(dv + a.mask);
  const beta = u64(dv - b.mask);
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return { value: dv & ~mu & U64_MAX, mask: u64(mu) };
}

/** `a & b`. */
export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return { value: v, mask: alpha & beta & ~v & U64_MAX };
}

/** `a | b`. */
export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return { value: v, mask: mu & ~v & U64_MAX };
}

/** `a ^ b`. */
export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return { value: v & ~mu & U64_MAX, mask: mu };
}

/** `a << s` (s in 0..63). */
export function tnumLsh(a: Tnum, s: number): Tnum {
  const k = BigInt(s);
  return { value: u64(a.value << k), mask: u64(a.mask << k) };
}

/** `a >> s`, logical (s in 0..63). */
export function tnumRsh(a: Tnum, s: number): Tnum {
  const k = BigInt(s);
  return { value: a.value >> k, mask: a.mask >> k };
}

/** `a >> s`, arithmetic over `bits` (32 or 64) bits; the result is zero-extended to 64 bits. */
export function tnumArsh(a: Tnum, s: number, bits: 32 | 64): Tnum {
  const k = BigInt(s);
  const n = BigInt(bits);
  const lim = (1n << n) - 1n;
  return {
    value: BigInt.asUintN(bits, BigInt.asIntN(bits, a.value) >> k) & lim,
    mask: BigInt.asUintN(bits, BigInt.asIntN(bits, a.mask) >> k) & lim,
  };
}

/** `a * b` (Linux's shift-and-add over the unknown bits). */
export function tnumMul(a: Tnum, b: Tnum): Tnum {
  const accV = u64(a.value * b.value);
  let accM: Tnum = { value: 0n, mask: 0n };
  let x = a;
  let y = b;
  while (x.value !== 0n || x.mask !== 0n) {
    if ((x.value & 1n) !== 0n) accM = tnumAdd(accM, { value: 0n, mask: y.mask });
    else if ((x.mask & 1n) !== 0n) accM = tnumAdd(accM, { value: 0n, mask: y.value | y.mask });
    x = tnumRsh(x, 1);
    y = tnumLsh(y, 1);
  }
  return tnumAdd(tnumConst(accV), accM);
}

/** Values known to be in both `a` and `b`. */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return { value: v & ~mu & U64_MAX, mask: mu };
}

/** True when `a` and `b` disagree on a bit both know (no value is in both). */
export function tnumConflict(a: Tnum, b: Tnum): boolean {
  return ((a.value ^ b.value) & ~(a.mask | b.mask) & U64_MAX) !== 0n;
}

/** The low `bytes` bytes of `a`, zero-extended. */
export function tnumCast(a: Tnum, bytes: 1 | 2 | 4 | 8): Tnum {
  if (bytes === 8) return a;
  const lim = (1n << BigInt(bytes * 8)) - 1n;
  return { value: a.value & lim, mask: a.mask & lim };
}

/** True when every value of `b` is a value of `a`. */
export function tnumContains(a: Tnum, b: Tnum): boolean {
  if ((b.mask & ~a.mask & U64_MAX) !== 0n) return false;
  return a.value === (b.value & ~a.mask & U64_MAX);
}

/** Text form as the Linux log prints it: `(0x0; 0xff)`. */
export function tnumText(a: Tnum): string {
  return `(0x${a.value.toString(16)}; 0x${a.mask.toString(16)})`;
}
