/**
 * Label resolution: turns the builder's `label` (this instruction is a target) and `target` (the
 * label a jump, `gotol`, local call or code-address `lddw` goes to) into slot-relative offsets.
 * Offsets count 8-byte slots from the next slot, as RFC 9669 defines them.
 */
import { EncodeError } from './encode-error.js';
import { insn as makeInsn, slotIndexes, type Insn } from './insn.js';
import { CallSrc, Class, JmpOp, LdImmSrc, Op, opClass, opOp } from './opcodes.js';

/** Where a resolved target goes: the 16-bit `off` (jumps) or the 32-bit `imm` (gotol, calls, lddw). */
export function targetField(insn: Pick<Insn, 'code' | 'src'>): 'off' | 'imm' | undefined {
  const cls = opClass(insn.code);
  if (insn.code === Op.JA32) return 'imm';
  if (insn.code === Op.CALL) return insn.src === CallSrc.LOCAL ? 'imm' : undefined;
  if (insn.code === Op.LDDW) return insn.src === LdImmSrc.CODE_ADDR ? 'imm' : undefined;
  if (cls === Class.JMP || cls === Class.JMP32) {
    const op = opOp(insn.code);
    return op === JmpOp.CALL || op === JmpOp.EXIT ? undefined : 'off';
  }
  return undefined;
}

/** True when any instruction carries a `label` or a `target`. */
export function hasLabels(insns: readonly Insn[]): boolean {
  return insns.some((i) => i.label !== undefined || i.target !== undefined);
}

/**
 * Resolves labels into offsets; the result carries no `label`/`target` fields.
 * @throws {@link EncodeError} "duplicate label 'x'", "insn 7: label 'out' not defined", a target
 * on an instruction that cannot jump, or an offset that does not fit its field.
 */
export function resolveLabels(insns: readonly Insn[]): Insn[] {
  const slots = slotIndexes(insns);
  const where = new Map<string, number>();
  insns.forEach((insn, i) => {
    if (insn.label === undefined) return;
    const prev = where.get(insn.label);
    if (prev !== undefined) throw new EncodeError(`duplicate label '${insn.label}' (also at insn ${prev})`, slots[i]!);
    where.set(insn.label, slots[i]!);
  });
  return insns.map((insn, i) => {
    const { label: _label, target, ...fields } = insn;
    if (target === undefined) return _label === undefined ? insn : makeInsn(fields);
    const slot = slots[i]!;
    const field = targetField(insn);
    if (!field) throw new EncodeError(`opcode 0x${insn.code.toString(16)} cannot have a jump target ('${target}')`, slot);
    const to = where.get(target);
    if (to === undefined) throw new EncodeError(`label '${target}' not defined`, slot);
    const delta = to - slot - 1;
    if (field === 'off' && (delta < -0x8000 || delta > 0x7fff)) {
      throw new EncodeError(`jump to '${target}' is out of range (offset ${delta} does not fit 16 bits; use gotol)`, slot);
    }
    if (field === 'imm' && insn.code === Op.LDDW) return makeInsn({ ...fields, imm: delta, imm64: BigInt.asUintN(32, BigInt(delta)) });
    return makeInsn({ ...fields, [field]: delta });
  });
}
