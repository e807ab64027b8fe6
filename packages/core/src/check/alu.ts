/**
 * ALU rules: scalar arithmetic through the scalar domain, register copies (which link scalars so
 * a later bound applies to both), and pointer arithmetic — only `ptr += scalar`, `ptr -= scalar`
 * (64-bit) on pointers that may move, and `ptr - ptr` within one object, which yields a number.
 * Everything else on a pointer is refused: no forged or leaked pointers.
 */
import { type Insn } from '../isa/insn.js';
import type { Mnemonic } from '../isa/mnemonics.js';
import { AluOp, Class, opClass } from '../isa/opcodes.js';
import type { CheckEnv } from './env.js';
import { type Reg, REG_UNKNOWN, isNullable, isPointer, scalarReg } from './reg-state.js';
import { SCALAR_UNKNOWN, type Scalar, isConst, scalarAdd, scalarAlu, scalarConst, scalarSub } from './scalar.js';

/** Largest fixed pointer offset the checker tracks (as Linux: 2^29). */
export const MAX_PTR_OFF = 1 << 29;

const OP_NAME: Readonly<Record<number, string>> = {
  [AluOp.ADD]: 'add', [AluOp.SUB]: 'sub', [AluOp.MUL]: 'mul', [AluOp.DIV]: 'div', [AluOp.OR]: 'or', [AluOp.AND]: 'and',
  [AluOp.LSH]: 'lsh', [AluOp.RSH]: 'rsh', [AluOp.NEG]: 'neg', [AluOp.MOD]: 'mod', [AluOp.XOR]: 'xor', [AluOp.MOV]: 'mov',
  [AluOp.ARSH]: 'arsh', [AluOp.END]: 'end',
};

/** Checks an ALU or ALU64 instruction and updates the destination register. */
export function checkAlu(env: CheckEnv, insn: Insn, m: Mnemonic): void {
  const is64 = opClass(insn.code) === Class.ALU64;
  const op = insn.code & 0xf0;
  const isReg = m.form === 'alu-reg';
  const dst = insn.dst;
  if (dst === 10) env.fail('FP_WRITE');

  if (op === AluOp.MOV) {
    if (!isReg) {
      env.writeReg(dst, scalarReg(scalarConst(is64 ? BigInt(insn.imm) : BigInt(insn.imm >>> 0))));
      return;
    }
    const src = env.readReg(insn.src);
    if (isPointer(src)) {
      if (!is64 || insn.off !== 0) env.fail('PTR_ARITH', { reg: insn.src, detail: `${is64 ? 'sign extension' : 'partial copy'} of pointer prohibited` });
      env.writeReg(dst, src);
      return;
    }
    if (is64 && insn.off === 0) {
      // A plain copy links the two registers: a bound learned on one applies to the other.
      let linked = src;
      if (src.id === 0 && !isConst(src.s)) {
        linked = scalarReg(src.s, env.newId());
        env.writeReg(insn.src, linked);
      }
      env.writeReg(dst, linked);
      return;
    }
    env.writeReg(dst, scalarReg(scalarAlu(op, REG_UNKNOWN.s, src.s, is64, insn.off)));
    return;
  }

  const a = env.readReg(dst);
  if (op === AluOp.NEG || op === AluOp.END) {
    if (isPointer(a)) env.fail('PTR_ARITH', { reg: dst, detail: `pointer arithmetic with ${OP_NAME[op]} operator prohibited` });
    env.writeReg(dst, scalarReg(scalarAlu(op, a.s, a.s, is64, insn.off, insn.code & 0x08, insn.imm)));
    return;
  }
  const b = isReg ? env.readReg(insn.src) : scalarReg(scalarConst(BigInt(insn.imm)));
  if (!isPointer(a) && !isPointer(b)) {
    env.writeReg(dst, scalarReg(scalarAlu(op, a.s, b.s, is64, insn.off)));
    return;
  }
  const ptrReg = isPointer(a) ? dst : insn.src;
  if (!is64) env.fail('PTR_ARITH', { reg: ptrReg, detail: '32-bit pointer arithmetic prohibited' });
  if (op === AluOp.ADD) {
    if (isPointer(a) && isPointer(b)) env.fail('PTR_ARITH', { reg: dst, detail: 'pointer += pointer prohibited' });
    env.writeReg(dst, movePointer(env, isPointer(a) ? a : b, isPointer(a) ? b.s : a.s, false, ptrReg));
    return;
  }
  if (op === AluOp.SUB) {
    if (isPointer(a) && !isPointer(b)) {
      env.writeReg(dst, movePointer(env, a, b.s, true, dst));
      return;
    }
    if (isPointer(a) && isPointer(b) && sameObject(a, b)) {
      env.writeReg(dst, REG_UNKNOWN);
      return;
    }
    env.fail('PTR_ARITH', { reg: ptrReg, detail: isPointer(a) ? 'subtraction of pointers to different objects prohibited' : 'scalar - pointer prohibited' });
  }
  env.fail('PTR_ARITH', { reg: ptrReg, detail: `pointer arithmetic with ${OP_NAME[op] ?? 'this'} operator prohibited` });
}

/** True when `ptr1 - ptr2` measures a distance inside one object. */
function sameObject(a: Reg, b: Reg): boolean {
  const pkt = (r: Reg): boolean => r.type === 'packet' || r.type === 'packet_meta' || r.type === 'packet_end';
  if (pkt(a) && pkt(b)) return true;
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'stack': return a.frame === b.frame;
    case 'map_value': return a.map === b.map && a.id === b.id && a.id !== 0;
    case 'ctx': return true;
    case 'mem': return a.ref === b.ref && a.ref !== 0;
    default: return false;
  }
}

/** `ptr ± delta`: a fixed move changes `off`, a variable one the variable part. */
export function movePointer(env: CheckEnv, p: Reg, delta: Scalar, negate: boolean, reg: number): Reg {
  if (p.type === 'map_ptr' || p.type === 'packet_end' || isNullable(p)) {
    env.fail('PTR_ARITH', { reg, detail: `pointer arithmetic on ${p.type}${isNullable(p) ? ' prohibited, null-check it first' : ' prohibited'}` });
  }
  if (isConst(delta)) {
    const v = BigInt.asIntN(64, delta.umin);
    const off = BigInt(p.off) + (negate ? -v : v);
    if (off <= -BigInt(MAX_PTR_OFF) || off >= BigInt(MAX_PTR_OFF)) {
      env.fail('PTR_ARITH', { reg, detail: `pointer offset ${off} is out of bounds` });
    }
    return { ...p, off: Number(off) };
  }
  const s = negate ? scalarSub(p.s, delta) : scalarAdd(p.s, delta);
  if (p.type === 'packet' || p.type === 'packet_meta') return { ...p, s, id: env.newId(), range: 0 };
  return { ...p, s: s ?? SCALAR_UNKNOWN };
}
