/**
 * The scalar domain of the checker: unsigned and signed 64-bit bounds plus known bits (tnum),
 * kept consistent with each other (Linux `reg_bounds_sync`), with abstract versions of every
 * ALU operation (64- and 32-bit) and the exact evaluator used when both operands are constants.
 * Branch decisions and refinements on scalars live in `branch.ts`; pointers in `reg-state.ts`.
 */
import { AluOp } from '../isa/opcodes.js';
import {
  TNUM_UNKNOWN, U32_MAX, U64_MAX, type Tnum, tnumAdd, tnumAnd, tnumArsh, tnumCast, tnumConflict, tnumConst,
  tnumIntersect, tnumLsh, tnumMul, tnumOr, tnumRange, tnumRsh, tnumSub, tnumXor,
} from './tnum.js';

/** Smallest signed 64-bit value. */
export const S64_MIN = -(1n << 63n);
/** Largest signed 64-bit value. */
export const S64_MAX = (1n << 63n) - 1n;
const SIGN = 1n << 63n;

/** What the checker knows about a 64-bit number: bounds in both orders and known bits. */
export interface Scalar {
  /** Unsigned lower bound. */
  readonly umin: bigint;
  /** Unsigned upper bound. */
  readonly umax: bigint;
  /** Signed lower bound. */
  readonly smin: bigint;
  /** Signed upper bound. */
  readonly smax: bigint;
  /** Known bits. */
  readonly t: Tnum;
}

const asU = (v: bigint): bigint => BigInt.asUintN(64, v);
const asS = (v: bigint): bigint => BigInt.asIntN(64, v);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** A scalar about which nothing is known. */
export const SCALAR_UNKNOWN: Scalar = Object.freeze({ umin: 0n, umax: U64_MAX, smin: S64_MIN, smax: S64_MAX, t: TNUM_UNKNOWN });

/** The constant `v` (taken modulo 2^64). */
export function scalarConst(v: bigint | number): Scalar {
  const u = asU(BigInt(v));
  return { umin: u, umax: u, smin: asS(u), smax: asS(u), t: tnumConst(u) };
}

/** Zero, shared. */
export const SCALAR_ZERO: Scalar = Object.freeze(scalarConst(0n));

/** Any value in the unsigned range `[lo, hi]`. */
export function scalarURange(lo: bigint, hi: bigint): Scalar {
  return sync({ umin: lo, umax: hi, smin: S64_MIN, smax: S64_MAX, t: tnumRange(lo, hi) }) ?? SCALAR_UNKNOWN;
}

/** Any value in the signed range `[lo, hi]`. */
export function scalarSRange(lo: bigint, hi: bigint): Scalar {
  return sync({ umin: 0n, umax: U64_MAX, smin: lo, smax: hi, t: TNUM_UNKNOWN }) ?? SCALAR_UNKNOWN;
}

/** True when the scalar has exactly one possible value. */
export function isConst(s: Scalar): boolean {
  return s.umin === s.umax;
}

/** True when `s` is the constant `v`. */
export function isConstValue(s: Scalar, v: bigint): boolean {
  return s.umin === s.umax && s.umin === asU(v);
}

/**
 * Makes bounds and known bits agree (each tightens the other). Returns undefined when no value
 * satisfies them all: the path that produced them cannot happen.
 */
export function sync(s: Scalar): Scalar | undefined {
  let { umin, umax, smin, smax } = s;
  let t = s.t;
  for (let round = 0; round < 2; round++) {
    // Bounds from known bits.
    smin = max(smin, asS(t.value | (t.mask & SIGN)));
    smax = min(smax, asS(t.value | (t.mask & ~SIGN & U64_MAX)));
    umin = max(umin, t.value);
    umax = min(umax, t.value | t.mask);
    // Signed and unsigned bounds from each other.
    if (smin >= 0n || smax < 0n) {
      const lo = max(asU(smin), umin);
      const hi = min(asU(smax), umax);
      umin = lo; umax = hi; smin = asS(lo); smax = asS(hi);
    } else if (umax < SIGN) {
      smin = umin;
      smax = umax = min(smax, umax);
    } else if (umin >= SIGN) {
      smin = max(smin, asS(umin));
      umin = asU(smin);
      smax = asS(umax);
    }
    if (umin > umax || smin > smax) return undefined;
    const r = tnumRange(umin, umax);
    if (tnumConflict(t, r)) return undefined;
    const nt = tnumIntersect(t, r);
    // A second round only helps when the bounds gave the known bits something new.
    if (nt.value === t.value && nt.mask === t.mask) break;
    t = nt;
  }
  if (umin > umax || smin > smax) return undefined;
  return { umin, umax, smin, smax, t };
}

/** The least scalar containing both `a` and `b` (used when widening is needed). */
export function scalarUnion(a: Scalar, b: Scalar): Scalar {
  const t = { value: a.t.value & b.t.value, mask: 0n };
  const mask = (a.t.mask | b.t.mask | (a.t.value ^ b.t.value)) & U64_MAX;
  return sync({
    umin: min(a.umin, b.umin), umax: max(a.umax, b.umax), smin: min(a.smin, b.smin), smax: max(a.smax, b.smax),
    t: { value: t.value & ~mask & U64_MAX, mask },
  }) ?? SCALAR_UNKNOWN;
}

/** True when every value `b` can take is a value `a` can take. */
export function scalarContains(a: Scalar, b: Scalar): boolean {
  return a.umin <= b.umin && a.umax >= b.umax && a.smin <= b.smin && a.smax >= b.smax &&
    (b.t.mask & ~a.t.mask & U64_MAX) === 0n && a.t.value === (b.t.value & ~a.t.mask & U64_MAX);
}

/** True when `a` and `b` describe the same set of facts. */
export function scalarEquals(a: Scalar, b: Scalar): boolean {
  return a === b || (a.umin === b.umin && a.umax === b.umax && a.smin === b.smin && a.smax === b.smax &&
    a.t.value === b.t.value && a.t.mask === b.t.mask);
}

/** The low `bytes` bytes of `s`, zero-extended (ALU32 results, narrow loads, le16/le32). */
export function scalarTrunc(s: Scalar, bytes: 1 | 2 | 4 | 8): Scalar {
  if (bytes === 8) return s;
  const bits = BigInt(bytes * 8);
  const lim = (1n << bits) - 1n;
  let lo = 0n;
  let hi = lim;
  if (s.umin >> bits === s.umax >> bits) {
    lo = s.umin & lim; hi = s.umax & lim;
  } else if (s.smin >> bits === s.smax >> bits) {
    lo = s.smin & lim; hi = s.smax & lim;
  }
  return sync({ umin: lo, umax: hi, smin: 0n, smax: lim, t: tnumCast(s.t, bytes) }) ?? scalarURange(0n, lim);
}

/** Sign-extends the low `bits` bits of `s` to 64 bits (movsx, ldxs*). */
export function scalarSext(s: Scalar, bits: 8 | 16 | 32): Scalar {
  const z = scalarTrunc(s, (bits / 8) as 1 | 2 | 4);
  const b = BigInt(bits);
  const signBit = 1n << (b - 1n);
  const lim = (1n << b) - 1n;
  let lo: bigint;
  let hi: bigint;
  if (z.umax < signBit) { lo = z.umin; hi = z.umax; }
  else if (z.umin >= signBit) { lo = z.umin - (1n << b); hi = z.umax - (1n << b); }
  else { lo = -signBit; hi = signBit - 1n; }
  let t: Tnum;
  if ((z.t.mask & signBit) !== 0n) t = { value: z.t.value, mask: (z.t.mask | ~lim) & U64_MAX };
  else if ((z.t.value & signBit) !== 0n) t = { value: (z.t.value | ~lim) & U64_MAX, mask: z.t.mask };
  else t = z.t;
  return sync({ umin: 0n, umax: U64_MAX, smin: lo, smax: hi, t }) ?? scalarSRange(-signBit, signBit - 1n);
}

function addBounds(a: Scalar, b: Scalar, t: Tnum): Scalar {
  let smin = a.smin + b.smin;
  let smax = a.smax + b.smax;
  if (smin < S64_MIN || smax > S64_MAX) { smin = S64_MIN; smax = S64_MAX; }
  let umin = a.umin + b.umin;
  let umax = a.umax + b.umax;
  if (umax > U64_MAX) { umin = 0n; umax = U64_MAX; }
  return sync({ umin, umax, smin, smax, t }) ?? SCALAR_UNKNOWN;
}

function subBounds(a: Scalar, b: Scalar, t: Tnum): Scalar {
  let smin = a.smin - b.smax;
  let smax = a.smax - b.smin;
  if (smin < S64_MIN || smax > S64_MAX) { smin = S64_MIN; smax = S64_MAX; }
  let umin = 0n;
  let umax = U64_MAX;
  if (a.umin >= b.umax) { umin = a.umin - b.umax; umax = a.umax - b.umin; }
  return sync({ umin, umax, smin, smax, t }) ?? SCALAR_UNKNOWN;
}

/** `a + b` (64-bit, wrapping). */
export function scalarAdd(a: Scalar, b: Scalar): Scalar {
  return addBounds(a, b, tnumAdd(a.t, b.t));
}

/** `a - b` (64-bit, wrapping). */
export function scalarSub(a: Scalar, b: Scalar): Scalar {
  return subBounds(a, b, tnumSub(a.t, b.t));
}

function mulBounds(a: Scalar, b: Scalar): Scalar {
  const t = tnumMul(a.t, b.t);
  if (a.umax <= U32_MAX && b.umax <= U32_MAX) {
    return sync({ umin: a.umin * b.umin, umax: a.umax * b.umax, smin: S64_MIN, smax: S64_MAX, t }) ?? SCALAR_UNKNOWN;
  }
  return sync({ ...SCALAR_UNKNOWN, t }) ?? SCALAR_UNKNOWN;
}

function shiftAmount(b: Scalar, bits: 32 | 64): number | undefined {
  return isConst(b) ? Number(b.umin & BigInt(bits - 1)) : undefined;
}

/**
 * The exact result of an ALU operation on constants, as RFC 9669 defines it (division by zero
 * gives 0, modulo by zero keeps the dividend, shift amounts are masked). `op` is the high nibble
 * of the opcode, `off` the instruction's offset (sdiv/smod/movsx), `imm` the END width.
 */
export function evalAlu(op: number, a: bigint, b: bigint, is64: boolean, off: number, endSrc = 0, imm = 0): bigint {
  const bits = is64 ? 64 : 32;
  const wrap = (v: bigint): bigint => BigInt.asUintN(bits, v);
  const sx = (v: bigint): bigint => BigInt.asIntN(bits, v);
  const x = wrap(a);
  const y = wrap(b);
  switch (op) {
    case AluOp.ADD: return wrap(x + y);
    case AluOp.SUB: return wrap(x - y);
    case AluOp.MUL: return wrap(x * y);
    case AluOp.DIV:
      if (y === 0n) return 0n;
      return off === 1 ? wrap(sx(x) / sx(y)) : x / y;
    case AluOp.MOD:
      if (y === 0n) return x;
      return off === 1 ? wrap(sx(x) % sx(y)) : x % y;
    case AluOp.OR: return x | y;
    case AluOp.AND: return x & y;
    case AluOp.XOR: return x ^ y;
    case AluOp.LSH: return wrap(x << (y & BigInt(bits - 1)));
    case AluOp.RSH: return x >> (y & BigInt(bits - 1));
    case AluOp.ARSH: return wrap(sx(x) >> (y & BigInt(bits - 1)));
    case AluOp.NEG: return wrap(-x);
    case AluOp.MOV:
      if (off === 8 || off === 16 || off === 32) return wrap(BigInt.asIntN(off, y));
      return y;
    case AluOp.END: {
      const w = imm === 16 || imm === 32 || imm === 64 ? imm : 64;
      const v = BigInt.asUintN(w, a);
      // ALU class: K = to little-endian (a truncation on this little-endian VM), X = to big-endian.
      // ALU64 class: unconditional byte swap.
      if (!is64 && endSrc === 0) return v;
      let r = 0n;
      for (let i = 0; i < w / 8; i++) r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
      return r;
    }
    default: return 0n;
  }
}

/**
 * The abstract result of `dst = dst op src` on scalars. `is64` selects ALU64 (else the operation
 * works on the low 32 bits and zero-extends). `off`, `endSrc` and `imm` as in {@link evalAlu}.
 */
export function scalarAlu(op: number, a: Scalar, b: Scalar, is64: boolean, off: number, endSrc = 0, imm = 0): Scalar {
  if (isConst(a) && isConst(b)) return scalarConst(evalAlu(op, a.umin, b.umin, is64, off, endSrc, imm));
  if (op === AluOp.MOV) {
    if (off === 8 || off === 16 || off === 32) {
      const r = scalarSext(b, off);
      return is64 ? r : scalarTrunc(r, 4);
    }
    return is64 ? b : scalarTrunc(b, 4);
  }
  if (op === AluOp.END) {
    const w = imm === 16 || imm === 32 ? imm : 64;
    if (!is64 && endSrc === 0) return scalarTrunc(a, (w / 8) as 2 | 4 | 8);
    return w === 64 ? SCALAR_UNKNOWN : scalarURange(0n, (1n << BigInt(w)) - 1n);
  }
  if (is64) return alu64(op, a, b, off);
  // 32-bit: work on the zero-extended low halves with 64-bit rules, then truncate.
  const x = scalarTrunc(a, 4);
  const y = scalarTrunc(b, 4);
  switch (op) {
    case AluOp.ARSH: {
      const s = shiftAmount(y, 32);
      if (s === undefined) return scalarURange(0n, U32_MAX);
      const sx = scalarSext(x, 32);
      const r = sync({ ...SCALAR_UNKNOWN, smin: sx.smin >> BigInt(s), smax: sx.smax >> BigInt(s), t: tnumArsh(sx.t, s, 64) });
      return scalarTrunc(r ?? SCALAR_UNKNOWN, 4);
    }
    case AluOp.LSH:
    case AluOp.RSH: {
      const s = shiftAmount(y, 32);
      if (s === undefined) return scalarURange(0n, U32_MAX);
      return scalarTrunc(alu64(op, x, scalarConst(BigInt(s)), 0), 4);
    }
    case AluOp.DIV:
    case AluOp.MOD:
      if (off !== 0) return scalarURange(0n, U32_MAX);
      return scalarTrunc(alu64(op, x, y, 0), 4);
    default:
      return scalarTrunc(alu64(op, x, y, off), 4);
  }
}

function alu64(op: number, a: Scalar, b: Scalar, off: number): Scalar {
  switch (op) {
    case AluOp.ADD: return scalarAdd(a, b);
    case AluOp.SUB: return scalarSub(a, b);
    case AluOp.NEG: return scalarSub(SCALAR_ZERO, a);
    case AluOp.MUL: return mulBounds(a, b);
    case AluOp.AND: {
      const t = tnumAnd(a.t, b.t);
      return sync({ umin: t.value, umax: min(a.umax, b.umax), smin: S64_MIN, smax: S64_MAX, t }) ?? SCALAR_UNKNOWN;
    }
    case AluOp.OR: {
      const t = tnumOr(a.t, b.t);
      return sync({ umin: max(a.umin, b.umin), umax: t.value | t.mask, smin: S64_MIN, smax: S64_MAX, t }) ?? SCALAR_UNKNOWN;
    }
    case AluOp.XOR: {
      const t = tnumXor(a.t, b.t);
      return sync({ umin: t.value, umax: t.value | t.mask, smin: S64_MIN, smax: S64_MAX, t }) ?? SCALAR_UNKNOWN;
    }
    case AluOp.LSH: {
      const s = shiftAmount(b, 64);
      if (s === undefined) return SCALAR_UNKNOWN;
      const k = BigInt(s);
      const t = tnumLsh(a.t, s);
      if (a.umax << k <= U64_MAX) return sync({ umin: a.umin << k, umax: a.umax << k, smin: S64_MIN, smax: S64_MAX, t }) ?? SCALAR_UNKNOWN;
      return sync({ ...SCALAR_UNKNOWN, t }) ?? SCALAR_UNKNOWN;
    }
    case AluOp.RSH: {
      const s = shiftAmount(b, 64);
      if (s === undefined) return SCALAR_UNKNOWN;
      const k = BigInt(s);
      return sync({ umin: a.umin >> k, umax: a.umax >> k, smin: S64_MIN, smax: S64_MAX, t: tnumRsh(a.t, s) }) ?? SCALAR_UNKNOWN;
    }
    case AluOp.ARSH: {
      const s = shiftAmount(b, 64);
      if (s === undefined) return SCALAR_UNKNOWN;
      const k = BigInt(s);
      return sync({ umin: 0n, umax: U64_MAX, smin: a.smin >> k, smax: a.smax >> k, t: tnumArsh(a.t, s, 64) }) ?? SCALAR_UNKNOWN;
    }
    case AluOp.DIV:
      if (off !== 0) return SCALAR_UNKNOWN;
      if (isConst(b)) return b.umin === 0n ? SCALAR_ZERO : scalarURange(a.umin / b.umin, a.umax / b.umin);
      return scalarURange(0n, a.umax);
    case AluOp.MOD:
      if (off !== 0) return SCALAR_UNKNOWN;
      if (isConst(b)) return b.umin === 0n ? a : scalarURange(0n, min(a.umax, b.umin - 1n));
      return scalarURange(0n, a.umax);
    default:
      return SCALAR_UNKNOWN;
  }
}

/** Text form in the style of the Linux log: `0`, `scalar()`, `scalar(umax=255,var_off=(0x0; 0xff))`. */
export function scalarText(s: Scalar): string {
  if (isConst(s)) return s.smin < 0n && s.smin > -4096n ? s.smin.toString() : s.umin < 4096n ? s.umin.toString() : `0x${s.umin.toString(16)}`;
  const parts: string[] = [];
  if (s.smin !== S64_MIN && s.smin !== asS(s.umin)) parts.push(`smin=${s.smin}`);
  if (s.smax !== S64_MAX && s.smax !== asS(s.umax)) parts.push(`smax=${s.smax}`);
  if (s.umin !== 0n) parts.push(`umin=${s.umin}`);
  if (s.umax !== U64_MAX) parts.push(`umax=${s.umax}`);
  if (s.t.mask !== U64_MAX) parts.push(`var_off=(0x${s.t.value.toString(16)}; 0x${s.t.mask.toString(16)})`);
  return `scalar(${parts.join(',')})`;
}
