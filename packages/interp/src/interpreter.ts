/**
 * The interpreter: one `switch` loop over a pre-decoded program, registers as pairs of 32-bit
 * halves in an Int32Array (measured about 3x faster than BigInt registers; docs/interpreter.md),
 * every memory access bounds-checked against VM regions, every instruction fetch checked, an
 * instruction budget, bpf-to-bpf calls with their own 512-byte frames, helper calls through the
 * VM's argument block. It trusts nothing: it is also the oracle that checks the checker.
 * Deciding which programs are safe is the checker's job; choosing an engine is the runtime's.
 */
import type { BpfMap, HelperDef, HelperEnv, HelperImpl, LoweredProgram, Vm } from '@ebpf/core';
import { VmError } from '@ebpf/core/errors';
import { MAX_CALL_FRAMES, STACK_SIZE } from '@ebpf/core/isa';
import { MemoryGuard } from './bounds.js';
import { describeSlot } from './describe.js';
import * as I64 from './int64.js';
import { predecode, type Predecoded } from './predecode.js';

/** Default instruction budget of {@link Interpreter} runs (unverified programs). */
export const DEFAULT_BUDGET = 10_000_000;

/** Options of an {@link Interpreter}. */
export interface InterpreterOptions {
  /**
   * Maximum instructions per run; a run that goes beyond ends with a `VM_BUDGET` VmError.
   * Default {@link DEFAULT_BUDGET}; `Infinity` turns the guard off (verified programs).
   */
  readonly budget?: number;
  /**
   * Oracle mode: bound each memory access to one object (this stack frame, one map value, the
   * context, one packet) instead of one region. Used to check the checker.
   */
  readonly oracle?: boolean;
  /** The helpers the program may call (`call imm` and `callx`), by id. */
  readonly helpers?: ReadonlyMap<number, HelperDef> | Iterable<HelperDef>;
  /** The program's maps (what helpers see as `env.maps`). */
  readonly maps?: readonly BpfMap[];
  /** The program's name (for helpers and messages). */
  readonly name?: string;
}

const TWO32 = 4294967296;
/** Linux's helper id of `bpf_tail_call`. */
const TAIL_CALL_ID = 12;

/**
 * Runs a lowered program in a VM. The lowered program must be resolved (`lddw` map loads already
 * hold addresses, as in a VerifiedProgram); anything else is executed as written and faults
 * cleanly when it goes wrong. Not re-entrant: one run at a time per VM.
 */
export class Interpreter {
  /** The VM the program runs in. */
  readonly vm: Vm;
  /** Instructions executed by the last run (including the faulting one, if it faulted). */
  steps = 0;

  private readonly p: Predecoded;
  private readonly source: LoweredProgram;
  private readonly budget: number;
  private readonly guard: MemoryGuard;
  private readonly helperImpls: Array<HelperImpl | undefined> = [];
  private readonly helperDefs: Array<HelperDef | undefined> = [];
  /** Helper 12 is `bpf_tail_call`: calls to it follow the VM's tail-call protocol. */
  private readonly tailCalls: boolean;
  private readonly env: HelperEnv;
  /**
   * The read and write windows of the last run (lo, hi, lo, hi) and the VM memory's release
   * count when they were found: still valid while no region has been released since.
   */
  private readonly win = new Float64Array([0, 0, 0, 0, -1]);
  /** Registers: r`i` low half at 2i, high half at 2i+1. */
  private readonly R = new Int32Array(24);
  /** Saved r6..r9 (8 ints) and the return slot, per call frame. */
  private readonly frames: Int32Array;
  private readonly maxDepth: number;
  /** r10 on entry (the top of frame 0), as halves. */
  private readonly fpLo: number;
  private readonly fpHi: number;
  private readonly M8: Uint8Array;
  private readonly M32: Int32Array;
  private readonly DV: DataView;

  /**
   * @param vm the VM (memory, stack, helper argument block).
   * @param program the lowered program (resolved: see the class comment).
   */
  constructor(vm: Vm, program: LoweredProgram, options: InterpreterOptions = {}) {
    this.vm = vm;
    this.source = program;
    this.p = predecode(program);
    this.budget = options.budget ?? DEFAULT_BUDGET;
    if (!(this.budget > 0)) throw new VmError('VM_BUDGET', `instruction budget must be positive (got ${this.budget})`, -1);
    this.guard = new MemoryGuard(vm, options.oracle ?? false, (pc) => describeSlot(this.source, pc));
    const helpers = options.helpers;
    const list: Iterable<HelperDef> = helpers === undefined ? [] : isMap(helpers) ? helpers.values() : helpers;
    for (const h of list) {
      this.helperImpls[h.id] = h.impl;
      this.helperDefs[h.id] = h;
    }
    this.tailCalls = this.helperDefs[TAIL_CALL_ID]?.name === 'bpf_tail_call';
    this.env = { vm, maps: options.maps ?? [], program: options.name ?? 'prog' };
    this.maxDepth = Math.min(vm.maxCallFrames, Math.max(1, Math.floor(vm.stack.size / STACK_SIZE))) || MAX_CALL_FRAMES;
    this.frames = new Int32Array(this.maxDepth * 9);
    const fp0 = vm.mem.baseNumber + vm.stackTopOffset;
    this.fpLo = fp0 % TWO32 | 0;
    this.fpHi = Math.floor(fp0 / TWO32) | 0;
    this.M8 = vm.mem.bytes;
    this.M32 = new Int32Array(vm.mem.memory.buffer);
    this.DV = vm.mem.view;
  }

  /** Number of slots of the program. */
  get length(): number {
    return this.p.length;
  }

  /**
   * The program's invalid instructions, by slot (unknown opcodes, bad registers or selectors,
   * jumps outside the program or into an `lddw`). A run faults only if it reaches one; a loader
   * that wants uBPF's load-time validation refuses the program when this is not empty.
   */
  invalidInstructions(): ReadonlyMap<number, string> {
    return this.p.errors;
  }

  /**
   * Runs once with r1, r2 (r1 is usually the context address). Returns r0, unsigned.
   * @throws `VmError` `VM_FAULT` (bad access, bad instruction, call depth), `VM_BUDGET`
   * (budget exhausted) or `HELPER` (a helper threw); the VM stays usable.
   */
  run(r1: bigint | number = 0n, r2: bigint | number = 0n): bigint {
    this.setArg(1, r1);
    this.setArg(2, r2);
    this.exec();
    return I64.toU64(this.R[0]!, this.R[1]!);
  }

  /**
   * Fast path: r1/r2 as non-negative Numbers below 2^53; returns the low 32 bits of r0,
   * unsigned. Same errors as {@link run}.
   */
  runLow32(r1: number, r2: number): number {
    const R = this.R;
    R[2] = r1 % TWO32 | 0;
    R[3] = Math.floor(r1 / TWO32) | 0;
    R[4] = r2 % TWO32 | 0;
    R[5] = Math.floor(r2 / TWO32) | 0;
    this.exec();
    return R[0]! >>> 0;
  }

  /** r`i` after the last run, unsigned (r0 is the result). */
  register(i: number): bigint {
    return I64.toU64(this.R[2 * i]!, this.R[2 * i + 1]!);
  }

  private setArg(i: number, v: bigint | number): void {
    if (typeof v === 'number') I64.fromNumber(v);
    else I64.fromBig(v);
    this.R[2 * i] = I64.out[0]!;
    this.R[2 * i + 1] = I64.out[1]!;
  }

  /** The run loop. Registers r1/r2 are set by the caller; r0, r3..r9 start at 0. */
  private exec(): void {
    const R = this.R;
    const M8 = this.M8;
    const M32 = this.M32;
    const DV = this.DV;
    const { w: W, off: OFF, imm: IMM, jt: JT } = this.p;
    let w = 0;
    const guard = this.guard;
    const budget = this.budget;
    const base = this.vm.mem.baseNumber;
    const frames = this.frames;
    const maxDepth = this.maxDepth;
    const oracle = guard.oracle;
    const stackTop = this.vm.stackTopOffset;
    const stackRegion = this.vm.stack;

    // r0, r3..r9 = 0; r10 = top of frame 0.
    R[0] = 0; R[1] = 0; R[6] = 0; R[7] = 0; R[8] = 0; R[9] = 0; R[10] = 0; R[11] = 0;
    R[12] = 0; R[13] = 0; R[14] = 0; R[15] = 0; R[16] = 0; R[17] = 0; R[18] = 0; R[19] = 0;
    const fp0 = base + stackTop;
    R[20] = this.fpLo;
    R[21] = this.fpHi;

    // Windows of memory known to be accessible: the stack (frame, in oracle mode), and the last
    // region read and written.
    let sLo = oracle ? stackTop - STACK_SIZE : stackRegion.offset;
    let sHi = stackTop;
    let rLo = 0, rHi = 0, wLo = 0, wHi = 0;
    const win = this.win;
    if (win[4] === this.vm.mem.releases) { rLo = win[0]!; rHi = win[1]!; wLo = win[2]!; wHi = win[3]!; }

    let pc = 0;
    let steps = 0;
    let depth = 0;
    let a = 0, x = 0, y = 0, lo = 0, hi = 0, k = 0, n = 0;

    try {
      for (;;) {
        steps++;
        w = W[pc]!;
        switch (w & 511) {
          // ---- ALU (32-bit; results zero-extended) -----------------------------------------
          case 0x04: x = ((w >>> 9) & 31); R[x] = (R[x]! + IMM[pc]!) | 0; R[x + 1] = 0; pc++; continue;
          case 0x0c: x = ((w >>> 9) & 31); R[x] = (R[x]! + R[(w >>> 14)]!) | 0; R[x + 1] = 0; pc++; continue;
          case 0x14: x = ((w >>> 9) & 31); R[x] = (R[x]! - IMM[pc]!) | 0; R[x + 1] = 0; pc++; continue;
          case 0x1c: x = ((w >>> 9) & 31); R[x] = (R[x]! - R[(w >>> 14)]!) | 0; R[x + 1] = 0; pc++; continue;
          case 0x24: x = ((w >>> 9) & 31); R[x] = Math.imul(R[x]!, IMM[pc]!); R[x + 1] = 0; pc++; continue;
          case 0x2c: x = ((w >>> 9) & 31); R[x] = Math.imul(R[x]!, R[(w >>> 14)]!); R[x + 1] = 0; pc++; continue;
          case 0x34: x = ((w >>> 9) & 31); R[x] = I64.udiv32(R[x]!, IMM[pc]!); R[x + 1] = 0; pc++; continue;
          case 0x3c: x = ((w >>> 9) & 31); R[x] = I64.udiv32(R[x]!, R[(w >>> 14)]!); R[x + 1] = 0; pc++; continue;
          case 0x44: x = ((w >>> 9) & 31); R[x] = R[x]! | IMM[pc]!; R[x + 1] = 0; pc++; continue;
          case 0x4c: x = ((w >>> 9) & 31); R[x] = R[x]! | R[(w >>> 14)]!; R[x + 1] = 0; pc++; continue;
          case 0x54: x = ((w >>> 9) & 31); R[x] = R[x]! & IMM[pc]!; R[x + 1] = 0; pc++; continue;
          case 0x5c: x = ((w >>> 9) & 31); R[x] = R[x]! & R[(w >>> 14)]!; R[x + 1] = 0; pc++; continue;
          case 0x64: x = ((w >>> 9) & 31); R[x] = R[x]! << (IMM[pc]! & 31); R[x + 1] = 0; pc++; continue;
          case 0x6c: x = ((w >>> 9) & 31); R[x] = R[x]! << (R[(w >>> 14)]! & 31); R[x + 1] = 0; pc++; continue;
          case 0x74: x = ((w >>> 9) & 31); R[x] = R[x]! >>> (IMM[pc]! & 31); R[x + 1] = 0; pc++; continue;
          case 0x7c: x = ((w >>> 9) & 31); R[x] = R[x]! >>> (R[(w >>> 14)]! & 31); R[x + 1] = 0; pc++; continue;
          case 0x84: x = ((w >>> 9) & 31); R[x] = -R[x]! | 0; R[x + 1] = 0; pc++; continue;
          case 0x94: x = ((w >>> 9) & 31); R[x] = I64.umod32(R[x]!, IMM[pc]!); R[x + 1] = 0; pc++; continue;
          case 0x9c: x = ((w >>> 9) & 31); R[x] = I64.umod32(R[x]!, R[(w >>> 14)]!); R[x + 1] = 0; pc++; continue;
          case 0xa4: x = ((w >>> 9) & 31); R[x] = R[x]! ^ IMM[pc]!; R[x + 1] = 0; pc++; continue;
          case 0xac: x = ((w >>> 9) & 31); R[x] = R[x]! ^ R[(w >>> 14)]!; R[x + 1] = 0; pc++; continue;
          case 0xb4: x = ((w >>> 9) & 31); R[x] = IMM[pc]!; R[x + 1] = 0; pc++; continue;
          case 0xbc: x = ((w >>> 9) & 31); R[x] = R[(w >>> 14)]!; R[x + 1] = 0; pc++; continue;
          case 0xc4: x = ((w >>> 9) & 31); R[x] = R[x]! >> (IMM[pc]! & 31); R[x + 1] = 0; pc++; continue;
          case 0xcc: x = ((w >>> 9) & 31); R[x] = R[x]! >> (R[(w >>> 14)]! & 31); R[x + 1] = 0; pc++; continue;
          case 0x100: x = ((w >>> 9) & 31); R[x] = I64.sdiv32(R[x]!, IMM[pc]!); R[x + 1] = 0; pc++; continue;
          case 0x101: x = ((w >>> 9) & 31); R[x] = I64.sdiv32(R[x]!, R[(w >>> 14)]!); R[x + 1] = 0; pc++; continue;
          case 0x102: x = ((w >>> 9) & 31); R[x] = I64.smod32(R[x]!, IMM[pc]!); R[x + 1] = 0; pc++; continue;
          case 0x103: x = ((w >>> 9) & 31); R[x] = I64.smod32(R[x]!, R[(w >>> 14)]!); R[x + 1] = 0; pc++; continue;
          case 0x108: x = ((w >>> 9) & 31); R[x] = (R[(w >>> 14)]! << 24) >> 24; R[x + 1] = 0; pc++; continue;
          case 0x109: x = ((w >>> 9) & 31); R[x] = (R[(w >>> 14)]! << 16) >> 16; R[x + 1] = 0; pc++; continue;

          // ---- ALU64 ---------------------------------------------------------------------------
          case 0x07: // add imm
            x = ((w >>> 9) & 31); k = IMM[pc]!;
            a = (R[x]! >>> 0) + (k >>> 0);
            R[x + 1] = (R[x + 1]! + (k >> 31) + (a > 0xffffffff ? 1 : 0)) | 0;
            R[x] = a | 0; pc++; continue;
          case 0x0f: // add reg
            x = ((w >>> 9) & 31); y = (w >>> 14);
            a = (R[x]! >>> 0) + (R[y]! >>> 0);
            R[x + 1] = (R[x + 1]! + R[y + 1]! + (a > 0xffffffff ? 1 : 0)) | 0;
            R[x] = a | 0; pc++; continue;
          case 0x17: // sub imm
            x = ((w >>> 9) & 31); k = IMM[pc]!;
            a = (R[x]! >>> 0) - (k >>> 0);
            R[x + 1] = (R[x + 1]! - (k >> 31) - (a < 0 ? 1 : 0)) | 0;
            R[x] = a | 0; pc++; continue;
          case 0x1f: // sub reg
            x = ((w >>> 9) & 31); y = (w >>> 14);
            a = (R[x]! >>> 0) - (R[y]! >>> 0);
            R[x + 1] = (R[x + 1]! - R[y + 1]! - (a < 0 ? 1 : 0)) | 0;
            R[x] = a | 0; pc++; continue;
          case 0x27: x = ((w >>> 9) & 31); k = IMM[pc]!; I64.mul64(R[x]!, R[x + 1]!, k, k >> 31); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x2f: x = ((w >>> 9) & 31); y = (w >>> 14); I64.mul64(R[x]!, R[x + 1]!, R[y]!, R[y + 1]!); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x37: x = ((w >>> 9) & 31); k = IMM[pc]!; I64.udiv64(R[x]!, R[x + 1]!, k, k >> 31); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x3f: x = ((w >>> 9) & 31); y = (w >>> 14); I64.udiv64(R[x]!, R[x + 1]!, R[y]!, R[y + 1]!); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x97: x = ((w >>> 9) & 31); k = IMM[pc]!; I64.umod64(R[x]!, R[x + 1]!, k, k >> 31); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x9f: x = ((w >>> 9) & 31); y = (w >>> 14); I64.umod64(R[x]!, R[x + 1]!, R[y]!, R[y + 1]!); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x104: x = ((w >>> 9) & 31); k = IMM[pc]!; I64.sdiv64(R[x]!, R[x + 1]!, k, k >> 31); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x105: x = ((w >>> 9) & 31); y = (w >>> 14); I64.sdiv64(R[x]!, R[x + 1]!, R[y]!, R[y + 1]!); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x106: x = ((w >>> 9) & 31); k = IMM[pc]!; I64.smod64(R[x]!, R[x + 1]!, k, k >> 31); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x107: x = ((w >>> 9) & 31); y = (w >>> 14); I64.smod64(R[x]!, R[x + 1]!, R[y]!, R[y + 1]!); R[x] = I64.out[0]!; R[x + 1] = I64.out[1]!; pc++; continue;
          case 0x47: x = ((w >>> 9) & 31); k = IMM[pc]!; R[x] = R[x]! | k; R[x + 1] = R[x + 1]! | (k >> 31); pc++; continue;
          case 0x4f: x = ((w >>> 9) & 31); y = (w >>> 14); R[x] = R[x]! | R[y]!; R[x + 1] = R[x + 1]! | R[y + 1]!; pc++; continue;
          case 0x57: x = ((w >>> 9) & 31); k = IMM[pc]!; R[x] = R[x]! & k; R[x + 1] = R[x + 1]! & (k >> 31); pc++; continue;
          case 0x5f: x = ((w >>> 9) & 31); y = (w >>> 14); R[x] = R[x]! & R[y]!; R[x + 1] = R[x + 1]! & R[y + 1]!; pc++; continue;
          case 0xa7: x = ((w >>> 9) & 31); k = IMM[pc]!; R[x] = R[x]! ^ k; R[x + 1] = R[x + 1]! ^ (k >> 31); pc++; continue;
          case 0xaf: x = ((w >>> 9) & 31); y = (w >>> 14); R[x] = R[x]! ^ R[y]!; R[x + 1] = R[x + 1]! ^ R[y + 1]!; pc++; continue;
          case 0xb7: x = ((w >>> 9) & 31); k = IMM[pc]!; R[x] = k; R[x + 1] = k >> 31; pc++; continue;
          case 0xbf: x = ((w >>> 9) & 31); y = (w >>> 14); R[x] = R[y]!; R[x + 1] = R[y + 1]!; pc++; continue;
          case 0x10a: x = ((w >>> 9) & 31); lo = (R[(w >>> 14)]! << 24) >> 24; R[x] = lo; R[x + 1] = lo >> 31; pc++; continue;
          case 0x10b: x = ((w >>> 9) & 31); lo = (R[(w >>> 14)]! << 16) >> 16; R[x] = lo; R[x + 1] = lo >> 31; pc++; continue;
          case 0x10c: x = ((w >>> 9) & 31); lo = R[(w >>> 14)]!; R[x] = lo; R[x + 1] = lo >> 31; pc++; continue;
          case 0x87: // neg
            x = ((w >>> 9) & 31); lo = R[x]!;
            R[x + 1] = (lo === 0 ? -R[x + 1]! : ~R[x + 1]!) | 0;
            R[x] = -lo | 0; pc++; continue;
          // 64-bit shifts by an immediate: predecode selected by-1..31 (these opcodes), by-32..63
          // (the _HI ops, imm reduced by 32) and by-0 (NOP).
          case 0x67: n = IMM[pc]!; x = ((w >>> 9) & 31); // lsh
            R[x + 1] = (R[x + 1]! << n) | (R[x]! >>> (32 - n)); R[x] = R[x]! << n; pc++; continue;
          case 0x12d: x = ((w >>> 9) & 31); R[x + 1] = R[x]! << IMM[pc]!; R[x] = 0; pc++; continue;
          case 0x77: n = IMM[pc]!; x = ((w >>> 9) & 31); // rsh
            R[x] = (R[x]! >>> n) | (R[x + 1]! << (32 - n)); R[x + 1] = R[x + 1]! >>> n; pc++; continue;
          case 0x12e: x = ((w >>> 9) & 31); R[x] = R[x + 1]! >>> IMM[pc]!; R[x + 1] = 0; pc++; continue;
          case 0xc7: n = IMM[pc]!; x = ((w >>> 9) & 31); // arsh
            R[x] = (R[x]! >>> n) | (R[x + 1]! << (32 - n)); R[x + 1] = R[x + 1]! >> n; pc++; continue;
          case 0x12f: x = ((w >>> 9) & 31); R[x] = R[x + 1]! >> IMM[pc]!; R[x + 1] = R[x + 1]! >> 31; pc++; continue;
          case 0x130: pc++; continue;
          case 0x6f: n = R[(w >>> 14)]! & 63; x = ((w >>> 9) & 31);
            if (n === 0) { pc++; continue; }
            if (n < 32) { R[x + 1] = (R[x + 1]! << n) | (R[x]! >>> (32 - n)); R[x] = R[x]! << n; }
            else { R[x + 1] = R[x]! << (n - 32); R[x] = 0; }
            pc++; continue;
          case 0x7f: n = R[(w >>> 14)]! & 63; x = ((w >>> 9) & 31);
            if (n === 0) { pc++; continue; }
            if (n < 32) { R[x] = (R[x]! >>> n) | (R[x + 1]! << (32 - n)); R[x + 1] = R[x + 1]! >>> n; }
            else { R[x] = R[x + 1]! >>> (n - 32); R[x + 1] = 0; }
            pc++; continue;
          case 0xcf: n = R[(w >>> 14)]! & 63; x = ((w >>> 9) & 31);
            if (n === 0) { pc++; continue; }
            if (n < 32) { R[x] = (R[x]! >>> n) | (R[x + 1]! << (32 - n)); R[x + 1] = R[x + 1]! >> n; }
            else { R[x] = R[x + 1]! >> (n - 32); R[x + 1] = R[x + 1]! >> 31; }
            pc++; continue;

          // ---- byte swaps ----------------------------------------------------------------------
          case 0x10d: x = ((w >>> 9) & 31); R[x] = R[x]! & 0xffff; R[x + 1] = 0; pc++; continue; // le16
          case 0x10e: x = ((w >>> 9) & 31); R[x + 1] = 0; pc++; continue; // le32
          case 0x10f: pc++; continue; // le64 (little-endian model: no-op)
          case 0x110: case 0x113: // be16, bswap16
            x = ((w >>> 9) & 31); lo = R[x]!; R[x] = ((lo & 0xff) << 8) | ((lo >>> 8) & 0xff); R[x + 1] = 0; pc++; continue;
          case 0x111: case 0x114: // be32, bswap32
            x = ((w >>> 9) & 31); lo = R[x]!;
            R[x] = ((lo & 0xff) << 24) | ((lo & 0xff00) << 8) | ((lo >>> 8) & 0xff00) | (lo >>> 24);
            R[x + 1] = 0; pc++; continue;
          case 0x112: case 0x115: // be64, bswap64
            x = ((w >>> 9) & 31); lo = R[x]!; hi = R[x + 1]!;
            R[x] = ((hi & 0xff) << 24) | ((hi & 0xff00) << 8) | ((hi >>> 8) & 0xff00) | (hi >>> 24);
            R[x + 1] = ((lo & 0xff) << 24) | ((lo & 0xff00) << 8) | ((lo >>> 8) & 0xff00) | (lo >>> 24);
            pc++; continue;

          // ---- lddw ----------------------------------------------------------------------------
          case 0x18: x = ((w >>> 9) & 31); R[x] = IMM[pc]!; R[x + 1] = IMM[pc + 1]!; pc += 2; continue;

          // ---- loads ---------------------------------------------------------------------------
          case 0x61: y = (w >>> 14); a = R[y + 1]! * TWO32 + (R[y]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 4 > sHi) && (a < rLo || a + 4 > rHi)) { guard.resolve(a, 4, false, pc); rLo = guard.lo; rHi = guard.hi; }
            x = ((w >>> 9) & 31); R[x] = DV.getInt32(a, true); R[x + 1] = 0; pc++; continue;
          case 0x69: y = (w >>> 14); a = R[y + 1]! * TWO32 + (R[y]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 2 > sHi) && (a < rLo || a + 2 > rHi)) { guard.resolve(a, 2, false, pc); rLo = guard.lo; rHi = guard.hi; }
            x = ((w >>> 9) & 31); R[x] = DV.getUint16(a, true); R[x + 1] = 0; pc++; continue;
          case 0x71: y = (w >>> 14); a = R[y + 1]! * TWO32 + (R[y]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 1 > sHi) && (a < rLo || a + 1 > rHi)) { guard.resolve(a, 1, false, pc); rLo = guard.lo; rHi = guard.hi; }
            x = ((w >>> 9) & 31); R[x] = M8[a]!; R[x + 1] = 0; pc++; continue;
          case 0x79: y = (w >>> 14); a = R[y + 1]! * TWO32 + (R[y]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 8 > sHi) && (a < rLo || a + 8 > rHi)) { guard.resolve(a, 8, false, pc); rLo = guard.lo; rHi = guard.hi; }
            x = ((w >>> 9) & 31); R[x] = DV.getInt32(a, true); R[x + 1] = DV.getInt32(a + 4, true); pc++; continue;
          case 0x81: y = (w >>> 14); a = R[y + 1]! * TWO32 + (R[y]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 4 > sHi) && (a < rLo || a + 4 > rHi)) { guard.resolve(a, 4, false, pc); rLo = guard.lo; rHi = guard.hi; }
            x = ((w >>> 9) & 31); lo = DV.getInt32(a, true); R[x] = lo; R[x + 1] = lo >> 31; pc++; continue;
          case 0x89: y = (w >>> 14); a = R[y + 1]! * TWO32 + (R[y]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 2 > sHi) && (a < rLo || a + 2 > rHi)) { guard.resolve(a, 2, false, pc); rLo = guard.lo; rHi = guard.hi; }
            x = ((w >>> 9) & 31); lo = DV.getInt16(a, true); R[x] = lo; R[x + 1] = lo >> 31; pc++; continue;
          case 0x91: y = (w >>> 14); a = R[y + 1]! * TWO32 + (R[y]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 1 > sHi) && (a < rLo || a + 1 > rHi)) { guard.resolve(a, 1, false, pc); rLo = guard.lo; rHi = guard.hi; }
            x = ((w >>> 9) & 31); lo = DV.getInt8(a); R[x] = lo; R[x + 1] = lo >> 31; pc++; continue;

          // ---- stores (register) ---------------------------------------------------------------
          case 0x63: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 4 > sHi) && (a < wLo || a + 4 > wHi)) { guard.resolve(a, 4, true, pc); wLo = guard.lo; wHi = guard.hi; }
            DV.setInt32(a, R[(w >>> 14)]!, true); pc++; continue;
          case 0x6b: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 2 > sHi) && (a < wLo || a + 2 > wHi)) { guard.resolve(a, 2, true, pc); wLo = guard.lo; wHi = guard.hi; }
            DV.setInt16(a, R[(w >>> 14)]!, true); pc++; continue;
          case 0x73: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 1 > sHi) && (a < wLo || a + 1 > wHi)) { guard.resolve(a, 1, true, pc); wLo = guard.lo; wHi = guard.hi; }
            M8[a] = R[(w >>> 14)]!; pc++; continue;
          case 0x7b: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 8 > sHi) && (a < wLo || a + 8 > wHi)) { guard.resolve(a, 8, true, pc); wLo = guard.lo; wHi = guard.hi; }
            y = (w >>> 14); DV.setInt32(a, R[y]!, true); DV.setInt32(a + 4, R[y + 1]!, true); pc++; continue;

          // ---- stores (immediate) --------------------------------------------------------------
          case 0x62: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 4 > sHi) && (a < wLo || a + 4 > wHi)) { guard.resolve(a, 4, true, pc); wLo = guard.lo; wHi = guard.hi; }
            DV.setInt32(a, IMM[pc]!, true); pc++; continue;
          case 0x6a: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 2 > sHi) && (a < wLo || a + 2 > wHi)) { guard.resolve(a, 2, true, pc); wLo = guard.lo; wHi = guard.hi; }
            DV.setInt16(a, IMM[pc]!, true); pc++; continue;
          case 0x72: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 1 > sHi) && (a < wLo || a + 1 > wHi)) { guard.resolve(a, 1, true, pc); wLo = guard.lo; wHi = guard.hi; }
            M8[a] = IMM[pc]!; pc++; continue;
          case 0x7a: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 8 > sHi) && (a < wLo || a + 8 > wHi)) { guard.resolve(a, 8, true, pc); wLo = guard.lo; wHi = guard.hi; }
            k = IMM[pc]!; DV.setInt32(a, k, true); DV.setInt32(a + 4, k >> 31, true); pc++; continue;

          // ---- jumps (64-bit compares) ---------------------------------------------------------
          case 0x05: if (steps > budget) break; pc = JT[pc]!; continue;
          case 0x15: x = ((w >>> 9) & 31); k = IMM[pc]!;
            if (R[x] === k && R[x + 1] === k >> 31) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x1d: x = ((w >>> 9) & 31); y = (w >>> 14);
            if (R[x] === R[y] && R[x + 1] === R[y + 1]) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x55: x = ((w >>> 9) & 31); k = IMM[pc]!;
            if (R[x] !== k || R[x + 1] !== k >> 31) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x5d: x = ((w >>> 9) & 31); y = (w >>> 14);
            if (R[x] !== R[y] || R[x + 1] !== R[y + 1]) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x45: x = ((w >>> 9) & 31); k = IMM[pc]!;
            if ((R[x]! & k) !== 0 || (R[x + 1]! & (k >> 31)) !== 0) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x4d: x = ((w >>> 9) & 31); y = (w >>> 14);
            if ((R[x]! & R[y]!) !== 0 || (R[x + 1]! & R[y + 1]!) !== 0) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x25: x = (w >>> 9) & 31; lo = IMM[pc]!; hi = lo >> 31; // jgt
            if (R[x + 1] !== hi ? (R[x + 1]! >>> 0) > (hi >>> 0) : (R[x]! >>> 0) > (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x2d: x = (w >>> 9) & 31; y = w >>> 14; lo = R[y]!; hi = R[y + 1]!; // jgt reg
            if (R[x + 1] !== hi ? (R[x + 1]! >>> 0) > (hi >>> 0) : (R[x]! >>> 0) > (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x35: x = (w >>> 9) & 31; lo = IMM[pc]!; hi = lo >> 31; // jge
            if (R[x + 1] !== hi ? (R[x + 1]! >>> 0) > (hi >>> 0) : (R[x]! >>> 0) >= (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x3d: x = (w >>> 9) & 31; y = w >>> 14; lo = R[y]!; hi = R[y + 1]!; // jge reg
            if (R[x + 1] !== hi ? (R[x + 1]! >>> 0) > (hi >>> 0) : (R[x]! >>> 0) >= (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0xa5: x = (w >>> 9) & 31; lo = IMM[pc]!; hi = lo >> 31; // jlt
            if (R[x + 1] !== hi ? (R[x + 1]! >>> 0) < (hi >>> 0) : (R[x]! >>> 0) < (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0xad: x = (w >>> 9) & 31; y = w >>> 14; lo = R[y]!; hi = R[y + 1]!; // jlt reg
            if (R[x + 1] !== hi ? (R[x + 1]! >>> 0) < (hi >>> 0) : (R[x]! >>> 0) < (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0xb5: x = (w >>> 9) & 31; lo = IMM[pc]!; hi = lo >> 31; // jle
            if (R[x + 1] !== hi ? (R[x + 1]! >>> 0) < (hi >>> 0) : (R[x]! >>> 0) <= (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0xbd: x = (w >>> 9) & 31; y = w >>> 14; lo = R[y]!; hi = R[y + 1]!; // jle reg
            if (R[x + 1] !== hi ? (R[x + 1]! >>> 0) < (hi >>> 0) : (R[x]! >>> 0) <= (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x65: x = (w >>> 9) & 31; lo = IMM[pc]!; hi = lo >> 31; // jsgt
            if (R[x + 1] !== hi ? R[x + 1]! > hi : (R[x]! >>> 0) > (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x6d: x = (w >>> 9) & 31; y = w >>> 14; lo = R[y]!; hi = R[y + 1]!; // jsgt reg
            if (R[x + 1] !== hi ? R[x + 1]! > hi : (R[x]! >>> 0) > (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x75: x = (w >>> 9) & 31; lo = IMM[pc]!; hi = lo >> 31; // jsge
            if (R[x + 1] !== hi ? R[x + 1]! > hi : (R[x]! >>> 0) >= (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x7d: x = (w >>> 9) & 31; y = w >>> 14; lo = R[y]!; hi = R[y + 1]!; // jsge reg
            if (R[x + 1] !== hi ? R[x + 1]! > hi : (R[x]! >>> 0) >= (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0xc5: x = (w >>> 9) & 31; lo = IMM[pc]!; hi = lo >> 31; // jslt
            if (R[x + 1] !== hi ? R[x + 1]! < hi : (R[x]! >>> 0) < (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0xcd: x = (w >>> 9) & 31; y = w >>> 14; lo = R[y]!; hi = R[y + 1]!; // jslt reg
            if (R[x + 1] !== hi ? R[x + 1]! < hi : (R[x]! >>> 0) < (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0xd5: x = (w >>> 9) & 31; lo = IMM[pc]!; hi = lo >> 31; // jsle
            if (R[x + 1] !== hi ? R[x + 1]! < hi : (R[x]! >>> 0) <= (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0xdd: x = (w >>> 9) & 31; y = w >>> 14; lo = R[y]!; hi = R[y + 1]!; // jsle reg
            if (R[x + 1] !== hi ? R[x + 1]! < hi : (R[x]! >>> 0) <= (lo >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;

          // ---- jumps (32-bit compares) ---------------------------------------------------------
          case 0x06: if (steps > budget) break; pc = JT[pc]!; continue;
          case 0x16: if (R[((w >>> 9) & 31)] === IMM[pc]) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x1e: if (R[((w >>> 9) & 31)] === R[(w >>> 14)]) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x56: if (R[((w >>> 9) & 31)] !== IMM[pc]) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x5e: if (R[((w >>> 9) & 31)] !== R[(w >>> 14)]) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x46: if ((R[((w >>> 9) & 31)]! & IMM[pc]!) !== 0) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x4e: if ((R[((w >>> 9) & 31)]! & R[(w >>> 14)]!) !== 0) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue;
          case 0x26: if ((R[(w >>> 9) & 31]! >>> 0) > (IMM[pc]! >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jgt32
          case 0x2e: if ((R[(w >>> 9) & 31]! >>> 0) > (R[(w >>> 14)]! >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jgt32 reg
          case 0x36: if ((R[(w >>> 9) & 31]! >>> 0) >= (IMM[pc]! >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jge32
          case 0x3e: if ((R[(w >>> 9) & 31]! >>> 0) >= (R[(w >>> 14)]! >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jge32 reg
          case 0xa6: if ((R[(w >>> 9) & 31]! >>> 0) < (IMM[pc]! >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jlt32
          case 0xae: if ((R[(w >>> 9) & 31]! >>> 0) < (R[(w >>> 14)]! >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jlt32 reg
          case 0xb6: if ((R[(w >>> 9) & 31]! >>> 0) <= (IMM[pc]! >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jle32
          case 0xbe: if ((R[(w >>> 9) & 31]! >>> 0) <= (R[(w >>> 14)]! >>> 0)) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jle32 reg
          case 0x66: if (R[(w >>> 9) & 31]! > IMM[pc]!) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jsgt32
          case 0x6e: if (R[(w >>> 9) & 31]! > R[(w >>> 14)]!) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jsgt32 reg
          case 0x76: if (R[(w >>> 9) & 31]! >= IMM[pc]!) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jsge32
          case 0x7e: if (R[(w >>> 9) & 31]! >= R[(w >>> 14)]!) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jsge32 reg
          case 0xc6: if (R[(w >>> 9) & 31]! < IMM[pc]!) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jslt32
          case 0xce: if (R[(w >>> 9) & 31]! < R[(w >>> 14)]!) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jslt32 reg
          case 0xd6: if (R[(w >>> 9) & 31]! <= IMM[pc]!) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jsle32
          case 0xde: if (R[(w >>> 9) & 31]! <= R[(w >>> 14)]!) { if (steps > budget) break; pc = JT[pc]!; } else pc++; continue; // jsle32 reg

          // ---- calls and exit ------------------------------------------------------------------
          case 0x85: // helper call
            if (steps > budget) break;
            if (this.callHelper(IMM[pc]!, pc)) return this.finish(steps, rLo, rHi, wLo, wHi);
            pc++; continue;
          case 0x8d: // callx: the register holds the helper id
            if (steps > budget) break;
            x = ((w >>> 9) & 31);
            if (R[x + 1] !== 0 || this.helperImpls[R[x]!] === undefined) {
              throw guard.fault(pc, `callx to 0x${I64.toU64(R[x]!, R[x + 1]!).toString(16)}, which is not a helper this program may call`);
            }
            if (this.callHelper(R[x]!, pc)) return this.finish(steps, rLo, rHi, wLo, wHi);
            pc++; continue;
          case 0x116: // local call: new frame, r6..r9 saved
            if (steps > budget) break;
            if (depth + 1 >= maxDepth) throw guard.fault(pc, `call depth exceeds ${maxDepth} frames`);
            n = depth * 9;
            for (let i = 0; i < 8; i++) frames[n + i] = R[12 + i]!;
            frames[n + 8] = pc + 1;
            depth++;
            a = fp0 - depth * STACK_SIZE;
            R[20] = a % TWO32 | 0;
            R[21] = Math.floor(a / TWO32) | 0;
            if (oracle) { sHi = stackTop - depth * STACK_SIZE; sLo = sHi - STACK_SIZE; }
            pc = JT[pc]!; continue;
          case 0x95: // exit
            if (depth === 0) return this.finish(steps, rLo, rHi, wLo, wHi);
            depth--;
            n = depth * 9;
            for (let i = 0; i < 8; i++) R[12 + i] = frames[n + i]!;
            pc = frames[n + 8]!;
            a = fp0 - depth * STACK_SIZE;
            R[20] = a % TWO32 | 0;
            R[21] = Math.floor(a / TWO32) | 0;
            if (oracle) { sHi = stackTop - depth * STACK_SIZE; sLo = sHi - STACK_SIZE; }
            continue;

          // ---- atomics -------------------------------------------------------------------------
          case 0x117: case 0x118: case 0x119: case 0x11a: case 0x11b: case 0x11c: case 0x11d: case 0x11e: case 0x11f: case 0x120: {
            x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 4 > sHi) && (a < wLo || a + 4 > wHi)) { guard.resolve(a, 4, true, pc); wLo = guard.lo; wHi = guard.hi; }
            if ((a & 3) !== 0) throw guard.fault(pc, `misaligned atomic access at offset ${a}`);
            atomic32(M32, a >> 2, (w & 511) - 0x117, R, (w >>> 14));
            pc++; continue;
          }
          case 0x121: case 0x122: case 0x123: case 0x124: case 0x125: case 0x126: case 0x127: case 0x128: case 0x129: case 0x12a: {
            x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 8 > sHi) && (a < wLo || a + 8 > wHi)) { guard.resolve(a, 8, true, pc); wLo = guard.lo; wHi = guard.hi; }
            if ((a & 7) !== 0) throw guard.fault(pc, `misaligned atomic access at offset ${a}`);
            atomic64(M32, a >> 2, (w & 511) - 0x121, R, (w >>> 14));
            pc++; continue;
          }
          case 0x12b: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 1 > sHi) && (a < wLo || a + 1 > wHi)) { guard.resolve(a, 1, true, pc); wLo = guard.lo; wHi = guard.hi; }
            M8[a] = M8[a]! + R[(w >>> 14)]!; pc++; continue;
          case 0x12c: x = ((w >>> 9) & 31); a = R[x + 1]! * TWO32 + (R[x]! >>> 0) - base + OFF[pc]!;
            if ((a < sLo || a + 2 > sHi) && (a < wLo || a + 2 > wHi)) { guard.resolve(a, 2, true, pc); wLo = guard.lo; wHi = guard.hi; }
            DV.setUint16(a, DV.getUint16(a, true) + R[(w >>> 14)]!, true); pc++; continue;

          default:
            throw this.badInstruction(pc);
        }
        // Reached only through `break`: the budget is exhausted.
        throw new VmError('VM_BUDGET', `${describeSlot(this.source, pc)}: instruction budget of ${budget} exhausted`, pc);
      }
    } catch (e) {
      this.steps = steps;
      throw e;
    }
  }

  /** Records a finished run: its step count and the windows it found (reused by the next run). */
  private finish(steps: number, rLo: number, rHi: number, wLo: number, wHi: number): void {
    this.steps = steps;
    const win = this.win;
    win[0] = rLo; win[1] = rHi; win[2] = wLo; win[3] = wHi;
    win[4] = this.vm.mem.releases;
  }

  /** Calls helper `id` with r1..r5; r0 = its result. True when the program must end (unwind). */
  private callHelper(id: number, pc: number): boolean {
    const impl = this.helperImpls[id];
    if (impl === undefined) throw this.guard.fault(pc, `call to helper ${id}, which is not a helper this program may call`);
    const R = this.R;
    if (id === TAIL_CALL_ID && this.tailCalls) return this.tailCall(pc);
    const M32 = this.M32;
    const at = this.vm.argsRegion.offset >> 2;
    for (let i = 2; i < 12; i++) M32[at + i] = R[i]!;
    let ret: number | bigint;
    try {
      ret = impl(this.vm.args, this.env);
    } catch (e) {
      const name = this.helperDefs[id]?.name ?? `#${id}`;
      throw new VmError('HELPER', `${describeSlot(this.source, pc)}: helper ${name} failed: ${e instanceof Error ? e.message : String(e)}`, pc, { cause: e });
    }
    if (typeof ret === 'number') {
      if (ret === (ret | 0)) { R[0] = ret; R[1] = ret < 0 ? -1 : 0; }
      else { I64.fromNumber(ret); R[0] = I64.out[0]!; R[1] = I64.out[1]!; }
    } else {
      I64.fromBig(ret); R[0] = I64.out[0]!; R[1] = I64.out[1]!;
    }
    return R[0] === 0 && R[1] === 0 && this.helperDefs[id]!.unwindOnZero === true;
  }

  /**
   * `bpf_tail_call(ctx, prog_array, index)` by the VM's protocol (docs/runtime.md): when the
   * target runs, its r0 ends this run; otherwise r0 = the errno and the program goes on.
   */
  private tailCall(pc: number): boolean {
    const R = this.R;
    const map = I64.toU64(R[4]!, R[5]!);
    const index = R[7] === 0 ? R[6]! >>> 0 : 0xffffffff;
    const r1 = I64.toU64(R[2]!, R[3]!);
    let result;
    try {
      result = this.vm.tailCall(map, index, r1);
    } catch (e) {
      throw new VmError('HELPER', `${describeSlot(this.source, pc)}: bpf_tail_call: ${e instanceof Error ? e.message : String(e)}`, pc, { cause: e });
    }
    I64.fromBig(result.r0);
    R[0] = I64.out[0]!;
    R[1] = I64.out[1]!;
    return result.taken;
  }

  private badInstruction(pc: number): VmError {
    const n = this.p.length;
    if (!(pc >= 0 && pc <= n)) return new VmError('VM_FAULT', `instruction fetch at slot ${pc}, outside the program (0..${n - 1})`, pc);
    const why = this.p.invalid.get(pc) ?? 'invalid instruction';
    if (pc === n) return new VmError('VM_FAULT', why, pc);
    return new VmError('VM_FAULT', `${describeSlot(this.source, pc)}: ${why}`, pc);
  }
}

function isMap(v: unknown): v is ReadonlyMap<number, HelperDef> {
  return v instanceof Map;
}

/**
 * 32-bit atomic `k` (0 add, 1 or, 2 and, 3 xor, 4-7 their fetch forms, 8 xchg, 9 cmpxchg) on
 * the word at `M32[w]`; `s` is the source register × 2.
 */
function atomic32(M32: Int32Array, w: number, k: number, R: Int32Array, s: number): void {
  const old = M32[w]!;
  const v = R[s]!;
  if (k === 9) {
    if (old === R[0]) M32[w] = v;
    R[0] = old; R[1] = 0;
    return;
  }
  if (k === 8) M32[w] = v;
  else {
    switch (k & 3) {
      case 0: M32[w] = (old + v) | 0; break;
      case 1: M32[w] = old | v; break;
      case 2: M32[w] = old & v; break;
      case 3: M32[w] = old ^ v; break;
    }
    if (k < 4) return;
  }
  R[s] = old; R[s + 1] = 0;
}

/** 64-bit form of {@link atomic32} on the words `M32[w]`, `M32[w + 1]`. */
function atomic64(M32: Int32Array, w: number, k: number, R: Int32Array, s: number): void {
  const oLo = M32[w]!;
  const oHi = M32[w + 1]!;
  const vLo = R[s]!;
  const vHi = R[s + 1]!;
  if (k === 8) {
    M32[w] = vLo; M32[w + 1] = vHi;
  } else if (k === 9) {
    if (oLo === R[0] && oHi === R[1]) { M32[w] = vLo; M32[w + 1] = vHi; }
    R[0] = oLo; R[1] = oHi;
    return;
  } else {
    switch (k & 3) {
      case 0: {
        const sum = (oLo >>> 0) + (vLo >>> 0);
        M32[w] = sum | 0;
        M32[w + 1] = (oHi + vHi + (sum > 0xffffffff ? 1 : 0)) | 0;
        break;
      }
      case 1: M32[w] = oLo | vLo; M32[w + 1] = oHi | vHi; break;
      case 2: M32[w] = oLo & vLo; M32[w + 1] = oHi & vHi; break;
      case 3: M32[w] = oLo ^ vLo; M32[w + 1] = oHi ^ vHi; break;
    }
    if (k < 4) return;
  }
  R[s] = oLo; R[s + 1] = oHi;
}
