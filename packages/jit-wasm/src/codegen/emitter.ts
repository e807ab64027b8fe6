/**
 * The per-function emission state: the byte writer, where each BPF register lives (an i64
 * local, or a constant for the main function's frame pointer), scratch locals, and what the
 * module provides (memory base, stack, helper imports, subprogram indices). The instruction
 * translators in this folder write through it; the module layout is `../codegen.ts`'s.
 */
import type { HelperInline, LoweredProgram } from '@ebpf/core';
import { ByteWriter } from '../wasm/encoder.js';
import { ValType, W, type ValTypeCode } from '../wasm/opcodes.js';

/** What every function of one module shares: VM layout and the module's function indices. */
export interface ModuleEnv {
  /** The program being compiled (all functions). */
  readonly program: LoweredProgram;
  /** VM memory base address as a Number (below 2^53). */
  readonly base: number;
  /** Offset (in VM memory) one past the outermost stack frame: r10 of the main function. */
  readonly stackTopOffset: number;
  /** Offset of the lowest stack byte (the deepest frame's floor). */
  readonly stackBottomOffset: number;
  /** Offset of the helper argument block (r0..r5, 8 bytes each). */
  readonly argsOffset: number;
  /** Function index of the import for helper `id`. */
  helperImport(id: number): number;
  /**
   * True when helper `id` may end the whole run (uBPF's unwind extension, a taken tail call):
   * its import returns an i32, 1 meaning "the run ends with r0 from the argument block".
   */
  stops(id: number): boolean;
  /** True when calls to helper `id` get the inline array-map lookup fast path. */
  inlinesLookup(id: number): boolean;
  /** Function index of the `callx` import (f64 id, i32 pc) -> i32 (1: the run ends). */
  readonly callxImport: number;
  /** Function index of the `fault` import (i32 code, i32 pc); it throws. */
  readonly faultImport: number;
  /** Function index of the subprogram starting at slot `start`. */
  funcIndex(start: number): number;
  /** VM memory size in bytes (the inline helpers' readable range ends here). */
  readonly memorySize: number;
  /** The inline description of helper `id` when its calls are emitted as wasm code, else undefined. */
  inlineHelper(id: number): HelperInline | undefined;
}

/** Codes passed to the `fault` import. */
export const Fault = {
  /** A bpf-to-bpf call would go deeper than the VM's stack frames. */
  CALL_DEPTH: 1,
  /** `callx` named no helper this program may call. */
  BAD_CALLX: 2,
  /** A helper ended the run inside a subprogram: r0 is in the argument block. */
  EXIT_RUN: 3,
} as const;

/** Local index meaning "r10 is the constant stack top" (main function). */
const CONST_FP = -1;

/** Emission state of one function. */
export class FuncEmitter {
  /** The function's code (without the final `end`). */
  readonly w: ByteWriter;
  /** Local index of each BPF register, or {@link CONST_FP} for a constant r10. */
  private readonly reg: Int32Array;
  /** Scratch i64 local (register divisors, fetched atomic values). */
  readonly t64a: number;
  /** Scratch i32 local (addresses, byte swaps, helper stop flags, map descriptors). */
  readonly t32a: number;
  /** Second scratch i32 local (inline lookup index, inline helper addresses). */
  readonly t32b: number;
  /** Third scratch i32 local (inline helper sizes). */
  readonly t32c: number;
  /** Second scratch i64 local (inline helper offsets and results). */
  readonly t64b: number;
  /** First slot of the basic block being emitted (instructions before it in the block are straight-line code). */
  blockStart = 0;
  /** Dispatch-loop block id (i32). */
  readonly pcLocal: number;
  /** Local declarations after the parameters. */
  readonly locals: ReadonlyArray<readonly [number, ValTypeCode]>;

  /**
   * @param env the module's shared layout
   * @param isMain the entry function (params r1, r2; r10 constant) or a subprogram (params
   *   r1..r5 and its frame pointer)
   * @param capacity initial code buffer size in bytes; sizing it for the whole function avoids
   *   regrowing it mid-emission (which also deoptimizes the optimized writer calls)
   */
  constructor(readonly env: ModuleEnv, readonly isMain: boolean, capacity = 1024) {
    this.w = new ByteWriter(capacity);
    this.reg = new Int32Array(11);
    let next: number;
    if (isMain) {
      // params: r1, r2; locals: r0, r3..r9
      this.reg[1] = 0;
      this.reg[2] = 1;
      this.reg[0] = 2;
      for (let r = 3; r <= 9; r++) this.reg[r] = r;
      this.reg[10] = CONST_FP;
      next = 10;
      this.locals = [[8 + 1, ValType.I64], [4, ValType.I32], [1, ValType.I64]];
    } else {
      // params: r1..r5, r10; locals: r0, r6..r9
      for (let r = 1; r <= 5; r++) this.reg[r] = r - 1;
      this.reg[10] = 5;
      this.reg[0] = 6;
      for (let r = 6; r <= 9; r++) this.reg[r] = r + 1;
      next = 11;
      this.locals = [[5 + 1, ValType.I64], [4, ValType.I32], [1, ValType.I64]];
    }
    this.t64a = next;
    this.t32a = next + 1;
    this.pcLocal = next + 2;
    this.t32b = next + 3;
    this.t32c = next + 4;
    this.t64b = next + 5;
  }

  /** True when r10 is the constant stack top (reads fold to a constant). */
  get constFp(): boolean {
    return this.isMain;
  }

  /** Pushes register `r` (i64). */
  get(r: number): void {
    const l = this.reg[r]!;
    if (l === CONST_FP) this.i64(this.env.base + this.env.stackTopOffset);
    else this.w.u8x2(W.local_get, l); // locals number below 128: one-byte index
  }

  /** Pops an i64 into register `r`. */
  set(r: number): void {
    this.w.u8x2(W.local_set, this.reg[r]!);
  }

  /** Pushes local `l`. */
  getLocal(l: number): void {
    this.w.u8x2(W.local_get, l);
  }

  /** Pops into local `l`. */
  setLocal(l: number): void {
    this.w.u8x2(W.local_set, l);
  }

  /** Stores the top of stack into local `l`, keeping it. */
  teeLocal(l: number): void {
    this.w.u8x2(W.local_tee, l);
  }

  /** Pushes an i64 constant given as a Number (exact integer, |v| < 2^53) . */
  i64(v: number): void {
    const lo = v % 4294967296;
    const hi = Math.floor(v / 4294967296);
    this.w.u8(W.i64_const).sleb64(lo | 0, hi | 0);
  }

  /** Pushes the i64 constant `hi:lo` (32-bit halves). */
  i64Halves(lo: number, hi: number): void {
    this.w.u8(W.i64_const).sleb64(lo, hi);
  }

  /** Pushes a sign-extended 32-bit immediate as i64. */
  i64Imm(imm: number): void {
    this.w.opSleb32(W.i64_const, imm);
  }

  /** Pushes an i32 constant. */
  i32(v: number): void {
    this.w.opSleb32(W.i32_const, v);
  }

  /** Emits one opcode byte. */
  op(code: number): void {
    this.w.u8(code);
  }

  /**
   * Pushes the wasm address (i32) of `reg + off` and returns the memarg offset to use with it.
   * A pointer is `base + offset`, so the wasm address is `wrap(ptr) + (off - base)` mod 2^32: no
   * bounds check of ours, the wasm engine's bounds are the last guard.
   */
  address(reg: number, off: number): number {
    if (reg === 10 && this.constFp) {
      this.i32(this.env.stackTopOffset + off);
      return 0;
    }
    this.get(reg);
    this.w.u8(W.i32_wrap_i64);
    const k = (off - (this.env.base >>> 0)) | 0;
    if (k === 0) return 0;
    if (k > 0 && this.env.base === 0) return k;
    this.i32(k);
    this.w.u8(W.i32_add);
    return 0;
  }

  /** Emits a memory instruction with alignment hint 0 and `offset`. */
  memOp(code: number, offset: number): void {
    this.w.u8x2(code, 0).uleb(offset);
  }
}
