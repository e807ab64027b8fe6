/**
 * ALU and ALU64 instructions to wasm. 64-bit operations work on the i64 locals directly; 32-bit
 * ones wrap to i32, operate, and zero-extend back, exactly as RFC 9669 defines. Division and
 * modulo never trap: by zero gives 0 (div) or the dividend (mod), INT_MIN / -1 gives INT_MIN,
 * INT_MIN % -1 gives 0. Shift counts are masked by wasm itself (63 or 31), as BPF requires.
 */
import { EbpfError } from '@ebpf/core';
import { ValType, W } from '../wasm/opcodes.js';
import type { FuncEmitter } from './emitter.js';

const ALU64 = 0x07;

/** wasm opcodes of the simple binary operations, indexed by BPF op >> 4: [i64 op, i32 op]. */
const BINARY: ReadonlyArray<readonly [number, number] | undefined> = [
  [W.i64_add, W.i32_add], // 0x00 add
  [W.i64_sub, W.i32_sub], // 0x10 sub
  [W.i64_mul, W.i32_mul], // 0x20 mul
  undefined, // 0x30 div
  [W.i64_or, W.i32_or], // 0x40 or
  [W.i64_and, W.i32_and], // 0x50 and
  [W.i64_shl, W.i32_shl], // 0x60 lsh
  [W.i64_shr_u, W.i32_shr_u], // 0x70 rsh
  undefined, // 0x80 neg
  undefined, // 0x90 mod
  [W.i64_xor, W.i32_xor], // 0xa0 xor
  undefined, // 0xb0 mov
  [W.i64_shr_s, W.i32_shr_s], // 0xc0 arsh
];

/** Translates the ALU/ALU64 instruction at `pc`. */
export function emitAlu(e: FuncEmitter, pc: number): void {
  const p = e.env.program;
  const code = p.code[pc]!;
  const dst = p.dst[pc]!;
  const src = p.src[pc]!;
  const off = p.off[pc]!;
  const imm = p.imm[pc]!;
  const is64 = (code & 7) === ALU64;
  const useReg = (code & 0x08) !== 0;
  const op = code & 0xf0;

  const bin = BINARY[op >> 4];
  if (bin !== undefined) {
    e.get(dst);
    if (is64) {
      if (useReg) e.get(src);
      else e.i64Imm(imm);
      e.op(bin[0]);
    } else {
      e.op(W.i32_wrap_i64);
      pushSrc32(e, useReg, src, imm);
      e.op(bin[1]);
      e.op(W.i64_extend_i32_u);
    }
    e.set(dst);
    return;
  }

  switch (op) {
    case 0x80: // neg
      if (is64) {
        e.i64Imm(0);
        e.get(dst);
        e.op(W.i64_sub);
      } else {
        e.i32(0);
        e.get(dst);
        e.op(W.i32_wrap_i64);
        e.op(W.i32_sub);
        e.op(W.i64_extend_i32_u);
      }
      e.set(dst);
      return;
    case 0xb0: // mov, movsx
      emitMov(e, is64, useReg, dst, src, off, imm, pc);
      return;
    case 0x30: // div
    case 0x90: // mod
      emitDivMod(e, is64, useReg, op === 0x90, off === 1, dst, src, imm);
      return;
    case 0xd0: // end: le/be (ALU), bswap (ALU64)
      emitEndian(e, is64 || useReg, dst, imm, pc);
      return;
    default:
      throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: unknown ALU opcode 0x${code.toString(16)}`);
  }
}

/** Pushes the 32-bit source operand (register low half or immediate). */
function pushSrc32(e: FuncEmitter, useReg: boolean, src: number, imm: number): void {
  if (useReg) {
    e.get(src);
    e.op(W.i32_wrap_i64);
  } else {
    e.i32(imm);
  }
}

function emitMov(e: FuncEmitter, is64: boolean, useReg: boolean, dst: number, src: number, off: number, imm: number, pc: number): void {
  if (!useReg) {
    // mov imm: sign-extended (64) or zero-extended 32-bit immediate.
    if (is64) e.i64Imm(imm);
    else e.i64Halves(imm, 0);
    e.set(dst);
    return;
  }
  e.get(src);
  if (is64) {
    if (off === 8) e.op(W.i64_extend8_s);
    else if (off === 16) e.op(W.i64_extend16_s);
    else if (off === 32) e.op(W.i64_extend32_s);
    else if (off !== 0) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: bad movsx offset ${off}`);
  } else {
    e.op(W.i32_wrap_i64);
    if (off === 8) e.op(W.i32_extend8_s);
    else if (off === 16) e.op(W.i32_extend16_s);
    else if (off !== 0) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: bad movsx32 offset ${off}`);
    e.op(W.i64_extend_i32_u);
  }
  e.set(dst);
}

/**
 * div/mod/sdiv/smod. With an immediate divisor the special cases are settled at compile time;
 * with a register they are settled by `if` blocks (never a wasm trap).
 */
function emitDivMod(e: FuncEmitter, is64: boolean, useReg: boolean, isMod: boolean, signed: boolean, dst: number, src: number, imm: number): void {
  const w = e.w;
  const T = is64 ? ValType.I64 : ValType.I32;
  const ops = is64
    ? { div: signed ? W.i64_div_s : W.i64_div_u, rem: signed ? W.i64_rem_s : W.i64_rem_u, eqz: W.i64_eqz, eq: W.i64_eq, sub: W.i64_sub }
    : { div: signed ? W.i32_div_s : W.i32_div_u, rem: signed ? W.i32_rem_s : W.i32_rem_u, eqz: W.i32_eqz, eq: W.i32_eq, sub: W.i32_sub };
  const pushDst = (): void => {
    e.get(dst);
    if (!is64) e.op(W.i32_wrap_i64);
  };
  const konst = (v: number): void => (is64 ? e.i64Imm(v) : e.i32(v));
  const finish = (): void => {
    if (!is64) e.op(W.i64_extend_i32_u);
    e.set(dst);
  };

  if (!useReg) {
    if (imm === 0) {
      // div by zero: 0; mod by zero: dst unchanged (32-bit: zero-extended).
      if (isMod) pushDst();
      else konst(0);
      finish();
      return;
    }
    if (signed && imm === -1) {
      // x / -1 = -x (INT_MIN stays INT_MIN), x % -1 = 0.
      if (isMod) konst(0);
      else {
        konst(0);
        pushDst();
        e.op(ops.sub);
      }
      finish();
      return;
    }
    pushDst();
    konst(imm);
    e.op(isMod ? ops.rem : ops.div);
    finish();
    return;
  }

  // Register divisor: keep it in a scratch local (the i64 scratch holds both widths' values).
  const tmp = is64 ? e.t64a : e.t32a;
  e.get(src);
  if (!is64) e.op(W.i32_wrap_i64);
  e.setLocal(tmp);
  // if (src == 0) { zero-case } else { [signed: if (src == -1) { neg-case } else] op }
  e.getLocal(tmp);
  e.op(ops.eqz);
  w.u8(W.if).u8(T);
  if (isMod) pushDst();
  else konst(0);
  w.u8(W.else);
  if (signed && !isMod) {
    // rem_s(INT_MIN, -1) is 0 in wasm (no trap), but div_s traps: guard -1.
    e.getLocal(tmp);
    konst(-1);
    e.op(ops.eq);
    w.u8(W.if).u8(T);
    konst(0);
    pushDst();
    e.op(ops.sub);
    w.u8(W.else);
    pushDst();
    e.getLocal(tmp);
    e.op(ops.div);
    w.u8(W.end);
  } else {
    pushDst();
    e.getLocal(tmp);
    e.op(isMod ? ops.rem : ops.div);
  }
  w.u8(W.end);
  finish();
}

/**
 * Byte order: `le16/32/64` on a little-endian machine truncate; `be16/32/64` and the ALU64
 * `bswap` swap. `swap` is true for be and bswap.
 */
function emitEndian(e: FuncEmitter, swap: boolean, dst: number, imm: number, pc: number): void {
  if (imm !== 16 && imm !== 32 && imm !== 64) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: bad byte-swap width ${imm}`);
  if (!swap) {
    if (imm === 64) return;
    e.get(dst);
    e.i64Halves(imm === 16 ? 0xffff : -1, 0);
    e.op(W.i64_and);
    e.set(dst);
    return;
  }
  if (imm === 16) {
    // ((x & 0xff) << 8) | ((x >> 8) & 0xff), on i32
    e.get(dst);
    e.op(W.i32_wrap_i64);
    e.teeLocal(e.t32a);
    e.i32(0xff);
    e.op(W.i32_and);
    e.i32(8);
    e.op(W.i32_shl);
    e.getLocal(e.t32a);
    e.i32(8);
    e.op(W.i32_shr_u);
    e.i32(0xff);
    e.op(W.i32_and);
    e.op(W.i32_or);
    e.op(W.i64_extend_i32_u);
    e.set(dst);
    return;
  }
  if (imm === 32) {
    e.get(dst);
    e.op(W.i32_wrap_i64);
    bswap32(e);
    e.op(W.i64_extend_i32_u);
    e.set(dst);
    return;
  }
  // 64: bswap32(lo) << 32 | bswap32(hi)
  e.get(dst);
  e.op(W.i32_wrap_i64);
  bswap32(e);
  e.op(W.i64_extend_i32_u);
  e.i64Imm(32);
  e.op(W.i64_shl);
  e.get(dst);
  e.i64Imm(32);
  e.op(W.i64_shr_u);
  e.op(W.i32_wrap_i64);
  bswap32(e);
  e.op(W.i64_extend_i32_u);
  e.op(W.i64_or);
  e.set(dst);
}

/** Byte-swaps the i32 on top of the stack: (rotl(x, 8) & 0x00ff00ff) | (rotr(x, 8) & 0xff00ff00). */
function bswap32(e: FuncEmitter): void {
  e.teeLocal(e.t32a);
  e.i32(8);
  e.op(W.i32_rotl);
  e.i32(0x00ff00ff);
  e.op(W.i32_and);
  e.getLocal(e.t32a);
  e.i32(8);
  e.op(W.i32_rotr);
  e.i32(0xff00ff00 | 0);
  e.op(W.i32_and);
  e.op(W.i32_or);
}
