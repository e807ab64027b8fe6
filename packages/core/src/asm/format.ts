/**
 * Disassembler: `Insn` → text, in the bpf_conformance assembler syntax (`asm`, which
 * `parseAsm` reads back) or the kernel/llvm-objdump syntax (`kernel`:
 * `r0 = *(u32 *)(r1 + 2)`, `if r1 == 0x0 goto +2`, `lock *(u64 *)(r1 + 0) += r2`).
 * Names and operators come from `isa/mnemonics.ts`. Instruction indices are slot indices.
 */
import { findMnemonic, type Mnemonic } from '../isa/mnemonics.js';
import { slotIndexes, type Insn } from '../isa/insn.js';
import { LdImmSrc } from '../isa/opcodes.js';
import { LDDW_PSEUDO_NAMES } from './pseudo.js';

/** The two text syntaxes. */
export type AsmSyntax = 'asm' | 'kernel';

/** Options of {@link formatInsn}. */
export interface FormatOptions {
  /** `asm` (bpf_conformance, default) or `kernel` (llvm-objdump / verifier log style). */
  readonly syntax?: AsmSyntax;
  /** Kernel syntax: names helper ids (`call bpf_map_lookup_elem#1`). */
  readonly helperName?: (id: number) => string | undefined;
}

/** Options of {@link formatProgram}. */
export interface FormatProgramOptions extends FormatOptions {
  /** Prefix each line with its slot index (`  12: ...`); default true. */
  readonly indices?: boolean;
}

/** Formats one instruction; an opcode the table does not know prints as `.invalid 0x..`. */
export function formatInsn(insn: Insn, opts: FormatOptions = {}): string {
  const m = findMnemonic(insn);
  if (!m) return invalid(insn);
  return opts.syntax === 'kernel' ? formatKernel(insn, m, opts) : formatAsm(insn, m);
}

/** Formats a program, one line per instruction, with slot indices (lddw counts two). */
export function formatProgram(insns: readonly Insn[], opts: FormatProgramOptions = {}): string[] {
  const slots = slotIndexes(insns);
  const width = String(slots.length === 0 ? 0 : slots[slots.length - 1]!).length;
  return insns.map((insn, i) => {
    const text = formatInsn(insn, opts);
    return opts.indices === false ? text : `${String(slots[i]).padStart(Math.max(width, 3))}: ${text}`;
  });
}

function invalid(insn: Insn): string {
  return `.invalid 0x${insn.code.toString(16).padStart(2, '0')} dst=${insn.dst} src=${insn.src} off=${insn.off} imm=${insn.imm}`;
}

/** `+2`, `-3`, `+0`; the builder's label name when the offset is not resolved yet. */
function rel(n: number, insn: Insn): string {
  if (insn.target !== undefined) return insn.target;
  return n < 0 ? String(n) : `+${n}`;
}

function memAsm(reg: number, off: number): string {
  return off === 0 ? `[%r${reg}]` : off > 0 ? `[%r${reg}+${off}]` : `[%r${reg}${off}]`;
}

function hex64(v: bigint): string {
  return `0x${v.toString(16)}`;
}

function lddwOperand(insn: Insn): string {
  const v = insn.imm64 ?? BigInt.asUintN(32, BigInt(insn.imm));
  const lo = Number(BigInt.asIntN(32, v));
  const hi = Number(BigInt.asIntN(32, v >> 32n));
  switch (insn.src) {
    case LdImmSrc.IMM64:
      return hex64(v);
    case LdImmSrc.MAP_VALUE_BY_FD:
    case LdImmSrc.MAP_VALUE_BY_IDX:
      return `${LDDW_PSEUDO_NAMES[insn.src]}(${lo}, ${hi})`;
    case LdImmSrc.CODE_ADDR:
      return `${LDDW_PSEUDO_NAMES[insn.src]}(${rel(lo, insn)})`;
    default:
      return `${LDDW_PSEUDO_NAMES[insn.src]}(${lo})`;
  }
}

function formatAsm(insn: Insn, m: Mnemonic): string {
  const { dst, src, off, imm } = insn;
  switch (m.form) {
    case 'alu-reg': return `${m.name} %r${dst}, %r${src}`;
    case 'alu-imm': return `${m.name} %r${dst}, ${imm}`;
    case 'unary': return `${m.name} %r${dst}`;
    case 'ldx': return `${m.name} %r${dst}, ${memAsm(src, off)}`;
    case 'st': return `${m.name} ${memAsm(dst, off)}, ${imm}`;
    case 'stx':
    case 'atomic': return `${m.name} ${memAsm(dst, off)}, %r${src}`;
    case 'jmp-reg': return `${m.name} %r${dst}, %r${src}, ${rel(off, insn)}`;
    case 'jmp-imm': return `${m.name} %r${dst}, ${imm}, ${rel(off, insn)}`;
    case 'ja': return `ja ${rel(off, insn)}`;
    case 'gotol': return `ja32 ${rel(imm, insn)}`;
    case 'call': return insn.helperName !== undefined ? `call ${insn.helperName}` : `call ${imm}`;
    case 'call-local': return `call local ${rel(imm, insn)}`;
    case 'call-kfunc': return `call runtime ${imm}`;
    case 'callx': return `call %r${dst}`;
    case 'exit': return 'exit';
    case 'lddw': return `lddw %r${dst}, ${lddwOperand(insn)}`;
    case 'ldabs': return `${m.name} ${imm}`;
    case 'ldind': return `${m.name} %r${src}, ${imm}`;
  }
}

const SIZE_NAME: Readonly<Record<number, string>> = { 1: 'u8', 2: 'u16', 4: 'u32', 8: 'u64' };

function memKernel(reg: number, off: number): string {
  return off < 0 ? `r${reg} - ${-off}` : `r${reg} + ${off}`;
}

function hexImm(n: number): string {
  return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}

function formatKernel(insn: Insn, m: Mnemonic, opts: FormatOptions): string {
  const { dst, src, off, imm } = insn;
  const r = m.width === 32 ? 'w' : 'r';
  const size = SIZE_NAME[m.bytes ?? 8]!;
  switch (m.form) {
    case 'alu-reg':
      if (m.sym!.startsWith('(s')) return `${r}${dst} = ${m.sym}${r}${src}`;
      return `${r}${dst} ${m.sym} ${r}${src}`;
    case 'alu-imm': return `${r}${dst} ${m.sym} ${imm}`;
    case 'unary':
      if (m.sym === 'neg') return `${r}${dst} = -${r}${dst}`;
      return `r${dst} = ${m.name} r${dst}`;
    case 'ldx': {
      const signed = (insn.code & 0xe0) === 0x80;
      return `r${dst} = *(${signed ? size.replace('u', 's') : size} *)(${memKernel(src, off)})`;
    }
    case 'st': return `*(${size} *)(${memKernel(dst, off)}) = ${imm}`;
    case 'stx': return `*(${size} *)(${memKernel(dst, off)}) = r${src}`;
    case 'atomic': {
      const v = m.bytes === 4 ? 'w' : 'r';
      const addr = memKernel(dst, off);
      if (m.sym === 'xchg') return m.bytes === 4 ? `w${src} = xchg32_32(${addr}, w${src})` : `r${src} = xchg_64(${addr}, r${src})`;
      if (m.sym === 'cmpxchg') return m.bytes === 4 ? `w0 = cmpxchg32_32(${addr}, w0, w${src})` : `r0 = cmpxchg_64(${addr}, r0, r${src})`;
      if (m.sym!.startsWith('fetch_')) return `${v}${src} = atomic_${m.sym}((${size} *)(${addr}), ${v}${src})`;
      return `lock *(${size} *)(${addr}) ${m.sym} ${m.bytes! < 4 ? 'r' : v}${src}`;
    }
    case 'jmp-reg': return `if ${r}${dst} ${m.sym} ${r}${src} goto ${rel(off, insn)}`;
    case 'jmp-imm': return `if ${r}${dst} ${m.sym} ${hexImm(imm)} goto ${rel(off, insn)}`;
    case 'ja': return `goto ${rel(off, insn)}`;
    case 'gotol': return `gotol ${rel(imm, insn)}`;
    case 'call': {
      if (insn.helperName !== undefined) return `call ${insn.helperName}`;
      const name = opts.helperName?.(imm);
      return name !== undefined ? `call ${name}#${imm}` : `call ${imm}`;
    }
    case 'call-local': return insn.target !== undefined ? `call ${insn.target}` : `call pc${rel(imm, insn)}`;
    case 'call-kfunc': return `call kfunc#${imm}`;
    case 'callx': return `callx r${dst}`;
    case 'exit': return 'exit';
    case 'lddw': return `r${dst} = ${lddwOperand(insn)} ll`;
    case 'ldabs': return `r0 = *(${size} *)skb[${imm}]`;
    case 'ldind': return `r0 = *(${size} *)skb[r${src} + ${imm}]`;
  }
}
