/**
 * eBPF → x86-64 code generation: one pass over the lowered program per call, run to a fixed
 * point by `fixups.ts`. Registers map one-to-one (see `x86/registers.ts`); 32-bit operations use
 * 32-bit x86 forms so results zero-extend; division, modulo, shifts and atomics follow RFC 9669
 * exactly (no #DE trap, masked shift counts, `lock` prefixes). Helper calls go through one native
 * trampoline (an FFI callback made by `native/call.ts`; this module only needs its address),
 * except helpers emitted inline (`inline-helpers.ts`).
 * It produces bytes only: mapping, protecting and calling them is `native/`'s job.
 */
import { AluOp, AtomicOp, CallSrc, Class, EbpfError, JmpOp, Mode, NotSupportedError, Size, STACK_SIZE } from '@ebpf/core';
import type { LoweredProgram } from '@ebpf/core';
import { converge, type JumpPlanner, type Layout } from './fixups.js';
import { emitInlineHelper, type InlineHelperLayout } from './inline-helpers.js';
import { ALU, CC, SHIFT, X86Writer, type AluKind, type Cond, type Mem, type ShiftKind, type Width } from './x86/encoder.js';
import { BPF_TO_X86, DELTA_REG, SCRATCH, X86, type X86Reg } from './x86/registers.js';

/** Where an array map keeps its values, for the inline `bpf_map_lookup_elem` fast path. */
export interface ArrayMapLayout {
  /** The map pointer (descriptor address) a program passes in r1. */
  readonly address: bigint;
  /** VM address of value 0. */
  readonly values: bigint;
  /** Number of values. */
  readonly maxEntries: number;
  /** Bytes from one value to the next. */
  readonly stride: number;
}

/** Everything the generated code needs to know about where it will run. */
export interface CodegenEnv {
  /** Native address minus VM address; 0 when the VM memory's base is its buffer's real address. */
  readonly delta: bigint;
  /** VM address r10 holds on entry (one past the top of frame 0). */
  readonly stackTop: bigint;
  /** Native address of the VM's helper argument block (r0 slot, then r1..r5). */
  readonly argsNative: bigint;
  /**
   * Native address of the helper trampoline `int32_t (void)` (it reads the helper id and slot
   * from the data words: an FFI callback without arguments is cheaper); non-zero = end the run.
   */
  readonly trampoline: bigint;
  /**
   * Native address of the program's data words (see {@link DATA}): the abort anchor, and r1/r2
   * for the argument-less entry.
   */
  readonly dataNative: bigint;
  /** Helper id of `bpf_map_lookup_elem` and the array maps to inline it for. */
  readonly lookupFastPath?: { readonly helperId: number; readonly maps: readonly ArrayMapLayout[] };
  /**
   * Helpers to emit as native code (`HelperDef.inline`) and the VM layout their range checks
   * need; absent: every helper is called.
   */
  readonly inlineHelpers?: InlineHelperLayout;
  /** One random key per slot: immediates are blinded (`mov r, imm^k; xor r, k`). Absent: no blinding. */
  readonly blindKeys?: Int32Array;
  /**
   * Align loop heads (backward jump targets) to 16 bytes and keep every eBPF jump (with the
   * compare fused to it) inside one 32-byte block, which Intel's JCC-erratum microcode needs to
   * keep loops in the decoded-uop cache. Default true.
   */
  readonly alignBranches?: boolean;
}

/** Byte offsets of the words at {@link CodegenEnv.dataNative}. */
export const DATA = {
  /** rsp of the outermost frame, for the abort path (the prologue saves the old value). */
  ANCHOR: 0,
  /** r1 for the argument-less entry. */
  R1: 8,
  /** r2 for the argument-less entry. */
  R2: 16,
  /** Helper id of the call in progress (u64: `callx` stores its whole register). */
  HELPER_ID: 24,
  /** Slot of the call in progress (u32). */
  HELPER_SLOT: 32,
  /** Bytes used. */
  SIZE: 40,
} as const;

/** The result of code generation. */
export interface NativeCode {
  /** Machine code; entry point at offset 0, System V `uint64_t f(uint64_t r1, uint64_t r2)`. */
  readonly code: Uint8Array;
  /** Code offset of each slot (-1 for the second slot of `lddw`). */
  readonly slotStart: Int32Array;
  /** Code offset of the shared early-return path (after the last instruction's code). */
  readonly abort: number;
  /**
   * Code offset of the argument-less entry `uint64_t f(void)`: loads r1/r2 from the data words
   * and enters at offset 0 (crossing the FFI is cheaper without arguments).
   */
  readonly entryNoArgs: number;
  /** Jump-sizing passes run. */
  readonly passes: number;
}

const R0 = X86.RAX;
const { A: S_A, B: S_B, C: S_C } = SCRATCH;

/** Saved on entry (callee-saved in System V and used here). The count keeps rsp 16-aligned. */
const SAVED: readonly X86Reg[] = [X86.RBP, X86.RBX, X86.R12, X86.R13, X86.R14, X86.R15];
/** eBPF callee-saved registers (r6..r9) preserved across a bpf-to-bpf call. */
const BPF_CALLEE_SAVED: readonly X86Reg[] = [X86.RBX, X86.R13, X86.R14, X86.R15];

const JMP_CC: Record<number, Cond> = {
  [JmpOp.JEQ]: CC.E, [JmpOp.JNE]: CC.NE, [JmpOp.JSET]: CC.NE,
  [JmpOp.JGT]: CC.A, [JmpOp.JGE]: CC.AE, [JmpOp.JLT]: CC.B, [JmpOp.JLE]: CC.BE,
  [JmpOp.JSGT]: CC.G, [JmpOp.JSGE]: CC.GE, [JmpOp.JSLT]: CC.L, [JmpOp.JSLE]: CC.LE,
};

const ALU_KIND: Record<number, AluKind> = {
  [AluOp.ADD]: ALU.ADD, [AluOp.SUB]: ALU.SUB, [AluOp.OR]: ALU.OR, [AluOp.AND]: ALU.AND, [AluOp.XOR]: ALU.XOR,
};

const SHIFT_KIND: Record<number, ShiftKind> = {
  [AluOp.LSH]: SHIFT.SHL, [AluOp.RSH]: SHIFT.SHR, [AluOp.ARSH]: SHIFT.SAR,
};

const ATOMIC_ALU: Record<number, AluKind> = {
  [AtomicOp.ADD]: ALU.ADD, [AtomicOp.OR]: ALU.OR, [AtomicOp.AND]: ALU.AND, [AtomicOp.XOR]: ALU.XOR,
};

/**
 * The function each slot belongs to (0 = main), from the function starts (`funcStarts[0]` = 0);
 * -1 marks the second slot of `lddw`, which no jump may target. Exits in function 0 return to
 * the native caller; others return to their bpf-to-bpf caller.
 */
function funcIndexBySlot(p: LoweredProgram, funcStarts: readonly number[]): Int32Array {
  const out = new Int32Array(p.length);
  const starts = [...funcStarts].sort((a, b) => a - b);
  let f = 0;
  for (let pc = 0; pc < p.length; pc++) {
    while (f + 1 < starts.length && starts[f + 1]! <= pc) f++;
    out[pc] = f;
    if (p.code[pc] === 0x18 && pc + 1 < p.length) out[++pc] = -1;
  }
  return out;
}

/** Marks the slots some jump goes back to (loop heads). */
function backwardTargets(p: LoweredProgram): Uint8Array {
  const out = new Uint8Array(p.length);
  for (let pc = 0; pc < p.length; pc++) {
    const code = p.code[pc]!;
    const cls = code & 0x07;
    const op = code & 0xf0;
    if ((cls === Class.JMP || cls === Class.JMP32) && op !== JmpOp.CALL && op !== JmpOp.EXIT) {
      const rel = code === 0x06 ? p.imm[pc]! : p.off[pc]!;
      const t = pc + rel + 1;
      if (t <= pc && t >= 0) out[t] = 1;
    }
    if (code === 0x18) pc++;
  }
  return out;
}

/** True when bytes [start, end) cross or end on a 32-byte boundary (the JCC erratum's condition). */
function crosses32(start: number, end: number): boolean {
  return start >> 5 !== (end - 1) >> 5 || (end & 31) === 0;
}

/** Function start slots implied by local calls (slot 0 first). */
export function localCallTargets(p: LoweredProgram): number[] {
  const starts = new Set<number>([0]);
  for (let pc = 0; pc < p.length; pc++) {
    if (p.code[pc] === 0x85 && p.src[pc] === CallSrc.LOCAL) starts.add(pc + p.imm[pc]! + 1);
    if (p.code[pc] === 0x18) pc++;
  }
  return [...starts].sort((a, b) => a - b);
}

/**
 * Generates x86-64 code for a lowered program.
 * @param funcStarts first slot of each function (main first); defaults to the local call targets.
 * @throws {@link @ebpf/core!NotSupportedError} for instructions this JIT does not compile (legacy packet
 * loads, kfunc calls); {@link @ebpf/core!EbpfError} (`ENCODE`) for malformed instructions.
 */
export function generate(p: LoweredProgram, env: CodegenEnv, funcStarts: readonly number[] = localCallTargets(p)): NativeCode {
  const funcOf = funcIndexBySlot(p, funcStarts);
  const loopHeads = env.alignBranches === false ? new Uint8Array(p.length) : backwardTargets(p);
  const { result, passes } = converge((planner) => new Pass(p, env, funcOf, loopHeads, planner).run());
  return { code: result.code, slotStart: result.layout.slotStart, abort: result.layout.abort, entryNoArgs: result.entryNoArgs, passes };
}

/** One code generation pass. */
class Pass {
  private readonly w = new X86Writer();
  private readonly slotStart: Int32Array;
  private readonly prev: Layout | undefined;
  private pc = 0;
  private insnStart = 0;

  constructor(
    private readonly p: LoweredProgram,
    private readonly env: CodegenEnv,
    private readonly funcOf: Int32Array,
    private readonly loopHeads: Uint8Array,
    private readonly planner: JumpPlanner,
  ) {
    this.slotStart = new Int32Array(p.length).fill(-1);
    this.prev = planner.previous;
  }

  run(): { code: Uint8Array; layout: Layout; entryNoArgs: number } {
    this.prologue();
    const p = this.p;
    for (let pc = 0; pc < p.length; pc++) {
      this.pc = pc;
      if (this.loopHeads[pc]) this.w.alignTo(16);
      this.insnStart = this.w.length;
      this.slotStart[pc] = this.w.length;
      this.insn(pc);
      if (p.code[pc] === 0x18) pc++;
    }
    const abort = this.w.length;
    this.abortPath();
    const entryNoArgs = this.w.length;
    this.entryStub();
    return { code: this.w.bytes(), layout: { slotStart: this.slotStart, abort, size: this.w.length }, entryNoArgs };
  }

  // ---- operands -------------------------------------------------------------------------

  private reg(r: number): X86Reg {
    const x = BPF_TO_X86[r];
    if (x === undefined) throw this.bad(`register r${r}`);
    return x;
  }

  /** `[reg + off]` in VM memory, plus r12 when VM addresses are not native addresses. */
  private mem(r: number, off: number): Mem {
    return this.env.delta === 0n ? { base: this.reg(r), disp: off } : { base: this.reg(r), index: DELTA_REG, disp: off };
  }

  /** Where the current write position sits in the previous layout. */
  private fromPrev(): number {
    return this.prev ? this.prev.slotStart[this.pc]! + (this.w.length - this.insnStart) : 0;
  }

  private target(slot: number): number {
    if (slot < 0 || slot >= this.p.length || this.funcOf[slot]! < 0) throw this.bad(`jump target ${slot}`);
    return this.prev ? this.prev.slotStart[slot]! : 0;
  }

  private bad(what: string): EbpfError {
    return new EbpfError('ENCODE', `jit-x86_64: insn ${this.pc}: bad ${what} (opcode 0x${this.p.code[this.pc]!.toString(16).padStart(2, '0')})`);
  }

  /**
   * The immediate of the current slot in a register when blinding is on (`r11 = imm`, sign-
   * extended at 64 bits), else undefined: callers then use an immediate form.
   */
  private blindedImm(width: 32 | 64): X86Reg | undefined {
    const keys = this.env.blindKeys;
    if (!keys) return undefined;
    this.loadImm(S_C, width, this.p.imm[this.pc]!);
    return S_C;
  }

  /** `r = imm` (sign-extended to 64 bits at width 64, zero-extended at 32), blinded if enabled. */
  private loadImm(r: X86Reg, width: 32 | 64, imm: number): void {
    const keys = this.env.blindKeys;
    if (keys) {
      const k = keys[this.pc]!;
      if (width === 64) this.w.movImmSext(r, imm ^ k);
      else this.w.movImm32(r, (imm ^ k) >>> 0);
      this.w.aluImm(ALU.XOR, width, r, k);
    } else if (width === 64) {
      this.w.movConst(r, BigInt(imm));
    } else {
      this.w.movConst(r, BigInt(imm >>> 0));
    }
  }

  // ---- frame ----------------------------------------------------------------------------

  /**
   * Saves the callee-saved registers, pushes the anchor slot's old value (a tail call can run
   * this same program nested; the push also realigns rsp to 16) and stores rsp in the anchor.
   */
  private prologue(): void {
    const w = this.w;
    for (const r of SAVED) w.push(r);
    w.movAbs(S_C, this.env.dataNative);
    w.rmInsn([0xff], 6, { base: S_C, disp: 0 }); // push qword [r11]
    w.mov(64, { base: S_C, disp: 0 }, X86.RSP);
    w.movConst(X86.RBP, this.env.stackTop);
    if (this.env.delta !== 0n) w.movAbs(DELTA_REG, this.env.delta);
    // r1/r2 arrived in rdi/rsi; start every other eBPF register at 0, as the interpreter does.
    for (const r of [X86.RAX, X86.RDX, X86.RCX, X86.R8, X86.RBX, X86.R13, X86.R14, X86.R15] as const) w.alu(ALU.XOR, 32, r, r);
  }

  /** Restores the anchor slot and the callee-saved registers; returns rax. */
  private epilogue(): void {
    const w = this.w;
    w.movAbs(S_C, this.env.dataNative);
    w.rmInsn([0x8f], 0, { base: S_C, disp: 0 }); // pop qword [r11]
    for (let i = SAVED.length - 1; i >= 0; i--) w.pop(SAVED[i]!);
    w.ret();
  }

  /**
   * The run ends early (a helper failed, a tail call was taken, an unwind helper returned 0):
   * drop every bpf-to-bpf frame and return the argument block's r0 slot.
   */
  private abortPath(): void {
    const w = this.w;
    w.movAbs(S_C, this.env.dataNative);
    w.rmInsn([0x8b], X86.RSP, { base: S_C, disp: 0 }, { w: true });
    w.movAbs(S_C, this.env.argsNative);
    w.rmInsn([0x8b], R0, { base: S_C, disp: 0 }, { w: true });
    this.epilogue();
  }

  /** `uint64_t f(void)`: r1/r2 from the data words, then the real entry at offset 0. */
  private entryStub(): void {
    const w = this.w;
    w.movAbs(S_C, this.env.dataNative);
    w.rmInsn([0x8b], X86.RDI, { base: S_C, disp: DATA.R1 }, { w: true });
    w.rmInsn([0x8b], X86.RSI, { base: S_C, disp: DATA.R2 }, { w: true });
    w.jmpRel32(-(w.length + 5));
  }

  // ---- instructions ---------------------------------------------------------------------

  private insn(pc: number): void {
    const code = this.p.code[pc]!;
    switch (code & 0x07) {
      case Class.ALU: return this.alu(code, 32);
      case Class.ALU64: return this.alu(code, 64);
      case Class.JMP: return this.jmp(code, 64);
      case Class.JMP32: return this.jmp(code, 32);
      case Class.LDX: return this.ldx(code);
      case Class.ST: return this.st(code);
      case Class.STX: return this.stx(code);
      default: return this.ld(code);
    }
  }

  private alu(code: number, width: 32 | 64): void {
    const w = this.w;
    const p = this.p;
    const pc = this.pc;
    const op = code & 0xf0;
    const isX = (code & 0x08) !== 0;
    const d = this.reg(p.dst[pc]!);
    const imm = p.imm[pc]!;
    const off = p.off[pc]!;
    switch (op) {
      case AluOp.ADD: case AluOp.SUB: case AluOp.OR: case AluOp.AND: case AluOp.XOR: {
        const kind = ALU_KIND[op]!;
        const s = isX ? this.reg(p.src[pc]!) : this.blindedImm(width);
        if (s !== undefined) w.alu(kind, width, d, s);
        else w.aluImm(kind, width, d, imm);
        return;
      }
      case AluOp.MUL: {
        const s = isX ? this.reg(p.src[pc]!) : this.blindedImm(width);
        if (s !== undefined) w.imul(width, d, s);
        else w.imulImm(width, d, d, imm);
        return;
      }
      case AluOp.DIV: case AluOp.MOD:
        if (off !== 0 && off !== 1) throw this.bad(`offset ${off}`);
        return this.divMod(width, d, op === AluOp.MOD, off === 1, isX);
      case AluOp.LSH: case AluOp.RSH: case AluOp.ARSH:
        return this.shift(SHIFT_KIND[op]!, width, d, isX);
      case AluOp.NEG:
        w.neg(width, d);
        return;
      case AluOp.MOV:
        return this.mov(width, d, isX, off);
      case AluOp.END:
        return this.endian(width, d, isX, imm);
      default:
        throw this.bad('ALU operation');
    }
  }

  private mov(width: 32 | 64, d: X86Reg, isX: boolean, off: number): void {
    const w = this.w;
    const pc = this.pc;
    if (!isX) {
      if (off !== 0) throw this.bad(`offset ${off}`);
      this.loadImm(d, width, this.p.imm[pc]!);
      return;
    }
    const s = this.reg(this.p.src[pc]!);
    if (off === 0) w.mov(width, d, s); // 32-bit mov zero-extends, even when d == s
    else if (off === 8 || off === 16) w.movsx(width, d, s, off);
    else if (off === 32 && width === 64) w.movsx(64, d, s, 32);
    else throw this.bad(`movsx offset ${off}`);
  }

  private endian(width: 32 | 64, d: X86Reg, isX: boolean, imm: number): void {
    const w = this.w;
    // ALU64 END is the unconditional bswap; ALU END with the X bit is "to big endian" (swap on
    // this little-endian host); ALU END without it is "to little endian" (truncate only).
    const swap = width === 64 || isX;
    if (imm === 16) {
      if (swap) w.shiftImm(SHIFT.ROL, 16, d, 8);
      w.movzx(d, d, 16);
    } else if (imm === 32) {
      if (swap) w.bswap(32, d);
      else w.mov(32, d, d);
    } else if (imm === 64) {
      if (swap) w.bswap(64, d);
    } else {
      throw this.bad(`byte swap width ${imm}`);
    }
  }

  private shift(kind: ShiftKind, width: 32 | 64, d: X86Reg, isX: boolean): void {
    const w = this.w;
    if (!isX) {
      const n = this.p.imm[this.pc]! & (width - 1);
      if (n !== 0) w.shiftImm(kind, width, d, n);
      else if (width === 32) w.mov(32, d, d);
      return;
    }
    const s = this.reg(this.p.src[this.pc]!);
    const RCX = X86.RCX;
    if (s === RCX) {
      w.shiftCl(kind, width, d);
    } else if (d === RCX) {
      w.mov(64, S_C, RCX);
      w.mov(64, RCX, s);
      w.shiftCl(kind, width, S_C);
      w.mov(64, RCX, S_C);
    } else {
      w.mov(64, S_C, RCX);
      w.mov(64, RCX, s);
      w.shiftCl(kind, width, d);
      w.mov(64, RCX, S_C);
    }
    // A 32-bit shift by a masked count of 0 may leave the upper half: zero-extend explicitly.
    if (width === 32) w.mov(32, d, d);
  }

  /**
   * div/mod/sdiv/smod: the divisor goes to r11; zero divisors and (signed) -1 divisors take
   * their RFC 9669 results without executing `div`/`idiv`, so #DE never fires.
   */
  private divMod(width: 32 | 64, d: X86Reg, isMod: boolean, signed: boolean, isX: boolean): void {
    const w = this.w;
    if (isX) w.mov(width, S_C, this.reg(this.p.src[this.pc]!));
    else this.loadImm(S_C, width, this.p.imm[this.pc]!);
    w.test(width, S_C, S_C);
    const toZero = w.jccForward(CC.E);
    let toNegOne = -1;
    if (signed) {
      w.aluImm(ALU.CMP, width, S_C, -1);
      toNegOne = w.jccForward(CC.E);
    }
    w.mov(64, S_A, X86.RAX);
    w.mov(64, S_B, X86.RDX);
    if (d !== X86.RAX) w.mov(64, X86.RAX, d);
    if (signed) w.signExtendAcc(width);
    else w.alu(ALU.XOR, 32, X86.RDX, X86.RDX);
    w.div(width, S_C, signed);
    w.mov(64, S_C, isMod ? X86.RDX : X86.RAX);
    if (d !== X86.RAX) w.mov(64, X86.RAX, S_A);
    if (d !== X86.RDX) w.mov(64, X86.RDX, S_B);
    w.mov(64, d, S_C);
    const done: number[] = [w.jmpForward()];
    w.patchRel8(toZero);
    // x / 0 = 0; x % 0 = x (its low half, zero-extended, at 32 bits).
    if (!isMod) w.alu(ALU.XOR, 32, d, d);
    else if (width === 32) w.mov(32, d, d);
    if (signed) {
      done.push(w.jmpForward());
      w.patchRel8(toNegOne);
      // x / -1 = -x (INT_MIN stays INT_MIN); x % -1 = 0.
      if (!isMod) w.neg(width, d);
      else w.alu(ALU.XOR, 32, d, d);
    }
    for (const at of done) w.patchRel8(at);
  }

  private jmp(code: number, width: 32 | 64): void {
    const w = this.w;
    const p = this.p;
    const pc = this.pc;
    const op = code & 0xf0;
    if (op === JmpOp.JA) {
      if (code & 0x08) throw this.bad('ja source');
      const rel = width === 64 ? p.off[pc]! : p.imm[pc]!;
      const target = this.target(pc + rel + 1);
      return this.branch(() => this.planner.jump(w, undefined, this.fromPrev(), target));
    }
    if (op === JmpOp.CALL) return this.call(code);
    if (op === JmpOp.EXIT) {
      if (this.funcOf[pc] === 0) this.epilogue();
      else w.ret();
      return;
    }
    const cc = JMP_CC[op];
    if (cc === undefined) throw this.bad('jump operation');
    const d = this.reg(p.dst[pc]!);
    const isX = (code & 0x08) !== 0;
    const target = this.target(pc + p.off[pc]! + 1);
    this.branch(() => {
      const s = isX ? this.reg(p.src[pc]!) : this.blindedImm(width);
      if (op === JmpOp.JSET) {
        if (s !== undefined) w.test(width, d, s);
        else w.testImm(width, d, p.imm[pc]!);
      } else if (s !== undefined) {
        w.alu(ALU.CMP, width, d, s);
      } else if (p.imm[pc] === 0) {
        w.test(width, d, d); // same flags as cmp d, 0 for every condition used here
      } else {
        w.aluImm(ALU.CMP, width, d, p.imm[pc]!);
      }
      this.planner.jump(w, cc, this.fromPrev(), target);
    });
  }

  /**
   * Emits a branch (compare + jump); when it would cross or end on a 32-byte boundary, emits it
   * again after NOPs up to the boundary (see {@link CodegenEnv.alignBranches}).
   */
  private branch(emit: () => void): void {
    const w = this.w;
    const start = w.length;
    emit();
    if (this.env.alignBranches === false || !crosses32(start, w.length)) return;
    w.truncate(start);
    w.alignTo(32);
    emit();
  }

  private call(code: number): void {
    const p = this.p;
    const pc = this.pc;
    if (code === 0x8d) return this.helperCall({ reg: this.reg(p.dst[pc]!) });
    if (code !== 0x85) throw this.bad('call');
    const src = p.src[pc]!;
    if (src === CallSrc.HELPER) {
      const id = p.imm[pc]!;
      const inline = this.env.inlineHelpers;
      const kind = inline?.helpers.get(id);
      if (inline && kind) return emitInlineHelper(this.w, kind, inline, this.env.delta, () => this.helperCall(id));
      return this.helperCall(id);
    }
    if (src === CallSrc.LOCAL) return this.localCall(pc + p.imm[pc]! + 1);
    throw new NotSupportedError(`jit-x86_64: insn ${pc}: calls of kind ${src} (kfunc) are not supported`);
  }

  /** bpf-to-bpf call: keep r6..r9, give the callee a frame 512 bytes lower, keep rsp aligned. */
  private localCall(targetSlot: number): void {
    const w = this.w;
    w.aluImm(ALU.SUB, 64, X86.RSP, 8);
    for (const r of BPF_CALLEE_SAVED) w.push(r);
    w.aluImm(ALU.SUB, 64, X86.RBP, STACK_SIZE);
    this.planner.call(w, this.fromPrev(), this.target(targetSlot));
    w.aluImm(ALU.ADD, 64, X86.RBP, STACK_SIZE);
    for (let i = BPF_CALLEE_SAVED.length - 1; i >= 0; i--) w.pop(BPF_CALLEE_SAVED[i]!);
    w.aluImm(ALU.ADD, 64, X86.RSP, 8);
  }

  /**
   * Helper call: r1..r5 into the argument block, the id and slot into the data words, then the
   * trampoline. A non-zero return ends the run (the helper threw, a tail call was taken): leave
   * through the abort path. Else r0 = the block's r0 slot.
   * `id` is a constant (call imm) or a register holding it (callx).
   */
  private helperCall(id: number | { readonly reg: X86Reg }): void {
    const w = this.w;
    const fast = typeof id === 'number' && this.env.lookupFastPath?.helperId === id ? this.env.lookupFastPath.maps : [];
    const done: number[] = [];
    for (const m of fast) {
      // if (r1 == map) r0 = key < max ? values + key * stride : 0
      w.movAbs(S_C, m.address);
      w.alu(ALU.CMP, 64, X86.RDI, S_C);
      const next = w.jccForward32(CC.NE);
      w.rmInsn([0x8b], S_C, this.mem(2, 0)); // mov r11d, [r2]
      w.alu(ALU.XOR, 32, R0, R0);
      if (m.maxEntries > 0x7fffffff) throw this.bad('array map size');
      w.aluImm(ALU.CMP, 32, S_C, m.maxEntries);
      done.push(w.jccForward32(CC.AE));
      w.imulImm(64, S_C, S_C, m.stride);
      w.movConst(R0, m.values);
      w.alu(ALU.ADD, 64, R0, S_C);
      done.push(w.jmpForward32());
      w.patchRel32(next);
    }
    w.movAbs(S_C, this.env.argsNative);
    const argRegs = [X86.RDI, X86.RSI, X86.RDX, X86.RCX, X86.R8] as const;
    for (let i = 0; i < 5; i++) w.mov(64, { base: S_C, disp: 8 * (i + 1) }, argRegs[i]!);
    w.movAbs(S_C, this.env.dataNative);
    if (typeof id === 'number') w.storeImm(64, { base: S_C, disp: DATA.HELPER_ID }, id);
    else w.mov(64, { base: S_C, disp: DATA.HELPER_ID }, id.reg);
    w.storeImm(32, { base: S_C, disp: DATA.HELPER_SLOT }, this.pc);
    w.movAbs(X86.RAX, this.env.trampoline);
    w.callReg(X86.RAX);
    w.test(32, X86.RAX, X86.RAX);
    this.planner.jumpNear(w, CC.NE, this.fromPrev(), this.prev ? this.prev.abort : 0);
    w.movAbs(S_C, this.env.argsNative);
    w.rmInsn([0x8b], R0, { base: S_C, disp: 0 }, { w: true });
    for (const at of done) w.patchRel32(at);
  }

  private ldx(code: number): void {
    const p = this.p;
    const pc = this.pc;
    const mode = code & 0xe0;
    const width = widthOf(code);
    const d = this.reg(p.dst[pc]!);
    const m = this.mem(p.src[pc]!, p.off[pc]!);
    if (mode === Mode.MEM) this.w.load(width, d, m);
    else if (mode === Mode.MEMSX && width !== 64) this.w.loadSx(width, d, m);
    else throw this.bad('load mode');
  }

  private st(code: number): void {
    const p = this.p;
    const pc = this.pc;
    if ((code & 0xe0) !== Mode.MEM) throw this.bad('store mode');
    const width = widthOf(code);
    const m = this.mem(p.dst[pc]!, p.off[pc]!);
    const s = this.blindedImm(width === 64 ? 64 : 32);
    if (s !== undefined) this.w.store(width, m, s);
    else this.w.storeImm(width, m, p.imm[pc]!);
  }

  private stx(code: number): void {
    const p = this.p;
    const pc = this.pc;
    const mode = code & 0xe0;
    const width = widthOf(code);
    const s = this.reg(p.src[pc]!);
    const m = this.mem(p.dst[pc]!, p.off[pc]!);
    if (mode === Mode.MEM) return this.w.store(width, m, s);
    if (mode !== Mode.ATOMIC || (width !== 32 && width !== 64)) throw this.bad('store mode');
    this.atomic(width, m, s, p.imm[pc]!);
  }

  private atomic(width: 32 | 64, m: Mem, s: X86Reg, op: number): void {
    const w = this.w;
    const plain = ATOMIC_ALU[op];
    if (plain !== undefined) return w.lockAlu(plain, width, m, s);
    if (op === (AtomicOp.ADD | AtomicOp.FETCH)) return w.lockXadd(width, m, s);
    if (op === AtomicOp.XCHG) return w.xchg(width, m, s);
    if (op === AtomicOp.CMPXCHG) {
      w.lockCmpxchg(width, m, s);
      if (width === 32) w.mov(32, R0, R0); // eax is not written when equal: zero-extend anyway
      return;
    }
    const fetched = ATOMIC_ALU[op & ~AtomicOp.FETCH];
    if (fetched === undefined || (op & AtomicOp.FETCH) === 0) throw this.bad(`atomic operation 0x${op.toString(16)}`);
    // Fetch-and-{or,and,xor}: a cmpxchg loop on [r10]; rax is saved in r9 (and used in its
    // place when it is the source).
    w.lea(S_B, m);
    w.mov(64, S_A, R0);
    const value = s === R0 ? S_A : s;
    const loop = w.length;
    w.load(width, R0, { base: S_B, disp: 0 });
    w.mov(64, S_C, R0);
    w.alu(fetched, width, S_C, value);
    w.lockCmpxchg(width, { base: S_B, disp: 0 }, S_C);
    w.jccRel8(CC.NE, loop - (w.length + 2));
    if (s !== R0) {
      w.mov(64, s, R0);
      w.mov(64, R0, S_A);
    }
  }

  private ld(code: number): void {
    const p = this.p;
    const pc = this.pc;
    if (code !== 0x18) {
      throw new NotSupportedError(`jit-x86_64: insn ${pc}: legacy packet loads (opcode 0x${code.toString(16)}) are not supported`);
    }
    if (pc + 1 >= p.length) throw this.bad('lddw (truncated)');
    const d = this.reg(p.dst[pc]!);
    const value = (BigInt(p.imm[pc + 1]! >>> 0) << 32n) | BigInt(p.imm[pc]! >>> 0);
    const keys = this.env.blindKeys;
    if (keys) {
      const key = (BigInt(keys[pc]! >>> 0) << 32n) | BigInt(keys[pc + 1]! >>> 0);
      this.w.movAbs(d, value ^ key);
      this.w.movAbs(S_C, key);
      this.w.alu(ALU.XOR, 64, d, S_C);
    } else {
      this.w.movConst(d, value);
    }
  }
}

function widthOf(code: number): Width {
  switch (code & 0x18) {
    case Size.B: return 8;
    case Size.H: return 16;
    case Size.W: return 32;
    default: return 64;
  }
}
