/**
 * 64-bit arithmetic on pairs of 32-bit halves (`lo`, `hi` as signed Int32 values), for the
 * operations the interpreter's loop does not inline: multiplication, division and modulo.
 * Results go to {@link out} (no allocation). BigInt appears only on the slow division paths,
 * where an operand does not fit 32 bits; everything here is pure and browser-safe.
 */

/** Result pair of the last operation: `out[0]` = low half, `out[1]` = high half. */
export const out = new Int32Array(2);

/** Unsigned high 32 bits of the 64-bit product of two unsigned 32-bit values. */
export function mulhiU32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** `out = a * b` modulo 2^64. */
export function mul64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  out[0] = Math.imul(aLo, bLo);
  out[1] = (mulhiU32(aLo, bLo) + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) | 0;
}

/** The halves as an unsigned BigInt. */
export function toU64(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** The halves as a signed BigInt. */
export function toS64(lo: number, hi: number): bigint {
  return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
}

/** Stores a BigInt (taken modulo 2^64) in {@link out}. */
export function fromBig(v: bigint): void {
  out[0] = Number(BigInt.asIntN(32, v));
  out[1] = Number(BigInt.asIntN(32, v >> 32n));
}

/**
 * Stores a Number taken as a signed 64-bit integer in {@link out} (non-integers truncate,
 * NaN is 0; magnitudes beyond 2^63 wrap as BigInt would).
 */
export function fromNumber(v: number): void {
  if (v === (v | 0)) {
    out[0] = v;
    out[1] = v < 0 ? -1 : 0;
    return;
  }
  if (!Number.isFinite(v)) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  v = Math.trunc(v);
  if (v >= 0 && v < 18446744073709551616) {
    out[0] = v % 4294967296 | 0;
    out[1] = Math.floor(v / 4294967296) | 0;
    return;
  }
  fromBig(BigInt(v));
}

/** `out = a / b` unsigned; division by zero gives 0 (RFC 9669). */
export function udiv64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  if (bLo === 0 && bHi === 0) {
    out[0] = 0;
    out[1] = 0;
  } else if (aHi === 0 && bHi === 0) {
    out[0] = Math.floor((aLo >>> 0) / (bLo >>> 0)) | 0;
    out[1] = 0;
  } else {
    fromBig(toU64(aLo, aHi) / toU64(bLo, bHi));
  }
}

/** `out = a % b` unsigned; modulo by zero leaves `a` (RFC 9669). */
export function umod64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  if (bLo === 0 && bHi === 0) {
    out[0] = aLo;
    out[1] = aHi;
  } else if (aHi === 0 && bHi === 0) {
    out[0] = (aLo >>> 0) % (bLo >>> 0) | 0;
    out[1] = 0;
  } else {
    fromBig(toU64(aLo, aHi) % toU64(bLo, bHi));
  }
}

/**
 * `out = a / b` signed, truncating toward zero; by zero gives 0, and INT64_MIN / -1 wraps to
 * INT64_MIN (RFC 9669).
 */
export function sdiv64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  if (bLo === 0 && bHi === 0) {
    out[0] = 0;
    out[1] = 0;
  } else if (aHi === aLo >> 31 && bHi === bLo >> 31) {
    // Both fit in int32: exact in doubles; -2^31 / -1 = 2^31 still fits in 64 bits.
    const q = Math.trunc(aLo / bLo);
    out[0] = q | 0;
    out[1] = q < 0 ? -1 : 0;
  } else {
    // INT64_MIN / -1 = 2^63, which fromBig wraps to INT64_MIN.
    fromBig(toS64(aLo, aHi) / toS64(bLo, bHi));
  }
}

/**
 * `out = a % b` signed (the sign follows the dividend); by zero leaves `a`, INT64_MIN % -1 = 0
 * (RFC 9669).
 */
export function smod64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  if (bLo === 0 && bHi === 0) {
    out[0] = aLo;
    out[1] = aHi;
  } else if (aHi === aLo >> 31 && bHi === bLo >> 31) {
    const r = aLo % bLo; // -2^31 % -1 is -0 → 0
    out[0] = r | 0;
    out[1] = r < 0 ? -1 : 0;
  } else if (bLo === -1 && bHi === -1) {
    out[0] = 0;
    out[1] = 0;
  } else {
    fromBig(toS64(aLo, aHi) % toS64(bLo, bHi));
  }
}

/** 32-bit unsigned division: by zero gives 0. Returns the result as int32 bits. */
export function udiv32(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor((a >>> 0) / (b >>> 0)) | 0;
}

/** 32-bit unsigned modulo: by zero leaves `a`. */
export function umod32(a: number, b: number): number {
  return b === 0 ? a | 0 : (a >>> 0) % (b >>> 0) | 0;
}

/** 32-bit signed division: by zero gives 0, INT32_MIN / -1 wraps to INT32_MIN. */
export function sdiv32(a: number, b: number): number {
  return b === 0 ? 0 : Math.trunc((a | 0) / (b | 0)) | 0;
}

/** 32-bit signed modulo: by zero leaves `a`, INT32_MIN % -1 = 0. */
export function smod32(a: number, b: number): number {
  return b === 0 ? a | 0 : (a | 0) % (b | 0) | 0;
}
