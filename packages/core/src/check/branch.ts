/**
 * Conditional jumps on scalars: whether a branch is always or never taken, and what each side
 * learns (`if r1 > 10` bounds r1 to [11, ..] on the taken side and [.., 10] on the other).
 * 32-bit jumps decide on the low halves and refine only when the values fit in 32 bits.
 * Pointer comparisons (NULL checks, packet bounds) are the walker's business (`walk.ts`).
 */
import { JmpOp } from '../isa/opcodes.js';
import { S64_MAX, S64_MIN, type Scalar, isConst, scalarSext, scalarTrunc, sync } from './scalar.js';
import { U32_MAX, U64_MAX, tnumConflict, tnumIntersect, tnumRange } from './tnum.js';

/** Outcome of a conditional jump: always taken, never taken, or either. */
export type BranchOutcome = 'taken' | 'not_taken' | 'unknown';

const asS = (v: bigint): bigint => BigInt.asIntN(64, v);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The jump op that holds exactly when `op` does not (JSET has none: returns undefined). */
export function negateJmp(op: number): number | undefined {
  switch (op) {
    case JmpOp.JEQ: return JmpOp.JNE;
    case JmpOp.JNE: return JmpOp.JEQ;
    case JmpOp.JGT: return JmpOp.JLE;
    case JmpOp.JLE: return JmpOp.JGT;
    case JmpOp.JGE: return JmpOp.JLT;
    case JmpOp.JLT: return JmpOp.JGE;
    case JmpOp.JSGT: return JmpOp.JSLE;
    case JmpOp.JSLE: return JmpOp.JSGT;
    case JmpOp.JSGE: return JmpOp.JSLT;
    case JmpOp.JSLT: return JmpOp.JSGE;
    default: return undefined;
  }
}

/** The op that holds for `b op' a` when `a op b` holds (operands swapped). */
export function swapJmp(op: number): number {
  switch (op) {
    case JmpOp.JGT: return JmpOp.JLT;
    case JmpOp.JLT: return JmpOp.JGT;
    case JmpOp.JGE: return JmpOp.JLE;
    case JmpOp.JLE: return JmpOp.JGE;
    case JmpOp.JSGT: return JmpOp.JSLT;
    case JmpOp.JSLT: return JmpOp.JSGT;
    case JmpOp.JSGE: return JmpOp.JSLE;
    case JmpOp.JSLE: return JmpOp.JSGE;
    default: return op;
  }
}

function isSigned(op: number): boolean {
  return op === JmpOp.JSGT || op === JmpOp.JSGE || op === JmpOp.JSLT || op === JmpOp.JSLE;
}

function outcome64(op: number, a: Scalar, b: Scalar): BranchOutcome {
  const yes = (c: boolean, n: boolean): BranchOutcome => (c ? 'taken' : n ? 'not_taken' : 'unknown');
  switch (op) {
    case JmpOp.JEQ:
    case JmpOp.JNE: {
      const eq = isConst(a) && isConst(b) && a.umin === b.umin;
      const ne = a.umax < b.umin || a.umin > b.umax || a.smax < b.smin || a.smin > b.smax || tnumConflict(a.t, b.t);
      return op === JmpOp.JEQ ? yes(eq, ne) : yes(ne, eq);
    }
    case JmpOp.JGT: return yes(a.umin > b.umax, a.umax <= b.umin);
    case JmpOp.JGE: return yes(a.umin >= b.umax, a.umax < b.umin);
    case JmpOp.JLT: return yes(a.umax < b.umin, a.umin >= b.umax);
    case JmpOp.JLE: return yes(a.umax <= b.umin, a.umin > b.umax);
    case JmpOp.JSGT: return yes(a.smin > b.smax, a.smax <= b.smin);
    case JmpOp.JSGE: return yes(a.smin >= b.smax, a.smax < b.smin);
    case JmpOp.JSLT: return yes(a.smax < b.smin, a.smin >= b.smax);
    case JmpOp.JSLE: return yes(a.smax <= b.smin, a.smin > b.smax);
    case JmpOp.JSET: {
      const always = (a.t.value & b.t.value) !== 0n;
      const never = ((a.t.value | a.t.mask) & (b.t.value | b.t.mask)) === 0n;
      return yes(always, never);
    }
    default: return 'unknown';
  }
}

/** Whether `a op b` is decided; `is32` compares the low 32 bits (JMP32). */
export function branchOutcome(op: number, a: Scalar, b: Scalar, is32: boolean): BranchOutcome {
  if (!is32) return outcome64(op, a, b);
  if (isSigned(op)) return outcome64(op, scalarSext(a, 32), scalarSext(b, 32));
  return outcome64(op, scalarTrunc(a, 4), scalarTrunc(b, 4));
}

function excludeValue(s: Scalar, c: bigint): Scalar | undefined {
  let { umin, umax, smin, smax } = s;
  if (umin === c) umin += 1n;
  if (umax === c) umax -= 1n;
  const sc = asS(c);
  if (smin === sc) smin += 1n;
  if (smax === sc) smax -= 1n;
  return sync({ umin, umax, smin, smax, t: s.t });
}

function refine64(op: number, a: Scalar, b: Scalar): [Scalar, Scalar] | undefined {
  const both = (x: Scalar | undefined, y: Scalar | undefined): [Scalar, Scalar] | undefined => (x && y ? [x, y] : undefined);
  switch (op) {
    case JmpOp.JEQ: {
      if (tnumConflict(a.t, b.t)) return undefined;
      const s = sync({ umin: max(a.umin, b.umin), umax: min(a.umax, b.umax), smin: max(a.smin, b.smin), smax: min(a.smax, b.smax), t: tnumIntersect(a.t, b.t) });
      return both(s, s);
    }
    case JmpOp.JNE: {
      let x: Scalar | undefined = a;
      let y: Scalar | undefined = b;
      if (isConst(b)) x = excludeValue(a, b.umin);
      if (isConst(a)) y = excludeValue(b, a.umin);
      return both(x, y);
    }
    case JmpOp.JGT:
      if (a.umax === 0n || b.umin === U64_MAX) return undefined;
      return both(sync({ ...a, umin: max(a.umin, b.umin + 1n) }), sync({ ...b, umax: min(b.umax, a.umax - 1n) }));
    case JmpOp.JGE:
      return both(sync({ ...a, umin: max(a.umin, b.umin) }), sync({ ...b, umax: min(b.umax, a.umax) }));
    case JmpOp.JSGT:
      if (a.smax === S64_MIN || b.smin === S64_MAX) return undefined;
      return both(sync({ ...a, smin: max(a.smin, b.smin + 1n) }), sync({ ...b, smax: min(b.smax, a.smax - 1n) }));
    case JmpOp.JSGE:
      return both(sync({ ...a, smin: max(a.smin, b.smin) }), sync({ ...b, smax: min(b.smax, a.smax) }));
    case JmpOp.JLT:
    case JmpOp.JLE:
    case JmpOp.JSLT:
    case JmpOp.JSLE: {
      const r = refine64(swapJmp(op), b, a);
      return r ? [r[1], r[0]] : undefined;
    }
    case JmpOp.JSET:
      // A single known bit tested and taken: that bit is 1.
      if (isConst(b) && b.umin !== 0n && (b.umin & (b.umin - 1n)) === 0n) {
        if ((a.t.mask & b.umin) === 0n) return (a.t.value & b.umin) !== 0n ? [a, b] : undefined;
        return both(sync({ ...a, t: { value: a.t.value | b.umin, mask: a.t.mask & ~b.umin & U64_MAX } }), b);
      }
      return [a, b];
    default:
      return [a, b];
  }
}

function refineNotSet(a: Scalar, b: Scalar): [Scalar, Scalar] | undefined {
  // `a & c == 0` with c constant: the bits of c are 0 in a.
  if (!isConst(b)) return [a, b];
  const c = b.umin;
  if ((a.t.value & c) !== 0n) return undefined;
  const s = sync({ ...a, t: { value: a.t.value, mask: a.t.mask & ~c & U64_MAX } });
  return s ? [s, b] : undefined;
}

/** `x` with its low 32 bits known to lie in `low` (a refined copy of its low half). */
function withLow32(x: Scalar, low: Scalar): Scalar | undefined {
  if (x.umax <= U32_MAX) return low;
  const t = tnumIntersect(low.t, tnumRange(low.umin, low.umax));
  const hiMask = U64_MAX ^ U32_MAX;
  return sync({ ...x, t: { value: (x.t.value & hiMask) | (t.value & U32_MAX), mask: (x.t.mask & hiMask) | (t.mask & U32_MAX) } });
}

function refineSide(op: number, a: Scalar, b: Scalar, taken: boolean): [Scalar, Scalar] | undefined {
  if (taken) return refine64(op, a, b);
  if (op === JmpOp.JSET) return refineNotSet(a, b);
  const neg = negateJmp(op);
  return neg === undefined ? [a, b] : refine64(neg, a, b);
}

/**
 * What the operands are known to be on one side of `if a op b`: `taken` selects the side.
 * Returns undefined when that side is impossible. 32-bit jumps refine the low halves: values
 * that fit in 32 bits (31 for signed ops) get the refined range, wider ones the known bits of
 * their low half.
 */
export function refineBranch(op: number, a: Scalar, b: Scalar, is32: boolean, taken: boolean): [Scalar, Scalar] | undefined {
  if (!is32) return refineSide(op, a, b, taken);
  if (isSigned(op)) {
    if (a.umax > 0x7fff_ffffn || b.umax > 0x7fff_ffffn) return [a, b];
    return refineSide(op, a, b, taken);
  }
  const r = refineSide(op, scalarTrunc(a, 4), scalarTrunc(b, 4), taken);
  if (!r) return undefined;
  const x = withLow32(a, r[0]);
  const y = withLow32(b, r[1]);
  return x && y ? [x, y] : undefined;
}
