/**
 * Conditional jumps: decides which sides can happen and what each side knows. Scalars go
 * through `branch.ts` (bounds are shared with linked copies); a maybe-NULL pointer compared with
 * 0 becomes usable on the non-NULL side (and 0 on the other); a packet pointer compared with
 * `data_end` proves the packet bytes before it. Any other pointer comparison is refused.
 */
import type { Insn } from '../isa/insn.js';
import type { Mnemonic } from '../isa/mnemonics.js';
import { Class, JmpOp, opClass } from '../isa/opcodes.js';
import { branchOutcome, refineBranch, swapJmp } from './branch.js';
import { releaseRefIn } from './refs.js';
import type { CheckEnv } from './env.js';
import { MAX_PACKET_OFF } from './mem-access.js';
import { type Reg, type VState, cloneState, curFrame, isNullable, isPointer, mapAllRegs, scalarReg } from './reg-state.js';
import { type Scalar, SCALAR_ZERO, isConst, scalarConst } from './scalar.js';

/** Which sides of a conditional jump the walk follows next. */
export type JumpPlan =
  /** Only the fall-through side is possible (the current state continues there). */
  | { readonly kind: 'fall' }
  /** Only the taken side is possible (the current state continues there). */
  | { readonly kind: 'taken' }
  /** Both: the current state falls through, `other` is the state on the taken side. */
  | { readonly kind: 'both'; readonly other: VState }
  /** Neither: the path cannot reach this jump. */
  | { readonly kind: 'none' };

/** Checks a conditional jump and refines the states of its sides. */
export function checkCondJump(env: CheckEnv, insn: Insn, m: Mnemonic): JumpPlan {
  const is32 = opClass(insn.code) === Class.JMP32;
  const op = insn.code & 0xf0;
  const isReg = m.form === 'jmp-reg';
  const a = env.readReg(insn.dst);
  const b = isReg ? env.readReg(insn.src) : scalarReg(scalarConst(BigInt(insn.imm)));
  if (a.type === 'scalar' && b.type === 'scalar') return scalarJump(env, op, is32, insn, isReg, a, b);
  return pointerJump(env, op, is32, insn, a, b);
}

function setScalar(st: VState, regno: number, orig: Reg, s: Scalar): void {
  if (orig.id !== 0) {
    mapAllRegs(st, (r) => (r.type === 'scalar' && r.id === orig.id ? { ...r, s } : r));
    return;
  }
  curFrame(st).regs[regno] = scalarReg(s);
}

function scalarJump(env: CheckEnv, op: number, is32: boolean, insn: Insn, isReg: boolean, a: Reg, b: Reg): JumpPlan {
  const outcome = branchOutcome(op, a.s, b.s, is32);
  if (outcome === 'taken') return { kind: 'taken' };
  if (outcome === 'not_taken') return { kind: 'fall' };
  const t = refineBranch(op, a.s, b.s, is32, true);
  const f = refineBranch(op, a.s, b.s, is32, false);
  const apply = (st: VState, r: [Scalar, Scalar]): void => {
    if (isReg && insn.src !== insn.dst) setScalar(st, insn.src, b, r[1]);
    setScalar(st, insn.dst, a, r[0]);
  };
  if (!t && !f) return { kind: 'none' };
  if (!t) { apply(env.st, f!); return { kind: 'fall' }; }
  if (!f) { apply(env.st, t); return { kind: 'taken' }; }
  const other = cloneState(env.st);
  apply(other, t);
  apply(env.st, f);
  return { kind: 'both', other };
}

const isZero = (r: Reg): boolean => r.type === 'scalar' && isConst(r.s) && r.s.umin === 0n;
const isPkt = (r: Reg): boolean => r.type === 'packet' || r.type === 'packet_meta';

function pointerJump(env: CheckEnv, op: number, is32: boolean, insn: Insn, a: Reg, b: Reg): JumpPlan {
  if (!is32 && (op === JmpOp.JEQ || op === JmpOp.JNE)) {
    if (isPointer(a) && isZero(b)) return nullCheck(env, a, op);
    if (isPointer(b) && isZero(a)) return nullCheck(env, b, op);
  }
  if (!is32 && (op === JmpOp.JGT || op === JmpOp.JGE || op === JmpOp.JLT || op === JmpOp.JLE)) {
    // Only `data` pointers get a range from `data_end`: metadata need not sit right before the
    // packet, so `meta + n <= data_end` proves nothing about the metadata's own bytes.
    if (a.type === 'packet' && b.type === 'packet_end') return packetRange(env, a, op);
    if (a.type === 'packet_end' && b.type === 'packet') return packetRange(env, b, swapJmp(op));
    if ((isPkt(a) && b.type === 'packet_end') || (a.type === 'packet_end' && isPkt(b))) return { kind: 'both', other: cloneState(env.st) };
  }
  if (!is32 && (op === JmpOp.JEQ || op === JmpOp.JNE) && (isPkt(a) || a.type === 'packet_end') && (isPkt(b) || b.type === 'packet_end')) {
    return { kind: 'both', other: cloneState(env.st) };
  }
  return env.fail('PTR_COMPARE', { reg: isPointer(a) ? insn.dst : insn.src });
}

function nullCheck(env: CheckEnv, p: Reg, op: number): JumpPlan {
  if (!isNullable(p)) return { kind: op === JmpOp.JEQ ? 'fall' : 'taken' };
  const other = cloneState(env.st);
  const [nullSide, nonNullSide] = op === JmpOp.JEQ ? [other, env.st] : [env.st, other];
  const same = (r: Reg): boolean => isNullable(r) && r.id === p.id;
  mapAllRegs(nonNullSide, (r) => (same(r) ? { ...r, type: r.type === 'map_value_or_null' ? 'map_value' : 'mem' } : r));
  mapAllRegs(nullSide, (r) => (same(r) ? scalarReg(SCALAR_ZERO) : r));
  // A NULL reservation holds nothing to release.
  if (p.ref !== 0) releaseRefIn(nullSide, p.ref);
  return { kind: 'both', other };
}

/**
 * `pkt op data_end` (pkt on the left): on the side where `pkt <= data_end` (or `<`) holds, every
 * packet pointer with pkt's id may access `pkt.off` bytes from its base.
 */
function packetRange(env: CheckEnv, p: Reg, op: number): JumpPlan {
  const other = cloneState(env.st);
  if (p.off < 0 || p.off > MAX_PACKET_OFF) return { kind: 'both', other };
  // JGT/JGE: proven on the fall-through side; JLT/JLE: on the taken side.
  const proven = op === JmpOp.JGT || op === JmpOp.JGE ? env.st : other;
  const range = p.off;
  mapAllRegs(proven, (r) => (r.type === p.type && r.id === p.id && r.range < range ? { ...r, range } : r));
  return { kind: 'both', other };
}
