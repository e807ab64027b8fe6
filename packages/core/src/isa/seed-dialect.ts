/**
 * The seed's 2013 instruction set ("tracing filters with BPF", include/linux/bpf.h) as its own
 * opcode table, translated into the RFC 9669 model on decode and back on encode, so the checker
 * and the engines see one instruction set. Seed image framing lives in `image/seed-image.ts`.
 *
 * ```
 *  seed opcode                          RFC 9669 model
 *  ALU   0x04 | op | K/X  (64-bit)  ->  ALU64 0x07 | op | K/X
 *  ALU   NEG | X          (0x8c)    ->  neg     0x87
 *  ALU   BSWAP32 0xd0 | X (0xdc)    ->  bswap32 0xd7, imm 32
 *  ALU   BSWAP64 0xe0 | X (0xec)    ->  bswap64 0xd7, imm 64
 *  LDX/ST/STX | REL 0xc0 | size     ->  LDX/ST/STX | MEM 0x60 | size
 *  STX | XADD 0xe0 | size (1..8 B)  ->  STX | ATOMIC 0xc0 | size, imm ADD (1/2 B: seed-only)
 *  JMP   JA | X           (0x0d)    ->  ja      0x05
 *  JMP   CALL             (0x85)    ->  call    0x85, imm = strtab offset, helperName = name
 *  RET   | K              (0x06)    ->  exit    0x95
 * ```
 */
import { DecodeError } from '../errors.js';
import { EncodeError } from './encode-error.js';
import { insn as makeInsn, type Insn } from './insn.js';
import { AluOp, AtomicOp, Class, JmpOp, Mode, Size, Source, type SizeCode } from './opcodes.js';
import { REG_COUNT } from './registers.js';

/** Seed instruction classes (low 3 bits); class 6 is RET, not JMP32. */
export const SeedClass = {
  /** Unused by the seed's programs (no `lddw`, no packet loads). */ LD: 0x00,
  /** `a = *(size *)(x + off)` with mode REL. */ LDX: 0x01,
  /** `*(size *)(a + off) = imm` with mode REL. */ ST: 0x02,
  /** `*(size *)(a + off) = x` (REL) or `lock *(size *)(a + off) += x` (XADD). */ STX: 0x03,
  /** 64-bit arithmetic (the seed has no 32-bit ALU). */ ALU: 0x04,
  /** Jumps and calls. */ JMP: 0x05,
  /** `ret`: end the program (returns nothing). */ RET: 0x06,
} as const;

/** Seed load/store modes. */
export const SeedMode = {
  /** Register-relative access (`BPF_REL`). */ REL: 0xc0,
  /** Atomic add (`BPF_XADD`), any size. */ XADD: 0xe0,
} as const;

/** Seed ALU operations beyond the classic ones. */
export const SeedAluOp = {
  /** `bswap32 a`: swap the low 4 bytes, upper half cleared. */ BSWAP32: 0xd0,
  /** `bswap64 a`: swap all 8 bytes. */ BSWAP64: 0xe0,
} as const;

/** Instruction kinds that need more than an opcode rewrite. */
type SeedKind = 'plain' | 'alu-off0' | 'swap' | 'xadd' | 'call' | 'ja' | 'ret' | 'neg';

interface SeedOp {
  readonly seed: number;
  readonly rfc: number;
  /** RFC `imm` the translation sets (bswap width). */
  readonly imm?: number;
  readonly kind: SeedKind;
  readonly usesDst: boolean;
  readonly usesSrc: boolean;
}

const seedOps: SeedOp[] = [];
const classicAlu = [AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.OR, AluOp.AND, AluOp.LSH, AluOp.RSH, AluOp.MOD, AluOp.XOR, AluOp.MOV, AluOp.ARSH];
for (const op of classicAlu) {
  // div/mod/mov carry an operation selector in `off` in RFC 9669 (sdiv, smod, movsx): the seed's must be 0.
  const kind: SeedKind = op === AluOp.DIV || op === AluOp.MOD || op === AluOp.MOV ? 'alu-off0' : 'plain';
  seedOps.push({ seed: SeedClass.ALU | op | Source.X, rfc: Class.ALU64 | op | Source.X, kind, usesDst: true, usesSrc: true });
  seedOps.push({ seed: SeedClass.ALU | op | Source.K, rfc: Class.ALU64 | op | Source.K, kind, usesDst: true, usesSrc: false });
}
seedOps.push({ seed: SeedClass.ALU | AluOp.NEG | Source.X, rfc: Class.ALU64 | AluOp.NEG | Source.K, kind: 'neg', usesDst: true, usesSrc: false });
seedOps.push({ seed: SeedClass.ALU | SeedAluOp.BSWAP32 | Source.X, rfc: Class.ALU64 | AluOp.END | Source.K, imm: 32, kind: 'swap', usesDst: true, usesSrc: false });
seedOps.push({ seed: SeedClass.ALU | SeedAluOp.BSWAP64 | Source.X, rfc: Class.ALU64 | AluOp.END | Source.K, imm: 64, kind: 'swap', usesDst: true, usesSrc: false });
for (const op of [JmpOp.JEQ, JmpOp.JGT, JmpOp.JGE, JmpOp.JSET, JmpOp.JNE, JmpOp.JSGT, JmpOp.JSGE]) {
  seedOps.push({ seed: SeedClass.JMP | op | Source.X, rfc: Class.JMP | op | Source.X, kind: 'plain', usesDst: true, usesSrc: true });
  seedOps.push({ seed: SeedClass.JMP | op | Source.K, rfc: Class.JMP | op | Source.K, kind: 'plain', usesDst: true, usesSrc: false });
}
seedOps.push({ seed: SeedClass.JMP | JmpOp.JA | Source.X, rfc: Class.JMP | JmpOp.JA, kind: 'ja', usesDst: false, usesSrc: false });
seedOps.push({ seed: SeedClass.JMP | JmpOp.CALL, rfc: Class.JMP | JmpOp.CALL, kind: 'call', usesDst: false, usesSrc: false });
seedOps.push({ seed: SeedClass.RET, rfc: Class.JMP | JmpOp.EXIT, kind: 'ret', usesDst: false, usesSrc: false });
for (const size of [Size.B, Size.H, Size.W, Size.DW] as readonly SizeCode[]) {
  seedOps.push({ seed: SeedClass.LDX | SeedMode.REL | size, rfc: Class.LDX | Mode.MEM | size, kind: 'plain', usesDst: true, usesSrc: true });
  seedOps.push({ seed: SeedClass.ST | SeedMode.REL | size, rfc: Class.ST | Mode.MEM | size, kind: 'plain', usesDst: true, usesSrc: false });
  seedOps.push({ seed: SeedClass.STX | SeedMode.REL | size, rfc: Class.STX | Mode.MEM | size, kind: 'plain', usesDst: true, usesSrc: true });
  seedOps.push({ seed: SeedClass.STX | SeedMode.XADD | size, rfc: Class.STX | Mode.ATOMIC | size, imm: AtomicOp.ADD, kind: 'xadd', usesDst: true, usesSrc: true });
}

/** Seed opcode byte → its translation. */
const fromSeed = new Map<number, SeedOp>(seedOps.map((o) => [o.seed, o]));
/** RFC opcode byte (and imm for bswap) → seed translation. */
const toSeed = new Map<string, SeedOp>(seedOps.map((o) => [rfcKey(o.rfc, o.kind === 'swap' ? o.imm : undefined), o]));

function rfcKey(code: number, imm: number | undefined): string {
  return imm === undefined ? String(code) : `${code}/${imm}`;
}

/** Every seed opcode byte the seed's checker accepts, ascending. */
export const SEED_OPCODES: readonly number[] = Object.freeze([...fromSeed.keys()].sort((a, b) => a - b));

/**
 * Reads the NUL-terminated name at `offset` in a seed string table.
 * @throws {@link DecodeError} when the offset is outside the table (the seed's `check_call`
 * refuses `func_id <= 0 || func_id >= strtab_size`) or the name is not terminated.
 */
export function seedStrtabName(strtab: Uint8Array, offset: number, at: number): string {
  if (offset <= 0 || offset >= strtab.length) {
    throw new DecodeError(`call: function name offset ${offset} is outside the string table (1..${strtab.length - 1})`, at);
  }
  let end = offset;
  while (end < strtab.length && strtab[end] !== 0) end++;
  if (end === strtab.length) throw new DecodeError(`call: function name at string table offset ${offset} is not NUL-terminated`, at);
  if (end === offset) throw new DecodeError(`call: empty function name at string table offset ${offset}`, at);
  let name = '';
  for (let i = offset; i < end; i++) name += String.fromCharCode(strtab[i]!);
  return name;
}

/**
 * Decodes one seed-dialect slot into the RFC 9669 model.
 * @param at byte offset for errors. @param strtab the image's string table (calls get names).
 * @throws {@link DecodeError} for opcodes the seed does not define, registers above r10, and
 * fields that would change meaning in the RFC model (non-zero `off` on div/mod/mov, `imm` on
 * bswap/xadd, `src` on call).
 */
export function decodeSeedInsn(raw: { code: number; dst: number; src: number; off: number; imm: number }, at: number, strtab?: Uint8Array): Insn {
  const op = fromSeed.get(raw.code);
  if (!op) throw new DecodeError(`unknown seed-dialect opcode 0x${raw.code.toString(16).padStart(2, '0')}`, at);
  if (op.usesDst && raw.dst >= REG_COUNT) throw new DecodeError(`invalid destination register r${raw.dst}`, at);
  if (op.usesSrc && raw.src >= REG_COUNT) throw new DecodeError(`invalid source register r${raw.src}`, at);
  switch (op.kind) {
    case 'alu-off0':
      if (raw.off !== 0) throw new DecodeError(`seed ALU opcode 0x${raw.code.toString(16)} must have offset 0, not ${raw.off}`, at);
      return makeInsn({ ...raw, code: op.rfc });
    case 'swap':
    case 'xadd':
      if (raw.imm !== 0) throw new DecodeError(`seed ${op.kind === 'swap' ? 'bswap' : 'xadd'} must have immediate 0, not ${raw.imm}`, at);
      return makeInsn({ ...raw, code: op.rfc, imm: op.imm! });
    case 'call': {
      if (raw.src !== 0) throw new DecodeError(`seed call must have source register field 0, not ${raw.src}`, at);
      const helperName = strtab ? seedStrtabName(strtab, raw.imm, at) : undefined;
      return makeInsn({ ...raw, code: op.rfc, ...(helperName !== undefined ? { helperName } : {}) });
    }
    default:
      return makeInsn({ ...raw, code: op.rfc });
  }
}

/**
 * The seed opcode byte and `imm` for an RFC-model instruction (the inverse of
 * {@link decodeSeedInsn}); `slot` (its slot index) is used in errors.
 * @throws {@link EncodeError} when the seed has no such instruction (lddw, 32-bit ALU, ...).
 */
export function encodeSeedFields(insn: Insn, slot: number): { code: number; imm: number } {
  const isSwap = insn.code === (Class.ALU64 | AluOp.END | Source.K);
  const op = toSeed.get(rfcKey(insn.code, isSwap ? insn.imm : undefined));
  if (!op) throw new EncodeError(`opcode 0x${insn.code.toString(16).padStart(2, '0')}${isSwap ? ` (imm ${insn.imm})` : ''} has no seed-dialect encoding`, slot);
  if (op.kind === 'xadd') {
    if (insn.imm !== AtomicOp.ADD) throw new EncodeError(`atomic operation 0x${insn.imm.toString(16)} has no seed-dialect encoding (only add)`, slot);
    return { code: op.seed, imm: 0 };
  }
  if (op.kind === 'swap') return { code: op.seed, imm: 0 };
  return { code: op.seed, imm: insn.imm };
}
