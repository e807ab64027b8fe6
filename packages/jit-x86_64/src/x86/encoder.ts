/**
 * x86-64 instruction encoder: REX, ModRM, SIB, displacements and immediates, as pure bytes.
 * Each method appends one machine instruction to a growable buffer. It knows the encoding quirks
 * (rbp/r13 as a base need a disp8, rsp/r12 as a base need a SIB byte, spl/bpl/sil/dil need a
 * REX prefix) and nothing about eBPF: choosing instructions is the code generator's job.
 */
import { EbpfError } from '@ebpf/core';
import type { X86Reg } from './registers.js';

/** A memory operand `[base + index + disp]` (scale 1). */
export interface Mem {
  readonly base: X86Reg;
  /** Optional index register (never rsp). */
  readonly index?: X86Reg;
  /** Signed 32-bit displacement. */
  readonly disp: number;
}

/** A register/memory operand: a register number or a {@link Mem}. */
export type RM = X86Reg | Mem;

/** Condition codes (the low nibble of `jcc`/`setcc`). */
export const CC = {
  O: 0x0, NO: 0x1, B: 0x2, AE: 0x3, E: 0x4, NE: 0x5, BE: 0x6, A: 0x7,
  S: 0x8, NS: 0x9, P: 0xa, NP: 0xb, L: 0xc, GE: 0xd, LE: 0xe, G: 0xf,
} as const;
/** A condition code value. */
export type Cond = (typeof CC)[keyof typeof CC];

/** Two-operand ALU operations with their `op r/m, reg` opcode (the `/ext` of 81/83 is `op >> 3`). */
export const ALU = {
  ADD: 0x01, OR: 0x09, AND: 0x21, SUB: 0x29, XOR: 0x31, CMP: 0x39,
} as const;
/** One of the {@link ALU} opcodes. */
export type AluKind = (typeof ALU)[keyof typeof ALU];

/** Shift and rotate groups (`/ext` of C1/D3). */
export const SHIFT = { ROL: 0, ROR: 1, SHL: 4, SHR: 5, SAR: 7 } as const;
/** One of the {@link SHIFT} extensions. */
export type ShiftKind = (typeof SHIFT)[keyof typeof SHIFT];

/** Operand width in bits. */
export type Width = 8 | 16 | 32 | 64;

/** True when `v` fits a sign-extended 8-bit immediate. */
export function isImm8(v: number): boolean {
  return v >= -128 && v <= 127;
}

/** True when `v` fits a sign-extended 32-bit immediate. */
export function isImm32(v: number): boolean {
  return Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff;
}

/** Multi-byte NOPs by length (Intel SDM, "Recommended Multi-Byte Sequence of NOP"). */
const NOPS: readonly (readonly number[])[] = [
  [],
  [0x90],
  [0x66, 0x90],
  [0x0f, 0x1f, 0x00],
  [0x0f, 0x1f, 0x40, 0x00],
  [0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00],
  [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00],
  [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
  [0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00],
];

function isMem(rm: RM): rm is Mem {
  return typeof rm === 'object';
}

/** Options of the generic ModRM emitter. */
interface RmOptions {
  /** REX.W (64-bit operand). */
  readonly w?: boolean;
  /** Operand-size prefix 0x66 (16-bit operand). */
  readonly p66?: boolean;
  /** `lock` prefix. */
  readonly lock?: boolean;
  /** The reg field names a byte register (needs REX for 4..7). */
  readonly regByte?: boolean;
  /** A register r/m names a byte register (needs REX for 4..7). */
  readonly rmByte?: boolean;
}

/** Appends x86-64 instructions to a growable byte buffer. */
export class X86Writer {
  private buf = new Uint8Array(256);
  private n = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.n;
  }

  /** A copy of the bytes written. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.n);
  }

  /** Drops everything written after offset `n` (to re-emit a sequence differently). */
  truncate(n: number): void {
    if (n < 0 || n > this.n) throw new EbpfError('ENCODE', `x86: cannot truncate to ${n} (length ${this.n})`);
    this.n = n;
  }

  /** Appends `count` bytes of NOPs, as few instructions as possible (Intel's recommended forms). */
  nop(count: number): void {
    while (count > 0) {
      const k = Math.min(count, NOPS.length - 1);
      for (const b of NOPS[k]!) this.u8(b);
      count -= k;
    }
  }

  /** Pads with NOPs to the next multiple of `boundary` (a power of two). */
  alignTo(boundary: number): void {
    this.nop((boundary - (this.n % boundary)) % boundary);
  }

  /** Appends raw bytes. */
  raw(...bytes: number[]): void {
    for (const b of bytes) this.u8(b);
  }

  private u8(b: number): void {
    if (this.n === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = b & 0xff;
  }

  private imm8(v: number): void {
    if (v < -128 || v > 255) throw new EbpfError('ENCODE', `x86: immediate ${v} does not fit 8 bits`);
    this.u8(v);
  }

  /** A signed 8-bit jump displacement. */
  private rel8(v: number): void {
    if (!isImm8(v)) throw new EbpfError('ENCODE', `x86: jump displacement ${v} does not fit 8 bits`);
    this.u8(v);
  }

  private imm16(v: number): void {
    this.u8(v);
    this.u8(v >> 8);
  }

  /** A signed 32-bit immediate (sign-extended by the CPU where the operand is wider). */
  private imm32(v: number): void {
    if (!isImm32(v)) {
      throw new EbpfError('ENCODE', `x86: immediate ${v} does not fit 32 bits`);
    }
    this.u8(v);
    this.u8(v >> 8);
    this.u8(v >> 16);
    this.u8(v >>> 24);
  }

  private imm64(v: bigint): void {
    let u = BigInt.asUintN(64, v);
    for (let i = 0; i < 8; i++) {
      this.u8(Number(u & 0xffn));
      u >>= 8n;
    }
  }

  /** Overwrites a previously written signed 8-bit displacement at `at` to reach the current end. */
  patchRel8(at: number): void {
    const rel = this.n - (at + 1);
    if (!isImm8(rel)) throw new EbpfError('ENCODE', `x86: short jump of ${rel} bytes out of range`);
    this.buf[at] = rel & 0xff;
  }

  /**
   * The generic instruction: prefixes, REX, opcode bytes, ModRM (+SIB, +displacement).
   * `reg` fills ModRM.reg (a register or an opcode extension); `rm` is the r/m operand.
   */
  rmInsn(opcode: readonly number[], reg: number, rm: RM, o: RmOptions = {}): void {
    if (o.lock) this.u8(0xf0);
    if (o.p66) this.u8(0x66);
    const base = isMem(rm) ? rm.base : rm;
    const index = isMem(rm) ? rm.index : undefined;
    let rex = 0;
    if (o.w) rex |= 0x08;
    if (reg & 8) rex |= 0x04;
    if (index !== undefined && index & 8) rex |= 0x02;
    if (base & 8) rex |= 0x01;
    const forceRex = (o.regByte && reg >= 4 && reg <= 7) || (o.rmByte && !isMem(rm) && rm >= 4 && rm <= 7);
    if (rex !== 0 || forceRex) this.u8(0x40 | rex);
    for (const b of opcode) this.u8(b);
    const r3 = (reg & 7) << 3;
    if (!isMem(rm)) {
      this.u8(0xc0 | r3 | (rm & 7));
      return;
    }
    if (index !== undefined && (index & 15) === 4) throw new EbpfError('ENCODE', 'x86: rsp cannot be an index register');
    const disp = rm.disp;
    if (!isImm32(disp)) throw new EbpfError('ENCODE', `x86: displacement ${disp} does not fit 32 bits`);
    // rbp/r13 with mod=00 would mean RIP-relative (or no base with a SIB): use a zero disp8.
    const mod = disp === 0 && (base & 7) !== 5 ? 0x00 : isImm8(disp) ? 0x40 : 0x80;
    if (index !== undefined || (base & 7) === 4) {
      // rsp/r12 as a base, or any index, need a SIB byte (index 100 = none).
      this.u8(mod | r3 | 4);
      this.u8(((index ?? 4) & 7) << 3 | (base & 7));
    } else {
      this.u8(mod | r3 | (base & 7));
    }
    if (mod === 0x40) this.imm8(disp);
    else if (mod === 0x80) this.imm32(disp);
  }

  /** `op dst, src` for add/or/and/sub/xor/cmp at 32 or 64 bits (register to register or memory). */
  alu(op: AluKind, width: 32 | 64, dst: RM, src: X86Reg): void {
    this.rmInsn([op], src, dst, { w: width === 64 });
  }

  /** `op dst, imm` (sign-extended imm8 or imm32) for add/or/and/sub/xor/cmp. */
  aluImm(op: AluKind, width: 32 | 64, dst: RM, imm: number): void {
    if (isImm8(imm)) {
      this.rmInsn([0x83], op >> 3, dst, { w: width === 64 });
      this.imm8(imm);
    } else {
      this.rmInsn([0x81], op >> 3, dst, { w: width === 64 });
      this.imm32(imm);
    }
  }

  /** `test a, b`. */
  test(width: 32 | 64, a: RM, b: X86Reg): void {
    this.rmInsn([0x85], b, a, { w: width === 64 });
  }

  /** `test a, imm32` (sign-extended at 64 bits). */
  testImm(width: 32 | 64, a: RM, imm: number): void {
    this.rmInsn([0xf7], 0, a, { w: width === 64 });
    this.imm32(imm);
  }

  /** `mov dst, src` between registers (32-bit zero-extends), or a register store. */
  mov(width: 32 | 64, dst: RM, src: X86Reg): void {
    this.rmInsn([0x89], src, dst, { w: width === 64 });
  }

  /** `mov r32, imm32` (any 32-bit pattern, signed or unsigned): zero-extends into the 64-bit register. */
  movImm32(dst: X86Reg, imm: number): void {
    if (!Number.isInteger(imm) || imm < -0x80000000 || imm > 0xffffffff) {
      throw new EbpfError('ENCODE', `x86: immediate ${imm} does not fit 32 bits`);
    }
    if (dst & 8) this.u8(0x41);
    this.u8(0xb8 + (dst & 7));
    this.imm32(imm | 0);
  }

  /** `mov r64, simm32`: sign-extends the immediate. */
  movImmSext(dst: X86Reg, imm: number): void {
    this.rmInsn([0xc7], 0, dst, { w: true });
    this.imm32(imm);
  }

  /** `movabs r64, imm64`. */
  movAbs(dst: X86Reg, imm: bigint): void {
    this.u8(0x48 | (dst & 8 ? 1 : 0));
    this.u8(0xb8 + (dst & 7));
    this.imm64(imm);
  }

  /** Loads any 64-bit constant with the shortest form (xor, mov r32, mov sext, movabs). Clobbers flags when 0. */
  movConst(dst: X86Reg, value: bigint): void {
    const u = BigInt.asUintN(64, value);
    const s = BigInt.asIntN(64, value);
    if (u === 0n) this.alu(ALU.XOR, 32, dst, dst);
    else if (u <= 0xffffffffn) this.movImm32(dst, Number(u));
    else if (s >= -0x80000000n && s < 0) this.movImmSext(dst, Number(s));
    else this.movAbs(dst, u);
  }

  /** `imul dst, src`. */
  imul(width: 32 | 64, dst: X86Reg, src: RM): void {
    this.rmInsn([0x0f, 0xaf], dst, src, { w: width === 64 });
  }

  /** `imul dst, src, imm`. */
  imulImm(width: 32 | 64, dst: X86Reg, src: RM, imm: number): void {
    if (isImm8(imm)) {
      this.rmInsn([0x6b], dst, src, { w: width === 64 });
      this.imm8(imm);
    } else {
      this.rmInsn([0x69], dst, src, { w: width === 64 });
      this.imm32(imm);
    }
  }

  /** Shift or rotate by an immediate count. */
  shiftImm(kind: ShiftKind, width: 16 | 32 | 64, dst: X86Reg, count: number): void {
    this.rmInsn([0xc1], kind, dst, { w: width === 64, p66: width === 16 });
    this.imm8(count & 0xff);
  }

  /** Shift or rotate by `cl`. */
  shiftCl(kind: ShiftKind, width: 32 | 64, dst: X86Reg): void {
    this.rmInsn([0xd3], kind, dst, { w: width === 64 });
  }

  /** `neg dst`. */
  neg(width: 32 | 64, dst: X86Reg): void {
    this.rmInsn([0xf7], 3, dst, { w: width === 64 });
  }

  /** Unsigned `div src` (rdx:rax / src) or signed `idiv src`. */
  div(width: 32 | 64, src: X86Reg, signed: boolean): void {
    this.rmInsn([0xf7], signed ? 7 : 6, src, { w: width === 64 });
  }

  /** Sign-extends the accumulator into rdx (`cqo`) or edx (`cdq`). */
  signExtendAcc(width: 32 | 64): void {
    if (width === 64) this.u8(0x48);
    this.u8(0x99);
  }

  /** `bswap r32` / `bswap r64`. */
  bswap(width: 32 | 64, r: X86Reg): void {
    const rex = (width === 64 ? 0x08 : 0) | (r & 8 ? 0x01 : 0);
    if (rex) this.u8(0x40 | rex);
    this.u8(0x0f);
    this.u8(0xc8 + (r & 7));
  }

  /** `movzx r32, r/m8|r/m16`: zero-extends to 64 bits. */
  movzx(dst: X86Reg, src: RM, from: 8 | 16): void {
    this.rmInsn([0x0f, from === 8 ? 0xb6 : 0xb7], dst, src, { rmByte: from === 8 });
  }

  /** `movsx`/`movsxd`: sign-extends an 8/16/32-bit source into a 32- or 64-bit register. */
  movsx(width: 32 | 64, dst: X86Reg, src: RM, from: 8 | 16 | 32): void {
    if (from === 32) this.rmInsn([0x63], dst, src, { w: true });
    else this.rmInsn([0x0f, from === 8 ? 0xbe : 0xbf], dst, src, { w: width === 64, rmByte: from === 8 });
  }

  /** Loads `width` bits from memory, zero-extending to 64 bits. */
  load(width: Width, dst: X86Reg, src: Mem): void {
    if (width === 8 || width === 16) this.movzx(dst, src, width);
    else this.rmInsn([0x8b], dst, src, { w: width === 64 });
  }

  /** Loads `width` bits from memory, sign-extending to 64 bits. */
  loadSx(width: 8 | 16 | 32, dst: X86Reg, src: Mem): void {
    this.movsx(64, dst, src, width);
  }

  /** Stores the low `width` bits of `src`. */
  store(width: Width, dst: Mem, src: X86Reg): void {
    if (width === 8) this.rmInsn([0x88], src, dst, { regByte: true });
    else this.rmInsn([0x89], src, dst, { w: width === 64, p66: width === 16 });
  }

  /** Stores an immediate (sign-extended imm32 at 64 bits). */
  storeImm(width: Width, dst: Mem, imm: number): void {
    if (width === 8) {
      this.rmInsn([0xc6], 0, dst);
      this.imm8(imm & 0xff);
    } else if (width === 16) {
      this.rmInsn([0xc7], 0, dst, { p66: true });
      this.imm16(imm);
    } else {
      this.rmInsn([0xc7], 0, dst, { w: width === 64 });
      this.imm32(imm);
    }
  }

  /** `lea dst, [mem]`. */
  lea(dst: X86Reg, src: Mem): void {
    this.rmInsn([0x8d], dst, src, { w: true });
  }

  /** `lock op [mem], src` for add/or/and/xor. */
  lockAlu(op: AluKind, width: 32 | 64, dst: Mem, src: X86Reg): void {
    this.rmInsn([op], src, dst, { w: width === 64, lock: true });
  }

  /** `lock xadd [mem], src`. */
  lockXadd(width: 32 | 64, dst: Mem, src: X86Reg): void {
    this.rmInsn([0x0f, 0xc1], src, dst, { w: width === 64, lock: true });
  }

  /** `xchg [mem], src` (implicitly locked). */
  xchg(width: 32 | 64, dst: Mem, src: X86Reg): void {
    this.rmInsn([0x87], src, dst, { w: width === 64 });
  }

  /** `lock cmpxchg [mem], src` (compares with rax/eax). */
  lockCmpxchg(width: 32 | 64, dst: Mem, src: X86Reg): void {
    this.rmInsn([0x0f, 0xb1], src, dst, { w: width === 64, lock: true });
  }

  /** `push r64`. */
  push(r: X86Reg): void {
    if (r & 8) this.u8(0x41);
    this.u8(0x50 + (r & 7));
  }

  /** `pop r64`. */
  pop(r: X86Reg): void {
    if (r & 8) this.u8(0x41);
    this.u8(0x58 + (r & 7));
  }

  /** `call r64`. */
  callReg(r: X86Reg): void {
    this.rmInsn([0xff], 2, r);
  }

  /** `call rel32` (relative to the end of the instruction). */
  callRel32(rel: number): void {
    this.u8(0xe8);
    this.imm32(rel);
  }

  /** `ret`. */
  ret(): void {
    this.u8(0xc3);
  }

  /** `jmp rel8`. */
  jmpRel8(rel: number): void {
    this.u8(0xeb);
    this.rel8(rel);
  }

  /** `jmp rel32`. */
  jmpRel32(rel: number): void {
    this.u8(0xe9);
    this.imm32(rel);
  }

  /** `jcc rel8`. */
  jccRel8(cc: Cond, rel: number): void {
    this.u8(0x70 + cc);
    this.rel8(rel);
  }

  /** `jcc rel32`. */
  jccRel32(cc: Cond, rel: number): void {
    this.u8(0x0f);
    this.u8(0x80 + cc);
    this.imm32(rel);
  }

  /** A forward `jcc rel8` to be bound later with {@link patchRel8}; returns the displacement's position. */
  jccForward(cc: Cond): number {
    this.u8(0x70 + cc);
    this.u8(0);
    return this.n - 1;
  }

  /** A forward `jcc rel32` to be bound later with {@link patchRel32}; returns the displacement's position. */
  jccForward32(cc: Cond): number {
    this.u8(0x0f);
    this.u8(0x80 + cc);
    this.imm32(0);
    return this.n - 4;
  }

  /** A forward `jmp rel32` to be bound later with {@link patchRel32}; returns the displacement's position. */
  jmpForward32(): number {
    this.u8(0xe9);
    this.imm32(0);
    return this.n - 4;
  }

  /** Overwrites a previously written 32-bit displacement at `at` to reach the current end. */
  patchRel32(at: number): void {
    const rel = this.n - (at + 4);
    if (!isImm32(rel)) throw new EbpfError('ENCODE', `x86: jump of ${rel} bytes out of range`);
    this.buf[at] = rel & 0xff;
    this.buf[at + 1] = (rel >> 8) & 0xff;
    this.buf[at + 2] = (rel >> 16) & 0xff;
    this.buf[at + 3] = (rel >>> 24) & 0xff;
  }

  /** A forward `jmp rel8` to be bound later with {@link patchRel8}; returns the displacement's position. */
  jmpForward(): number {
    this.u8(0xeb);
    this.u8(0);
    return this.n - 1;
  }
}
