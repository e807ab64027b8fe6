/**
 * The one mnemonic table: every valid RFC 9669 instruction shape (plus the seed's 1/2-byte
 * `xadd`), with its bpf_conformance assembler name, operand form and kernel-style operator.
 * The decoder uses it to accept an opcode, the parser to read text, the formatter to print it.
 * Meanings live in the engines; byte layout quirks live in decode/encode only.
 */
import { AluOp, AtomicOp, CallSrc, Class, JmpOp, Mode, Size, Source, sizeBytes, type SizeCode } from './opcodes.js';
import type { Insn } from './insn.js';

/**
 * How an instruction's operands are written, and which fields it uses.
 *
 * | form         | asm text                      | fields used        |
 * |--------------|-------------------------------|--------------------|
 * | `alu-reg`    | `add %r1, %r2`                | dst, src           |
 * | `alu-imm`    | `add %r1, 5`                  | dst, imm           |
 * | `unary`      | `neg %r1`, `be16 %r1`         | dst                |
 * | `ldx`        | `ldxw %r0, [%r1+2]`           | dst, src, off      |
 * | `st`         | `stw [%r1+2], 5`              | dst, off, imm      |
 * | `stx`        | `stxw [%r1+2], %r3`           | dst, src, off      |
 * | `atomic`     | `lock add [%r1+2], %r3`       | dst, src, off      |
 * | `jmp-reg`    | `jeq %r1, %r2, +3`            | dst, src, off      |
 * | `jmp-imm`    | `jeq %r1, 0, +3`              | dst, imm, off      |
 * | `ja`         | `ja +3`                       | off                |
 * | `gotol`      | `ja32 +3`                     | imm                |
 * | `call`       | `call 1`                      | imm                |
 * | `call-local` | `call local +3`               | imm                |
 * | `call-kfunc` | `call runtime 5`              | imm, off           |
 * | `callx`      | `call %r2`                    | dst                |
 * | `exit`       | `exit`                        | (none)             |
 * | `lddw`       | `lddw %r0, 0x1122334455667788`| dst, src, imm64    |
 * | `ldabs`      | `ldabsw 4`                    | imm                |
 * | `ldind`      | `ldindw %r1, 4`               | src, imm           |
 */
export type OperandForm =
  | 'alu-reg'
  | 'alu-imm'
  | 'unary'
  | 'ldx'
  | 'st'
  | 'stx'
  | 'atomic'
  | 'jmp-reg'
  | 'jmp-imm'
  | 'ja'
  | 'gotol'
  | 'call'
  | 'call-local'
  | 'call-kfunc'
  | 'callx'
  | 'exit'
  | 'lddw'
  | 'ldabs'
  | 'ldind';

/** One entry of the mnemonic table: an opcode byte plus the fixed field values that select it. */
export interface Mnemonic {
  /** Canonical assembler name (bpf_conformance syntax), e.g. `add32`, `lock fetch add`, `ldxsb`. */
  readonly name: string;
  /** Other names the assembler accepts for the same instruction (`swap16` for `bswap16`, `add64`). */
  readonly aliases: readonly string[];
  /** Opcode byte. */
  readonly code: number;
  /** How the operands are written and which fields the instruction uses. */
  readonly form: OperandForm;
  /** `off` value that selects this entry (sdiv/smod: 1; movsx: 8/16/32; div/mod/mov: 0). */
  readonly off?: number;
  /** `imm` value that selects this entry (end/bswap width, atomic operation). */
  readonly imm?: number;
  /** `src` value that selects this entry (call kinds). */
  readonly src?: number;
  /** Operand width of ALU/JMP/atomic operations: 32 uses the `w` registers in kernel syntax. */
  readonly width: 32 | 64;
  /** Bytes accessed by loads, stores and atomics. */
  readonly bytes?: 1 | 2 | 4 | 8;
  /** Kernel-syntax operator (`+=`, `s>>=`, `==`, `s<=`, `be`, ...). */
  readonly sym?: string;
  /** Only the seed (2013) dialect has this instruction (1- and 2-byte `xadd`). */
  readonly seedOnly?: boolean;
}

const entries: Mnemonic[] = [];

function add(m: Omit<Mnemonic, 'aliases'> & { aliases?: readonly string[] }): void {
  entries.push(Object.freeze({ ...m, aliases: Object.freeze([...(m.aliases ?? [])]) }));
}

// ---- ALU and ALU64 ------------------------------------------------------------------------
const aluOps: ReadonlyArray<readonly [name: string, op: number, sym: string, off?: number]> = [
  ['add', AluOp.ADD, '+='],
  ['sub', AluOp.SUB, '-='],
  ['mul', AluOp.MUL, '*='],
  ['div', AluOp.DIV, '/=', 0],
  ['sdiv', AluOp.DIV, 's/=', 1],
  ['or', AluOp.OR, '|='],
  ['and', AluOp.AND, '&='],
  ['lsh', AluOp.LSH, '<<='],
  ['rsh', AluOp.RSH, '>>='],
  ['mod', AluOp.MOD, '%=', 0],
  ['smod', AluOp.MOD, 's%=', 1],
  ['xor', AluOp.XOR, '^='],
  ['mov', AluOp.MOV, '=', 0],
  ['arsh', AluOp.ARSH, 's>>='],
];
for (const [cls, width] of [[Class.ALU64, 64], [Class.ALU, 32]] as const) {
  const suffix = width === 32 ? '32' : '';
  for (const [name, op, sym, off] of aluOps) {
    const aliases = width === 64 ? [`${name}64`] : [];
    const fixedOff = off === undefined ? {} : { off };
    add({ name: name + suffix, aliases, code: cls | op | Source.X, form: 'alu-reg', width, sym, ...fixedOff });
    add({ name: name + suffix, aliases, code: cls | op | Source.K, form: 'alu-imm', width, sym, ...fixedOff });
  }
  add({ name: `neg${suffix}`, aliases: width === 64 ? ['neg64'] : [], code: cls | AluOp.NEG | Source.K, form: 'unary', width, sym: 'neg' });
}
// Sign-extending moves: movsx<from><to>, register source only.
for (const [bits, width] of [[8, 64], [16, 64], [32, 64], [8, 32], [16, 32]] as const) {
  add({
    name: `movsx${bits}${width}`,
    code: (width === 64 ? Class.ALU64 : Class.ALU) | AluOp.MOV | Source.X,
    form: 'alu-reg',
    off: bits,
    width,
    sym: `(s${bits})`,
  });
}
// Byte swaps: le/be (ALU, source bit picks the target order), bswap (ALU64, unconditional).
for (const bits of [16, 32, 64] as const) {
  add({ name: `le${bits}`, code: Class.ALU | AluOp.END | Source.K, form: 'unary', imm: bits, width: 64, sym: 'le' });
  add({ name: `be${bits}`, code: Class.ALU | AluOp.END | Source.X, form: 'unary', imm: bits, width: 64, sym: 'be' });
  add({ name: `bswap${bits}`, aliases: [`swap${bits}`], code: Class.ALU64 | AluOp.END | Source.K, form: 'unary', imm: bits, width: 64, sym: 'bswap' });
}

// ---- Jumps ----------------------------------------------------------------------------------
const jmpOps: ReadonlyArray<readonly [name: string, op: number, sym: string]> = [
  ['jeq', JmpOp.JEQ, '=='],
  ['jgt', JmpOp.JGT, '>'],
  ['jge', JmpOp.JGE, '>='],
  ['jset', JmpOp.JSET, '&'],
  ['jne', JmpOp.JNE, '!='],
  ['jsgt', JmpOp.JSGT, 's>'],
  ['jsge', JmpOp.JSGE, 's>='],
  ['jlt', JmpOp.JLT, '<'],
  ['jle', JmpOp.JLE, '<='],
  ['jslt', JmpOp.JSLT, 's<'],
  ['jsle', JmpOp.JSLE, 's<='],
];
for (const [cls, width] of [[Class.JMP, 64], [Class.JMP32, 32]] as const) {
  const suffix = width === 32 ? '32' : '';
  for (const [name, op, sym] of jmpOps) {
    add({ name: name + suffix, code: cls | op | Source.X, form: 'jmp-reg', width, sym });
    add({ name: name + suffix, code: cls | op | Source.K, form: 'jmp-imm', width, sym });
  }
}
add({ name: 'ja', code: Class.JMP | JmpOp.JA, form: 'ja', width: 64 });
add({ name: 'ja32', aliases: ['gotol'], code: Class.JMP32 | JmpOp.JA, form: 'gotol', width: 64 });
add({ name: 'call', code: Class.JMP | JmpOp.CALL, form: 'call', src: CallSrc.HELPER, width: 64 });
add({ name: 'call', code: Class.JMP | JmpOp.CALL, form: 'call-local', src: CallSrc.LOCAL, width: 64 });
add({ name: 'call', code: Class.JMP | JmpOp.CALL, form: 'call-kfunc', src: CallSrc.KFUNC, width: 64 });
add({ name: 'call', aliases: ['callx'], code: Class.JMP | JmpOp.CALL | Source.X, form: 'callx', width: 64 });
add({ name: 'exit', aliases: ['ret'], code: Class.JMP | JmpOp.EXIT, form: 'exit', width: 64 });

// ---- Loads and stores -----------------------------------------------------------------------
const sizes: ReadonlyArray<readonly [suffix: string, size: SizeCode]> = [
  ['b', Size.B],
  ['h', Size.H],
  ['w', Size.W],
  ['dw', Size.DW],
];
add({ name: 'lddw', code: Class.LD | Mode.IMM | Size.DW, form: 'lddw', width: 64 });
for (const [sfx, size] of sizes) {
  const bytes = sizeBytes(size);
  add({ name: `ldx${sfx}`, code: Class.LDX | Mode.MEM | size, form: 'ldx', width: 64, bytes });
  add({ name: `st${sfx}`, code: Class.ST | Mode.MEM | size, form: 'st', width: 64, bytes });
  add({ name: `stx${sfx}`, code: Class.STX | Mode.MEM | size, form: 'stx', width: 64, bytes });
  if (size !== Size.DW) {
    add({ name: `ldxs${sfx}`, code: Class.LDX | Mode.MEMSX | size, form: 'ldx', width: 64, bytes });
    add({ name: `ldabs${sfx}`, code: Class.LD | Mode.ABS | size, form: 'ldabs', width: 64, bytes });
    add({ name: `ldind${sfx}`, code: Class.LD | Mode.IND | size, form: 'ldind', width: 64, bytes });
  }
}

// ---- Atomics --------------------------------------------------------------------------------
const atomicOps: ReadonlyArray<readonly [name: string, imm: number, sym: string]> = [
  ['add', AtomicOp.ADD, '+='],
  ['or', AtomicOp.OR, '|='],
  ['and', AtomicOp.AND, '&='],
  ['xor', AtomicOp.XOR, '^='],
  ['fetch add', AtomicOp.ADD | AtomicOp.FETCH, 'fetch_add'],
  ['fetch or', AtomicOp.OR | AtomicOp.FETCH, 'fetch_or'],
  ['fetch and', AtomicOp.AND | AtomicOp.FETCH, 'fetch_and'],
  ['fetch xor', AtomicOp.XOR | AtomicOp.FETCH, 'fetch_xor'],
  ['xchg', AtomicOp.XCHG, 'xchg'],
  ['cmpxchg', AtomicOp.CMPXCHG, 'cmpxchg'],
];
for (const [size, width] of [[Size.DW, 64], [Size.W, 32]] as const) {
  const suffix = width === 32 ? '32' : '';
  for (const [name, imm, sym] of atomicOps) {
    add({ name: `lock ${name}${suffix}`, code: Class.STX | Mode.ATOMIC | size, form: 'atomic', imm, width, bytes: sizeBytes(size), sym });
  }
}
// The seed's BPF_XADD also exists for 1 and 2 bytes; RFC 9669 has no such atomics.
add({ name: 'lock add16', code: Class.STX | Mode.ATOMIC | Size.H, form: 'atomic', imm: AtomicOp.ADD, width: 32, bytes: 2, sym: '+=', seedOnly: true });
add({ name: 'lock add8', code: Class.STX | Mode.ATOMIC | Size.B, form: 'atomic', imm: AtomicOp.ADD, width: 32, bytes: 1, sym: '+=', seedOnly: true });

/** Every instruction shape, in a stable order (ALU64, ALU, jumps, loads/stores, atomics). */
export const MNEMONICS: readonly Mnemonic[] = Object.freeze(entries);

const byCode = new Map<number, Mnemonic[]>();
for (const m of MNEMONICS) {
  const list = byCode.get(m.code);
  if (list) list.push(m);
  else byCode.set(m.code, [m]);
}

const byName = new Map<string, Mnemonic[]>();
for (const m of MNEMONICS) {
  for (const n of [m.name, ...m.aliases]) {
    const list = byName.get(n);
    if (list) list.push(m);
    else byName.set(n, [m]);
  }
}

/** The table entries for one opcode byte (empty when the opcode does not exist). */
export function mnemonicsForCode(code: number): readonly Mnemonic[] {
  return byCode.get(code) ?? [];
}

/** The table entries an assembler name (or alias) stands for; several for `mov`, `call`, ... */
export function mnemonicsForName(name: string): readonly Mnemonic[] {
  return byName.get(name) ?? [];
}

/**
 * The table entry describing `insn`, or undefined when its opcode does not exist or a field that
 * selects the operation (sdiv `off`, end `imm`, atomic `imm`, call `src`) has no valid value.
 */
export function findMnemonic(insn: Pick<Insn, 'code' | 'off' | 'imm' | 'src'>): Mnemonic | undefined {
  const list = byCode.get(insn.code);
  if (!list) return undefined;
  for (const m of list) {
    if (m.off !== undefined && m.off !== insn.off) continue;
    if (m.imm !== undefined && m.imm !== insn.imm) continue;
    if (m.src !== undefined && m.src !== insn.src) continue;
    return m;
  }
  return undefined;
}

/** True when the form reads `dst` as a register. */
export function usesDst(form: OperandForm): boolean {
  return !(form === 'ja' || form === 'gotol' || form === 'call' || form === 'call-local' || form === 'call-kfunc' || form === 'exit' || form === 'ldabs' || form === 'ldind');
}

/** True when the form reads `src` as a register. */
export function usesSrc(form: OperandForm): boolean {
  return form === 'alu-reg' || form === 'ldx' || form === 'stx' || form === 'atomic' || form === 'jmp-reg' || form === 'ldind';
}

/** True when the form reads `off`. */
export function usesOff(form: OperandForm): boolean {
  return form === 'ldx' || form === 'st' || form === 'stx' || form === 'atomic' || form === 'jmp-reg' || form === 'jmp-imm' || form === 'ja' || form === 'call-kfunc';
}

/** True when the form reads `imm`. */
export function usesImm(form: OperandForm): boolean {
  return form === 'alu-imm' || form === 'st' || form === 'jmp-imm' || form === 'gotol' || form === 'call' || form === 'call-local' || form === 'call-kfunc' || form === 'lddw' || form === 'ldabs' || form === 'ldind';
}

/**
 * Names the first field that `insn` sets although its instruction does not use it (Linux rejects
 * these as "reserved fields"), or undefined. Decoding keeps such fields so bytes round-trip; the
 * checker decides whether to refuse them.
 */
export function reservedFieldInUse(insn: Insn): 'dst' | 'src' | 'off' | 'imm' | undefined {
  const m = findMnemonic(insn);
  if (!m) return undefined;
  if (!usesDst(m.form) && insn.dst !== 0) return 'dst';
  if (!usesSrc(m.form) && m.src === undefined && m.form !== 'lddw' && insn.src !== 0) return 'src';
  if (!usesOff(m.form) && m.off === undefined && insn.off !== 0) return 'off';
  if (!usesImm(m.form) && m.imm === undefined && insn.imm !== 0) return 'imm';
  return undefined;
}
