/**
 * Conditions of BPF conditional jumps as wasm i32 values. JMP compares 64-bit registers (the
 * immediate sign-extended), JMP32 their low halves. Where the condition goes (`br_if`, `if`,
 * `select`) is the structurer's decision, carried out by `function.ts`.
 */
import { EbpfError } from '@ebpf/core';
import { W } from '../wasm/opcodes.js';
import type { FuncEmitter } from './emitter.js';

/** Per BPF jump op (>> 4): [i64 compare, i64 negated compare, i32 compare, i32 negated]. */
const CMP: ReadonlyArray<readonly [number, number, number, number] | undefined> = [
  undefined, // ja
  [W.i64_eq, W.i64_ne, W.i32_eq, W.i32_ne], // jeq
  [W.i64_gt_u, W.i64_le_u, W.i32_gt_u, W.i32_le_u], // jgt
  [W.i64_ge_u, W.i64_lt_u, W.i32_ge_u, W.i32_lt_u], // jge
  undefined, // jset
  [W.i64_ne, W.i64_eq, W.i32_ne, W.i32_eq], // jne
  [W.i64_gt_s, W.i64_le_s, W.i32_gt_s, W.i32_le_s], // jsgt
  [W.i64_ge_s, W.i64_lt_s, W.i32_ge_s, W.i32_lt_s], // jsge
  undefined, // call
  undefined, // exit
  [W.i64_lt_u, W.i64_ge_u, W.i32_lt_u, W.i32_ge_u], // jlt
  [W.i64_le_u, W.i64_gt_u, W.i32_le_u, W.i32_gt_u], // jle
  [W.i64_lt_s, W.i64_ge_s, W.i32_lt_s, W.i32_ge_s], // jslt
  [W.i64_le_s, W.i64_gt_s, W.i32_le_s, W.i32_gt_s], // jsle
];

/** Pushes the i32 condition of the conditional jump at `pc` (inverted when `negate`). */
export function emitCondition(e: FuncEmitter, pc: number, negate: boolean): void {
  const p = e.env.program;
  const code = p.code[pc]!;
  const is32 = (code & 7) === 0x06;
  const useReg = (code & 0x08) !== 0;
  const op = code & 0xf0;
  const dst = p.dst[pc]!;
  const src = p.src[pc]!;
  const imm = p.imm[pc]!;
  if (dst > 10 || (useReg && src > 10)) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: r${dst > 10 ? dst : src} does not exist`);

  // Comparisons against immediate zero: eqz is shorter and just as fast.
  if (!useReg && imm === 0 && (op === 0x10 || op === 0x50)) {
    e.get(dst);
    if (is32) e.op(W.i32_wrap_i64);
    e.op(is32 ? W.i32_eqz : W.i64_eqz);
    if ((op === 0x50) !== negate) e.op(W.i32_eqz);
    return;
  }

  e.get(dst);
  if (is32) e.op(W.i32_wrap_i64);
  if (useReg) {
    e.get(src);
    if (is32) e.op(W.i32_wrap_i64);
  } else if (is32) e.i32(imm);
  else e.i64Imm(imm);

  if (op === 0x40) {
    // jset: (dst & src) != 0
    e.op(is32 ? W.i32_and : W.i64_and);
    if (is32) {
      if (negate) e.op(W.i32_eqz);
    } else {
      e.op(W.i64_eqz);
      if (!negate) e.op(W.i32_eqz);
    }
    return;
  }
  const row = CMP[op >> 4];
  if (row === undefined) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: 0x${code.toString(16)} is not a conditional jump`);
  e.op(row[(is32 ? 2 : 0) + (negate ? 1 : 0)]!);
}
