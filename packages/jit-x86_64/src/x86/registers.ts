/**
 * x86-64 register numbers and the eBPF → x86-64 register map (the seed's one-to-one mapping).
 * Pure data: the encoder turns these numbers into REX/ModRM bits, the code generator picks
 * them per eBPF register. Nothing here emits bytes.
 */

/** x86-64 general-purpose registers by hardware number (REX extension bit = bit 3). */
export const X86 = {
  RAX: 0, RCX: 1, RDX: 2, RBX: 3, RSP: 4, RBP: 5, RSI: 6, RDI: 7,
  R8: 8, R9: 9, R10: 10, R11: 11, R12: 12, R13: 13, R14: 14, R15: 15,
} as const;

/** A hardware register number 0..15. */
export type X86Reg = (typeof X86)[keyof typeof X86];

/**
 * eBPF register → x86-64 register, indexed by eBPF register number (the seed's table):
 * - R0 → rax: the x86-64 return register, so `exit` needs no move;
 * - R1..R5 → rdi, rsi, rdx, rcx, r8: the System V argument registers, in order, so r1 and r2
 *   arrive where the native caller put them;
 * - R6..R9 → rbx, r13, r14, r15: callee-saved in System V, like R6..R9 in eBPF, so they survive
 *   the FFI helper trampoline without spilling (r12 is avoided: as a base it needs a SIB byte);
 * - R10 (FP) → rbp: read-only in eBPF, so it holds the VM stack address for the whole frame.
 */
export const BPF_TO_X86: readonly X86Reg[] = Object.freeze([
  X86.RAX, X86.RDI, X86.RSI, X86.RDX, X86.RCX, X86.R8, X86.RBX, X86.R13, X86.R14, X86.R15, X86.RBP,
]);

/** Scratch registers the code generator may clobber inside one eBPF instruction. */
export const SCRATCH = Object.freeze({
  /** Saves rax across div/mod and cmpxchg loops. */
  A: X86.R9,
  /** Saves rdx across div/mod; holds computed addresses of atomics. */
  B: X86.R10,
  /** Materialized immediates, absolute addresses, the divisor. */
  C: X86.R11,
} as const);

/**
 * r12 holds `native address − VM address` when the VM memory's base is not the buffer's real
 * address; every memory operand then adds it as an index. Callee-saved, so helpers keep it.
 */
export const DELTA_REG = X86.R12;

/** 64-bit register names, by number. */
export const NAMES64: readonly string[] = Object.freeze([
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
]);
/** 32-bit register names, by number. */
export const NAMES32: readonly string[] = Object.freeze([
  'eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d',
]);
/** 16-bit register names, by number. */
export const NAMES16: readonly string[] = Object.freeze([
  'ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w',
]);
/** 8-bit register names with a REX prefix present (spl/bpl/sil/dil, never ah..bh), by number. */
export const NAMES8: readonly string[] = Object.freeze([
  'al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b',
]);

/** Name of register `r` at operand width `bits`. */
export function regName(r: number, bits: 8 | 16 | 32 | 64): string {
  const t = bits === 64 ? NAMES64 : bits === 32 ? NAMES32 : bits === 16 ? NAMES16 : NAMES8;
  return t[r]!;
}
