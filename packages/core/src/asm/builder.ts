/**
 * The instruction builder: code that reads like assembly, in the spirit of the seed's
 * `BPF_INSN_*` macros and cilium/ebpf's `asm` package. `asm.mov.imm(R0, 0)`,
 * `asm.jeq.imm(R1, 0, 'out')`, `asm.label('out', asm.exit())`. Each call returns a plain frozen
 * `Insn`; jumps may name labels, which `encode` (or `resolveLabels`) turns into offsets.
 */
import { insn as makeInsn, type Insn } from '../isa/insn.js';
import { mnemonicsForName, type OperandForm } from '../isa/mnemonics.js';
import { CallSrc, LdImmSrc, Op } from '../isa/opcodes.js';
import type { Reg } from '../isa/registers.js';

/** A jump destination: a label name, or an offset in slots relative to the next slot. */
export type JumpTarget = string | number;

/** An ALU operation in its four shapes. */
export interface AluBuilder {
  /** 64-bit, immediate operand: `dst op= imm`. */ imm(dst: Reg, imm: number): Insn;
  /** 64-bit, register operand: `dst op= src`. */ reg(dst: Reg, src: Reg): Insn;
  /** 32-bit, immediate operand. */ imm32(dst: Reg, imm: number): Insn;
  /** 32-bit, register operand. */ reg32(dst: Reg, src: Reg): Insn;
}

/** A conditional jump in its four shapes. */
export interface JmpBuilder {
  /** 64-bit compare with an immediate. */ imm(dst: Reg, imm: number, target: JumpTarget): Insn;
  /** 64-bit compare with a register. */ reg(dst: Reg, src: Reg, target: JumpTarget): Insn;
  /** 32-bit compare with an immediate. */ imm32(dst: Reg, imm: number, target: JumpTarget): Insn;
  /** 32-bit compare with a register. */ reg32(dst: Reg, src: Reg, target: JumpTarget): Insn;
}

/** The table entry for `name` in `form`: the builder never spells an opcode itself. */
function entry(name: string, form: OperandForm): { code: number; off?: number; imm?: number } {
  const m = mnemonicsForName(name).find((e) => e.form === form);
  if (!m) throw new Error(`internal: no mnemonic ${name} (${form})`);
  return { code: m.code, ...(m.off !== undefined ? { off: m.off } : {}), ...(m.imm !== undefined ? { imm: m.imm } : {}) };
}

function jumpFields(target: JumpTarget, field: 'off' | 'imm'): Partial<Insn> {
  return typeof target === 'string' ? { target } : { [field]: target };
}

function alu(name: string): AluBuilder {
  const k64 = entry(name, 'alu-imm');
  const x64 = entry(name, 'alu-reg');
  const k32 = entry(`${name}32`, 'alu-imm');
  const x32 = entry(`${name}32`, 'alu-reg');
  return Object.freeze({
    imm: (dst: Reg, imm: number) => makeInsn({ ...k64, dst, imm }),
    reg: (dst: Reg, src: Reg) => makeInsn({ ...x64, dst, src }),
    imm32: (dst: Reg, imm: number) => makeInsn({ ...k32, dst, imm }),
    reg32: (dst: Reg, src: Reg) => makeInsn({ ...x32, dst, src }),
  });
}

function jmp(name: string): JmpBuilder {
  const k64 = entry(name, 'jmp-imm');
  const x64 = entry(name, 'jmp-reg');
  const k32 = entry(`${name}32`, 'jmp-imm');
  const x32 = entry(`${name}32`, 'jmp-reg');
  return Object.freeze({
    imm: (dst: Reg, imm: number, t: JumpTarget) => makeInsn({ ...k64, dst, imm, ...jumpFields(t, 'off') }),
    reg: (dst: Reg, src: Reg, t: JumpTarget) => makeInsn({ ...x64, dst, src, ...jumpFields(t, 'off') }),
    imm32: (dst: Reg, imm: number, t: JumpTarget) => makeInsn({ ...k32, dst, imm, ...jumpFields(t, 'off') }),
    reg32: (dst: Reg, src: Reg, t: JumpTarget) => makeInsn({ ...x32, dst, src, ...jumpFields(t, 'off') }),
  });
}

/** `name dst, [src+off]` */
function ldx(name: string): (dst: Reg, src: Reg, off: number) => Insn {
  const e = entry(name, 'ldx');
  return (dst, src, off) => makeInsn({ ...e, dst, src, off });
}
/** `name [dst+off], imm` */
function st(name: string): (dst: Reg, off: number, imm: number) => Insn {
  const e = entry(name, 'st');
  return (dst, off, imm) => makeInsn({ ...e, dst, off, imm });
}
/** `name [dst+off], src` (stores and atomics) */
function stx(name: string, form: 'stx' | 'atomic'): (dst: Reg, off: number, src: Reg) => Insn {
  const e = entry(name, form);
  return (dst, off, src) => makeInsn({ ...e, dst, off, src });
}
/** `name dst` */
function unary(name: string): (dst: Reg) => Insn {
  const e = entry(name, 'unary');
  return (dst) => makeInsn({ ...e, dst });
}

function lddw(dst: Reg, src: number, lo: number, hi: number): Insn {
  const imm64 = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  return makeInsn({ code: Op.LDDW, dst, src, imm: lo | 0, imm64 });
}

const atomic = (name: string): ((dst: Reg, off: number, src: Reg) => Insn) => stx(`lock ${name}`, 'atomic');

/** Atomic read-modify-write operations on memory: `asm.lock.add(R10, -8, R1)`. */
export const lock = Object.freeze({
  /** `lock *(u64 *)(dst + off) += src` */ add: atomic('add'),
  /** `lock *(u32 *)(dst + off) += src` */ add32: atomic('add32'),
  /** `lock *(u64 *)(dst + off) |= src` */ or: atomic('or'),
  /** `lock *(u32 *)(dst + off) |= src` */ or32: atomic('or32'),
  /** `lock *(u64 *)(dst + off) &= src` */ and: atomic('and'),
  /** `lock *(u32 *)(dst + off) &= src` */ and32: atomic('and32'),
  /** `lock *(u64 *)(dst + off) ^= src` */ xor: atomic('xor'),
  /** `lock *(u32 *)(dst + off) ^= src` */ xor32: atomic('xor32'),
  /** `src = atomic_fetch_add((u64 *)(dst + off), src)` */ fetchAdd: atomic('fetch add'),
  /** 32-bit {@link lock.fetchAdd}. */ fetchAdd32: atomic('fetch add32'),
  /** `src = atomic_fetch_or(...)` */ fetchOr: atomic('fetch or'),
  /** 32-bit {@link lock.fetchOr}. */ fetchOr32: atomic('fetch or32'),
  /** `src = atomic_fetch_and(...)` */ fetchAnd: atomic('fetch and'),
  /** 32-bit {@link lock.fetchAnd}. */ fetchAnd32: atomic('fetch and32'),
  /** `src = atomic_fetch_xor(...)` */ fetchXor: atomic('fetch xor'),
  /** 32-bit {@link lock.fetchXor}. */ fetchXor32: atomic('fetch xor32'),
  /** `src = xchg(dst + off, src)` */ xchg: atomic('xchg'),
  /** 32-bit {@link lock.xchg}. */ xchg32: atomic('xchg32'),
  /** `r0 = cmpxchg(dst + off, r0, src)` */ cmpxchg: atomic('cmpxchg'),
  /** 32-bit {@link lock.cmpxchg}. */ cmpxchg32: atomic('cmpxchg32'),
});

/** The instruction builder. Every function returns one frozen `Insn`. */
export const asm = Object.freeze({
  /** `dst += src` */ add: alu('add'),
  /** `dst -= src` */ sub: alu('sub'),
  /** `dst *= src` */ mul: alu('mul'),
  /** `dst /= src` (unsigned; 0 when src is 0) */ div: alu('div'),
  /** `dst s/= src` (signed) */ sdiv: alu('sdiv'),
  /** `dst |= src` */ or: alu('or'),
  /** `dst &= src` */ and: alu('and'),
  /** `dst <<= src` */ lsh: alu('lsh'),
  /** `dst >>= src` (logical) */ rsh: alu('rsh'),
  /** `dst %= src` (unsigned) */ mod: alu('mod'),
  /** `dst s%= src` (signed) */ smod: alu('smod'),
  /** `dst ^= src` */ xor: alu('xor'),
  /** `dst = src` */ mov: alu('mov'),
  /** `dst s>>= src` (arithmetic) */ arsh: alu('arsh'),
  /** `dst = -dst` (64-bit) */ neg: unary('neg'),
  /** `dst = -dst` (32-bit) */ neg32: unary('neg32'),
  /** `dst = (s8|s16|s32)src`, 64-bit result */
  movsx: (dst: Reg, src: Reg, bits: 8 | 16 | 32): Insn => makeInsn({ ...entry(`movsx${bits}64`, 'alu-reg'), dst, src }),
  /** `dst = (s8|s16)src`, 32-bit result */
  movsx32: (dst: Reg, src: Reg, bits: 8 | 16): Insn => makeInsn({ ...entry(`movsx${bits}32`, 'alu-reg'), dst, src }),
  /** Convert to little-endian (`le16/32/64`). */
  le: (dst: Reg, bits: 16 | 32 | 64): Insn => unary(`le${bits}`)(dst),
  /** Convert to big-endian (`be16/32/64`). */
  be: (dst: Reg, bits: 16 | 32 | 64): Insn => unary(`be${bits}`)(dst),
  /** Unconditional byte swap (`bswap16/32/64`). */
  bswap: (dst: Reg, bits: 16 | 32 | 64): Insn => unary(`bswap${bits}`)(dst),

  /** `if dst == src goto target` */ jeq: jmp('jeq'),
  /** `if dst > src goto target` (unsigned) */ jgt: jmp('jgt'),
  /** `if dst >= src goto target` (unsigned) */ jge: jmp('jge'),
  /** `if dst & src goto target` */ jset: jmp('jset'),
  /** `if dst != src goto target` */ jne: jmp('jne'),
  /** `if dst s> src goto target` */ jsgt: jmp('jsgt'),
  /** `if dst s>= src goto target` */ jsge: jmp('jsge'),
  /** `if dst < src goto target` (unsigned) */ jlt: jmp('jlt'),
  /** `if dst <= src goto target` (unsigned) */ jle: jmp('jle'),
  /** `if dst s< src goto target` */ jslt: jmp('jslt'),
  /** `if dst s<= src goto target` */ jsle: jmp('jsle'),
  /** `goto target` (16-bit offset) */
  ja: (target: JumpTarget): Insn => makeInsn({ code: Op.JA, ...jumpFields(target, 'off') }),
  /** `gotol target` (32-bit offset in imm) */
  gotol: (target: JumpTarget): Insn => makeInsn({ code: Op.JA32, ...jumpFields(target, 'imm') }),
  /** Call a helper by id, or by name (seed dialect: resolved through the string table). */
  call: (helper: number | string): Insn =>
    typeof helper === 'number' ? makeInsn({ code: Op.CALL, imm: helper }) : makeInsn({ code: Op.CALL, helperName: helper }),
  /** Call a local (bpf-to-bpf) function at a label or relative slot offset. */
  callLocal: (target: JumpTarget): Insn => makeInsn({ code: Op.CALL, src: CallSrc.LOCAL, ...jumpFields(target, 'imm') }),
  /** Call a kernel function by BTF id. */
  callKfunc: (id: number): Insn => makeInsn({ code: Op.CALL, src: CallSrc.KFUNC, imm: id }),
  /** Call the helper whose id is in register `reg` (`callx`). */
  callx: (reg: Reg): Insn => makeInsn({ code: Op.CALLX, dst: reg }),
  /** Return r0 to the caller. */
  exit: (): Insn => makeInsn({ code: Op.EXIT }),
  /** The seed dialect's `ret` (the same instruction as {@link asm.exit} in the model). */
  ret: (): Insn => makeInsn({ code: Op.EXIT }),

  /** `dst = imm64` (two slots). */
  lddw: (dst: Reg, value: bigint | number): Insn => {
    const v = BigInt.asUintN(64, BigInt(value));
    return lddw(dst, LdImmSrc.IMM64, Number(v & 0xffffffffn), Number(v >> 32n));
  },
  /** `dst = map` by index into the program's maps (`lddw` pseudo source MAP_BY_IDX). */
  ldMap: (dst: Reg, map: number): Insn => lddw(dst, LdImmSrc.MAP_BY_IDX, map, 0),
  /** `dst = &map.value[0] + off` by map index (MAP_VALUE_BY_IDX). */
  ldMapValue: (dst: Reg, map: number, off = 0): Insn => lddw(dst, LdImmSrc.MAP_VALUE_BY_IDX, map, off),
  /** `dst = map` by fd number (MAP_BY_FD, as Linux loaders emit). */
  ldMapFd: (dst: Reg, fd: number): Insn => lddw(dst, LdImmSrc.MAP_BY_FD, fd, 0),
  /** `dst = &map.value[0] + off` by fd number (MAP_VALUE_BY_FD). */
  ldMapValueFd: (dst: Reg, fd: number, off = 0): Insn => lddw(dst, LdImmSrc.MAP_VALUE_BY_FD, fd, off),
  /** `dst = address of the function at target` (CODE_ADDR). */
  ldFunc: (dst: Reg, target: JumpTarget): Insn =>
    typeof target === 'string' ? makeInsn({ code: Op.LDDW, dst, src: LdImmSrc.CODE_ADDR, target }) : lddw(dst, LdImmSrc.CODE_ADDR, target, 0),

  /** `dst = *(u8 *)(src + off)` */ ldxb: ldx('ldxb'),
  /** `dst = *(u16 *)(src + off)` */ ldxh: ldx('ldxh'),
  /** `dst = *(u32 *)(src + off)` */ ldxw: ldx('ldxw'),
  /** `dst = *(u64 *)(src + off)` */ ldxdw: ldx('ldxdw'),
  /** `dst = *(s8 *)(src + off)` */ ldxsb: ldx('ldxsb'),
  /** `dst = *(s16 *)(src + off)` */ ldxsh: ldx('ldxsh'),
  /** `dst = *(s32 *)(src + off)` */ ldxsw: ldx('ldxsw'),
  /** `*(u8 *)(dst + off) = imm` */ stb: st('stb'),
  /** `*(u16 *)(dst + off) = imm` */ sth: st('sth'),
  /** `*(u32 *)(dst + off) = imm` */ stw: st('stw'),
  /** `*(u64 *)(dst + off) = imm` */ stdw: st('stdw'),
  /** `*(u8 *)(dst + off) = src` */ stxb: stx('stxb', 'stx'),
  /** `*(u16 *)(dst + off) = src` */ stxh: stx('stxh', 'stx'),
  /** `*(u32 *)(dst + off) = src` */ stxw: stx('stxw', 'stx'),
  /** `*(u64 *)(dst + off) = src` */ stxdw: stx('stxdw', 'stx'),
  /** Atomic operations: `asm.lock.add(R10, -8, R1)`. */ lock,
  /** Legacy packet load `r0 = *(u8 *)skb[imm]`. */
  ldabsb: (imm: number): Insn => makeInsn({ ...entry('ldabsb', 'ldabs'), imm }),
  /** Legacy packet load `r0 = *(u16 *)skb[imm]`. */
  ldabsh: (imm: number): Insn => makeInsn({ ...entry('ldabsh', 'ldabs'), imm }),
  /** Legacy packet load `r0 = *(u32 *)skb[imm]`. */
  ldabsw: (imm: number): Insn => makeInsn({ ...entry('ldabsw', 'ldabs'), imm }),
  /** Legacy packet load `r0 = *(u8 *)skb[src + imm]`. */
  ldindb: (src: Reg, imm: number): Insn => makeInsn({ ...entry('ldindb', 'ldind'), src, imm }),
  /** Legacy packet load `r0 = *(u16 *)skb[src + imm]`. */
  ldindh: (src: Reg, imm: number): Insn => makeInsn({ ...entry('ldindh', 'ldind'), src, imm }),
  /** Legacy packet load `r0 = *(u32 *)skb[src + imm]`. */
  ldindw: (src: Reg, imm: number): Insn => makeInsn({ ...entry('ldindw', 'ldind'), src, imm }),

  /** Marks `insn` as the target named `name`. */
  label: (name: string, insn: Insn): Insn => makeInsn({ ...insn, label: name }),
});
