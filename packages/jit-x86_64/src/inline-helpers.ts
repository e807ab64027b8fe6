/**
 * Helpers emitted as x86-64 code instead of a trampoline call, for helpers that declare one of
 * core's fixed descriptions (`HelperDef.inline`; the exact semantics are on `HelperInline`).
 * Range checks are unsigned 64-bit compares of `address - start`, so any register value is
 * handled; a destination outside the VM stack takes the ordinary helper call (`fallback`).
 * Which helpers are inline, and the VM layout, come from `compile.ts`; bytes only, no FFI here.
 */
import { Errno, GUARD_SIZE, type HelperInline } from '@ebpf/core';
import { ALU, CC, SHIFT, isImm32, type X86Writer } from './x86/encoder.js';
import { DELTA_REG, SCRATCH, X86, type X86Reg } from './x86/registers.js';

/** What inline helpers need to know about the VM (all VM addresses, not native ones). */
export interface InlineHelperLayout {
  /** Helper ids emitted inline, with their description. */
  readonly helpers: ReadonlyMap<number, HelperInline>;
  /** VM address of memory offset 0. */
  readonly base: bigint;
  /** Bytes of VM memory (below 2^31). */
  readonly memorySize: number;
  /** VM address of the stack region's first byte. */
  readonly stackBottom: bigint;
  /** Bytes of the stack region (every frame). */
  readonly stackSize: number;
}

const { A: S_A, B: S_B, C: S_C } = SCRATCH;
const RAX = X86.RAX;
const RDI = X86.RDI;
const RSI = X86.RSI;
const RDX = X86.RDX;
const RCX = X86.RCX;
const R8 = X86.R8;

/** Forward jumps waiting for a label. */
type Pending = number[];

/**
 * Emits helper kind `kind` inline, leaving r0 in rax. r1..r5 (rdi, rsi, rdx, rcx, r8) are
 * clobbered only on inline paths (a call clobbers them anyway); `fallback` emits the ordinary
 * call, reached with r1..r5 untouched. `delta` is native − VM address (then r12 holds it).
 */
export function emitInlineHelper(w: X86Writer, kind: HelperInline, layout: InlineHelperLayout, delta: bigint, fallback: () => void): void {
  const e = new InlineEmitter(w, layout, delta !== 0n);
  switch (kind) {
    case 'load_pointer':
      e.loadPointer();
      break;
    case 'probe_read':
      e.probeRead(fallback);
      break;
    case 'probe_read_str':
      e.probeReadStr(fallback);
      break;
    case 'memcmp':
      e.memcmp(fallback);
      break;
  }
}

class InlineEmitter {
  /** Bytes readable past the NULL guard (may be ≤ 0: nothing is readable). */
  private readonly readSize: number;
  private readonly guardStart: bigint;

  constructor(
    private readonly w: X86Writer,
    private readonly layout: InlineHelperLayout,
    private readonly translate: boolean,
  ) {
    this.readSize = layout.memorySize - GUARD_SIZE;
    this.guardStart = BigInt.asUintN(64, layout.base + BigInt(GUARD_SIZE));
  }

  /** `load_pointer(r1)`: r0 = the u64 at r1 when its 8 bytes are readable, else 0. */
  loadPointer(): void {
    const w = this.w;
    if (this.readSize < 8) {
      w.alu(ALU.XOR, 32, RAX, RAX);
      return;
    }
    this.distance(S_B, RDI, this.guardStart);
    w.alu(ALU.XOR, 32, RAX, RAX);
    w.aluImm(ALU.CMP, 64, S_B, this.readSize - 8);
    const out = w.jccForward32(CC.A);
    w.rmInsn([0x8b], RAX, this.native(RDI), { w: true });
    w.patchRel32(out);
  }

  /** `probe_read(r1 dst, r2 size, r3 unsafe)`. */
  probeRead(fallback: () => void): void {
    const w = this.w;
    const einval: Pending = [];
    const efault: Pending = [];
    const toFallback: Pending = [];
    const done: Pending = [];
    // r2 >= 2^31: -EINVAL, nothing written.
    w.mov(64, S_B, RSI);
    w.shiftImm(SHIFT.SHR, 64, S_B, 31);
    einval.push(w.jccForward32(CC.NE));
    this.fits(S_B, RDI, this.layout.stackBottom, this.layout.stackSize, RSI, toFallback);
    this.fits(S_A, RDX, this.guardStart, this.readSize, RSI, efault);
    // Copy (memmove) size bytes; r0 = 0.
    this.toNative(RDI);
    this.toNative(RDX);
    w.mov(64, RCX, RSI);
    w.mov(64, RSI, RDX);
    this.memmove();
    w.alu(ALU.XOR, 32, RAX, RAX);
    done.push(w.jmpForward32());
    // Unreadable source: zero-fill dst; r0 = -EFAULT.
    this.bind(efault);
    this.toNative(RDI);
    w.mov(64, RCX, RSI);
    w.alu(ALU.XOR, 32, RAX, RAX);
    w.raw(0xf3, 0xaa); // rep stosb
    w.movImmSext(RAX, -Errno.EFAULT);
    done.push(w.jmpForward32());
    this.returnConst(einval, -Errno.EINVAL, done);
    this.fallbackThenDone(toFallback, fallback, done);
  }

  /** `probe_read_str(r1 dst, r2 size, r3 unsafe)`. */
  probeReadStr(fallback: () => void): void {
    const w = this.w;
    const einval: Pending = [];
    const efault: Pending = [];
    const toFallback: Pending = [];
    const done: Pending = [];
    // r2 = 0 or r2 >= 2^31: -EINVAL (r2 - 1 wraps 0 to the top).
    w.lea(S_B, { base: RSI, disp: -1 });
    w.movImm32(S_C, 0x7fffffff);
    w.alu(ALU.CMP, 64, S_B, S_C);
    einval.push(w.jccForward32(CC.AE));
    this.fits(S_B, RDI, this.layout.stackBottom, this.layout.stackSize, RSI, toFallback);
    // The byte at r3 must be readable.
    if (this.readSize <= 0) {
      efault.push(w.jmpForward32());
    } else {
      this.distance(S_A, RDX, this.guardStart);
      w.aluImm(ALU.CMP, 64, S_A, this.readSize);
      efault.push(w.jccForward32(CC.AE));
      // r10 = min(size - 1, bytes to the end of memory); r11 counts bytes before the NUL.
      w.movImm32(S_C, this.readSize);
      w.alu(ALU.SUB, 64, S_C, S_A);
      w.lea(S_B, { base: RSI, disp: -1 });
      w.alu(ALU.CMP, 64, S_B, S_C);
      w.rmInsn([0x0f, 0x47], S_B, S_C, { w: true }); // cmova r10, r11
      this.toNative(RDI);
      this.toNative(RDX);
      w.alu(ALU.XOR, 32, S_C, S_C);
      const loop = w.length;
      w.alu(ALU.CMP, 64, S_C, S_B);
      const found: Pending = [w.jccForward(CC.AE)];
      w.movzx(RAX, { base: RDX, index: S_C, disp: 0 }, 8);
      w.test(32, RAX, RAX);
      found.push(w.jccForward(CC.E));
      w.aluImm(ALU.ADD, 64, S_C, 1);
      w.jmpRel8(loop - (w.length + 2));
      for (const at of found) w.patchRel8(at);
      // Copy the bytes (memmove), then the NUL; r0 = count + 1.
      w.mov(64, R8, RDI);
      w.mov(64, RSI, RDX);
      w.mov(64, RCX, S_C);
      this.memmove();
      w.storeImm(8, { base: R8, index: S_C, disp: 0 }, 0);
      w.lea(RAX, { base: S_C, disp: 1 });
      done.push(w.jmpForward32());
    }
    // Unreadable source: dst[0] = 0; r0 = -EFAULT.
    this.bind(efault);
    this.toNative(RDI);
    w.storeImm(8, { base: RDI, disp: 0 }, 0);
    w.movImmSext(RAX, -Errno.EFAULT);
    done.push(w.jmpForward32());
    this.returnConst(einval, -Errno.EINVAL, done);
    this.fallbackThenDone(toFallback, fallback, done);
  }

  /** `memcmp(r1 unsafe, r2 mem, r3 size)`. */
  memcmp(fallback: () => void): void {
    const w = this.w;
    const minusOne: Pending = [];
    const efault: Pending = [];
    const toFallback: Pending = [];
    const done: Pending = [];
    w.aluImm(ALU.CMP, 64, RDX, 63);
    minusOne.push(w.jccForward32(CC.A));
    this.fits(S_A, RDI, this.guardStart, this.readSize, RDX, efault);
    this.fits(S_B, RSI, this.layout.stackBottom, this.layout.stackSize, RDX, toFallback);
    this.toNative(RDI);
    this.toNative(RSI);
    w.alu(ALU.XOR, 32, RAX, RAX);
    const loop = w.length;
    w.test(64, RDX, RDX);
    const end: Pending = [w.jccForward(CC.E)];
    w.movzx(RAX, { base: RDI, disp: 0 }, 8);
    w.movzx(S_C, { base: RSI, disp: 0 }, 8);
    w.alu(ALU.SUB, 64, RAX, S_C);
    end.push(w.jccForward(CC.NE));
    w.aluImm(ALU.ADD, 64, RDI, 1);
    w.aluImm(ALU.ADD, 64, RSI, 1);
    w.aluImm(ALU.SUB, 64, RDX, 1);
    w.jmpRel8(loop - (w.length + 2));
    for (const at of end) w.patchRel8(at);
    done.push(w.jmpForward32());
    this.returnConst(minusOne, -1, done);
    this.returnConst(efault, -Errno.EFAULT, done);
    this.fallbackThenDone(toFallback, fallback, done);
  }

  // ---- pieces ---------------------------------------------------------------------------

  /** Code at `target` that sets r0 to `value` and jumps to `done`. */
  private returnConst(target: Pending, value: number, done: Pending): void {
    this.bind(target);
    this.w.movImmSext(RAX, value);
    done.push(this.w.jmpForward32());
  }

  /** Code at `toFallback` that calls the helper normally, then the common end `done`. */
  private fallbackThenDone(toFallback: Pending, fallback: () => void, done: Pending): void {
    this.bind(toFallback);
    fallback();
    this.bind(done);
  }

  /** `out = reg - start` (mod 2^64): the unsigned distance of an address from VM address `start`. Clobbers r11. */
  private distance(out: X86Reg, reg: X86Reg, start: bigint): void {
    const w = this.w;
    w.mov(64, out, reg);
    const s = Number(BigInt.asIntN(64, start));
    if (start === 0n) return;
    if (isImm32(s) && BigInt(s) === BigInt.asIntN(64, start)) {
      w.aluImm(ALU.SUB, 64, out, s);
    } else {
      w.movConst(S_C, start);
      w.alu(ALU.SUB, 64, out, S_C);
    }
  }

  /**
   * Jumps to `miss` unless `[reg, reg + size)` lies inside the `limit` bytes from VM address
   * `start`, `size` being a register below 2^31. Uses `tmp` and r11.
   */
  private fits(tmp: X86Reg, reg: X86Reg, start: bigint, limit: number, size: X86Reg, miss: Pending): void {
    const w = this.w;
    if (limit < 0) {
      miss.push(w.jmpForward32());
      return;
    }
    this.distance(tmp, reg, start);
    w.aluImm(ALU.CMP, 64, tmp, limit);
    miss.push(w.jccForward32(CC.A));
    w.alu(ALU.ADD, 64, tmp, size);
    w.aluImm(ALU.CMP, 64, tmp, limit);
    miss.push(w.jccForward32(CC.A));
  }

  /** `memmove(rdi, rsi, rcx)` on native addresses: forward `rep movsb` unless dst overlaps above src. Clobbers r9. */
  private memmove(): void {
    const w = this.w;
    w.mov(64, S_A, RDI);
    w.alu(ALU.SUB, 64, S_A, RSI);
    w.alu(ALU.CMP, 64, S_A, RCX);
    const backward = w.jccForward(CC.B);
    w.raw(0xf3, 0xa4); // rep movsb
    const end = w.jmpForward();
    w.patchRel8(backward);
    w.lea(RSI, { base: RSI, index: RCX, disp: -1 });
    w.lea(RDI, { base: RDI, index: RCX, disp: -1 });
    w.raw(0xfd, 0xf3, 0xa4, 0xfc); // std; rep movsb; cld
    w.patchRel8(end);
  }

  /** Turns a VM address in `r` into a native one. */
  private toNative(r: X86Reg): void {
    if (this.translate) this.w.alu(ALU.ADD, 64, r, DELTA_REG);
  }

  /** `[r]` in VM memory as a native operand. */
  private native(r: X86Reg): { base: X86Reg; index?: X86Reg; disp: number } {
    return this.translate ? { base: r, index: DELTA_REG, disp: 0 } : { base: r, disp: 0 };
  }

  private bind(pending: Pending): void {
    for (const at of pending) this.w.patchRel32(at);
  }
}
