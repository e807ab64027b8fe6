/**
 * Loads, stores, `lddw` and atomics to wasm. Addresses come from `FuncEmitter.address` (one
 * subtraction of the VM base, no bounds check of ours). Atomics are plain load-op-store
 * sequences: a VM runs one program at a time on one thread and its memory is not shared, so
 * no other agent can observe the intermediate state.
 */
import { EbpfError } from '@ebpf/core';
import { W } from '../wasm/opcodes.js';
import type { FuncEmitter } from './emitter.js';

const LOAD_U = { 0x00: W.i64_load32_u, 0x08: W.i64_load16_u, 0x10: W.i64_load8_u, 0x18: W.i64_load } as Record<number, number>;
const LOAD_S = { 0x00: W.i64_load32_s, 0x08: W.i64_load16_s, 0x10: W.i64_load8_s } as Record<number, number>;
const STORE = { 0x00: W.i64_store32, 0x08: W.i64_store16, 0x10: W.i64_store8, 0x18: W.i64_store } as Record<number, number>;

/** Translates `lddw` at `pc` (the lowered program already holds resolved map addresses). */
export function emitLddw(e: FuncEmitter, pc: number): void {
  const p = e.env.program;
  e.i64Halves(p.imm[pc]!, p.imm[pc + 1]!);
  e.set(p.dst[pc]!);
}

/** Translates an LDX instruction (MEM or MEMSX mode) at `pc`. */
export function emitLoad(e: FuncEmitter, pc: number): void {
  const p = e.env.program;
  const code = p.code[pc]!;
  const size = code & 0x18;
  const mode = code & 0xe0;
  const op = mode === 0x80 ? LOAD_S[size] : mode === 0x60 ? LOAD_U[size] : undefined;
  if (op === undefined) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: unsupported load opcode 0x${code.toString(16)}`);
  const memOff = e.address(p.src[pc]!, p.off[pc]!);
  e.memOp(op, memOff);
  e.set(p.dst[pc]!);
}

/** Translates an ST (store immediate) instruction at `pc`. */
export function emitStoreImm(e: FuncEmitter, pc: number): void {
  const p = e.env.program;
  const code = p.code[pc]!;
  if ((code & 0xe0) !== 0x60) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: unsupported store opcode 0x${code.toString(16)}`);
  const memOff = e.address(p.dst[pc]!, p.off[pc]!);
  e.i64Imm(p.imm[pc]!);
  e.memOp(STORE[code & 0x18]!, memOff);
}

/** Translates an STX instruction (MEM or ATOMIC mode) at `pc`. */
export function emitStoreReg(e: FuncEmitter, pc: number): void {
  const p = e.env.program;
  const code = p.code[pc]!;
  const mode = code & 0xe0;
  if (mode === 0x60) {
    const memOff = e.address(p.dst[pc]!, p.off[pc]!);
    e.get(p.src[pc]!);
    e.memOp(STORE[code & 0x18]!, memOff);
    return;
  }
  if (mode === 0xc0) {
    emitAtomic(e, pc);
    return;
  }
  throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: unsupported store opcode 0x${code.toString(16)}`);
}

const ATOMIC_BIN: Record<number, number> = { 0x00: W.i64_add, 0x40: W.i64_or, 0x50: W.i64_and, 0xa0: W.i64_xor };

/**
 * Atomic read-modify-write (32 or 64 bits). The address goes to an i32 scratch local once; the
 * old value (zero-extended when 32-bit) goes to an i64 scratch local when fetched.
 */
function emitAtomic(e: FuncEmitter, pc: number): void {
  const p = e.env.program;
  const code = p.code[pc]!;
  const size = code & 0x18;
  if (size !== 0x00 && size !== 0x18) throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: atomic operations are 32 or 64 bits wide`);
  const load = size === 0x18 ? W.i64_load : W.i64_load32_u;
  const store = size === 0x18 ? W.i64_store : W.i64_store32;
  const src = p.src[pc]!;
  const aop = p.imm[pc]!;
  const memOff = e.address(p.dst[pc]!, p.off[pc]!);
  const addr = e.t32a;
  const old = e.t64a;
  e.setLocal(addr);

  const bin = ATOMIC_BIN[aop & ~1];
  if (bin !== undefined && (aop & ~0xf1) === 0) {
    const fetch = (aop & 1) !== 0;
    e.getLocal(addr); // store address
    e.getLocal(addr);
    e.memOp(load, memOff);
    if (fetch) e.teeLocal(old);
    e.get(src);
    e.op(bin);
    e.memOp(store, memOff);
    if (fetch) {
      e.getLocal(old);
      e.set(src);
    }
    return;
  }
  if (aop === 0xe1) {
    // xchg: src = *addr, *addr = src
    e.getLocal(addr);
    e.memOp(load, memOff);
    e.setLocal(old);
    e.getLocal(addr);
    e.get(src);
    e.memOp(store, memOff);
    e.getLocal(old);
    e.set(src);
    return;
  }
  if (aop === 0xf1) {
    // cmpxchg: old = *addr; if (old == r0 (low 32 bits when 32-bit)) *addr = src; r0 = old
    e.getLocal(addr);
    e.memOp(load, memOff);
    e.setLocal(old);
    e.getLocal(addr);
    e.get(src);
    e.getLocal(old);
    e.getLocal(old);
    e.get(0);
    if (size === 0x00) {
      e.i64Halves(-1, 0);
      e.op(W.i64_and);
    }
    e.op(W.i64_eq);
    e.op(W.select);
    e.memOp(store, memOff);
    e.getLocal(old);
    e.set(0);
    return;
  }
  throw new EbpfError('RUNTIME', `jit-wasm: insn ${pc}: unknown atomic operation 0x${aop.toString(16)}`);
}
