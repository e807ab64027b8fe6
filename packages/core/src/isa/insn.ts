/**
 * The instruction model: immutable data, one value per instruction.
 *
 * Fields follow RFC 9669 (`code`, `dst`, `src`, `off`, `imm`) so that the spec is the reference
 * for every field. Two things differ from the raw encoding, and only encode/decode know how:
 * - `lddw` is ONE `Insn` carrying the whole 64-bit constant in `imm64` (it still occupies two
 *   8-byte slots; jump offsets and every instruction index in the project count slots);
 * - a seed-dialect call names its helper (`helperName`) instead of a strtab offset.
 * The builder may also attach a `label` (this instruction is a jump target) and a `target`
 * (the label a jump or local call goes to); `encode` resolves them into offsets.
 */

/** One eBPF instruction. */
export interface Insn {
  /** RFC 9669 opcode byte (class | op/size/mode | source). */
  readonly code: number;
  /** Destination register, 0..10. */
  readonly dst: number;
  /** Source register 0..10, or a pseudo value (lddw kinds, call kinds). */
  readonly src: number;
  /** Signed 16-bit offset (jumps: in slots, relative to the next slot). */
  readonly off: number;
  /** Signed 32-bit immediate. For `lddw`: the low 32 bits of {@link imm64} as s32. */
  readonly imm: number;
  /** `lddw` only: the full 64-bit immediate (unsigned, 0 .. 2^64-1). */
  readonly imm64?: bigint;
  /** Seed dialect calls: the helper's name from the image's string table. */
  readonly helperName?: string;
  /** Builder only: the label this instruction carries. */
  readonly label?: string;
  /** Builder only: the label a jump (or local call) targets; resolved by `encode`. */
  readonly target?: string;
}

/** True when the instruction is `lddw` (occupies two slots). */
export function isWide(insn: Pick<Insn, 'code'>): boolean {
  return insn.code === 0x18;
}

/** Number of 8-byte slots the instruction occupies (1, or 2 for `lddw`). */
export function slotCount(insn: Pick<Insn, 'code'>): 1 | 2 {
  return insn.code === 0x18 ? 2 : 1;
}

/** Slot index of every instruction in `insns` (lddw takes two slots). */
export function slotIndexes(insns: readonly Insn[]): number[] {
  const out = new Array<number>(insns.length);
  let slot = 0;
  for (let i = 0; i < insns.length; i++) {
    out[i] = slot;
    slot += slotCount(insns[i]!);
  }
  return out;
}

/** Total slots taken by `insns`. */
export function totalSlots(insns: readonly Insn[]): number {
  let slot = 0;
  for (const i of insns) slot += slotCount(i);
  return slot;
}

/** Makes a frozen instruction; omitted fields are 0. */
export function insn(fields: Partial<Insn> & Pick<Insn, 'code'>): Insn {
  const out: Insn = {
    code: fields.code & 0xff,
    dst: fields.dst ?? 0,
    src: fields.src ?? 0,
    off: fields.off ?? 0,
    imm: fields.imm ?? 0,
    ...(fields.imm64 !== undefined ? { imm64: BigInt.asUintN(64, fields.imm64) } : {}),
    ...(fields.helperName !== undefined ? { helperName: fields.helperName } : {}),
    ...(fields.label !== undefined ? { label: fields.label } : {}),
    ...(fields.target !== undefined ? { target: fields.target } : {}),
  };
  return Object.freeze(out);
}
