/**
 * Test support: runs one lowered program in the interpreter (the oracle) and natively in the
 * same VM, from the same memory contents, and reports r0 (or the error), the stack and a
 * scratch buffer from each, so tests compare the two engines byte for byte.
 */
import { insn, lower, Vm, type BpfMap, type HelperDef, type Insn, type Region } from '@ebpf/core';
import { Interpreter } from '@ebpf/interp';
import { compileNative, type NativeOptions } from '../src/compile.js';
import { bufferAddress } from '../src/native/memory.js';

/** What one engine's run left behind. */
export interface Outcome {
  /** r0 as hex, or the error `code@insn`. */
  readonly result: string;
  readonly stack: string;
  readonly scratch: string;
}

/** Options of {@link Differ.run}. */
export interface RunOptions {
  readonly helpers?: readonly HelperDef[];
  readonly maps?: readonly BpfMap[];
  readonly r1?: bigint;
  readonly r2?: bigint;
  readonly native?: NativeOptions;
  /** Function starts (default: local call targets). */
  readonly funcStarts?: readonly number[];
  /** Prepares memory before each engine's run (after the reset). */
  readonly before?: () => void;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Runs programs in both engines over one VM. */
export class Differ {
  readonly vm: Vm;
  /** 512 bytes of scratch memory; programs get pointers into it. */
  readonly scratch: Region;

  /** @param nativeBase true: the VM's base is its buffer's real address; false: base 0 (r12 translation). */
  constructor(nativeBase: boolean, size = 1 << 20) {
    this.vm = new Vm(nativeBase ? { size, base: (m) => bufferAddress(m.buffer) } : { size });
    this.scratch = this.vm.mem.alloc(512, { kind: 'context', name: 'scratch', align: 16 });
  }

  /** Address of byte `off` of the scratch buffer. */
  at(off: number): bigint {
    return this.scratch.address + BigInt(off);
  }

  private reset(): void {
    const b = this.vm.mem.bytes;
    const s = this.vm.stack;
    for (let i = 0; i < s.size; i++) b[s.offset + i] = (i * 7 + 3) & 0xff;
    for (let i = 0; i < this.scratch.size; i++) b[this.scratch.offset + i] = (i * 13 + 1) & 0xff;
  }

  private snapshot(result: string): Outcome {
    const b = this.vm.mem.bytes;
    const s = this.vm.stack;
    return {
      result,
      stack: hex(b.subarray(s.offset, s.offset + s.size)),
      scratch: hex(b.subarray(this.scratch.offset, this.scratch.offset + this.scratch.size)),
    };
  }

  /** Runs `insns` in the interpreter, then natively; returns both outcomes. */
  run(insns: readonly Insn[], o: RunOptions = {}): { interp: Outcome; native: Outcome } {
    const lowered = lower(insns);
    const helpers = new Map((o.helpers ?? []).map((h) => [h.id, h]));
    const maps = o.maps ?? [];
    const r1 = o.r1 ?? this.at(0);
    const r2 = o.r2 ?? 512n;
    this.reset();
    o.before?.();
    let result: string;
    try {
      const it = new Interpreter(this.vm, lowered, { helpers, maps, budget: 100_000 });
      result = '0x' + it.run(r1, r2).toString(16);
    } catch (e) {
      result = describeError(e);
    }
    const interp = this.snapshot(result);
    this.reset();
    o.before?.();
    const prog = compileNative({ lowered, helpers, maps, name: 'test', ...(o.funcStarts ? { funcStarts: o.funcStarts } : {}) }, this.vm, o.native);
    try {
      result = '0x' + prog.run(r1, r2).toString(16);
    } catch (e) {
      result = describeError(e);
    } finally {
      prog.dispose();
    }
    return { interp, native: this.snapshot(result) };
  }
}

function describeError(e: unknown): string {
  const x = e as { code?: string; insn?: number; message?: string };
  return `error ${x.code ?? '?'}@${x.insn ?? '?'}`;
}

/** `lddw r, v` for every register 0..9 from `values`. */
export function setRegs(values: readonly bigint[]): Insn[] {
  return values.slice(0, 10).map((v, r) => insn({ code: 0x18, dst: r, imm64: BigInt.asUintN(64, v), imm: Number(BigInt.asIntN(32, v)) }));
}

/** `stxdw [r10 - 8(i+1)], ri` for i 0..9, then `exit`: every register lands on the stack. */
export function dumpRegs(): Insn[] {
  const out: Insn[] = [];
  for (let r = 0; r < 10; r++) out.push(insn({ code: 0x7b, dst: 10, src: r, off: -8 * (r + 1) }));
  out.push(insn({ code: 0x95 }));
  return out;
}

/** A small deterministic PRNG (xorshift64*), so failures reproduce. */
export class Rng {
  private s: bigint;
  constructor(seed: bigint) {
    this.s = seed || 1n;
  }
  /** A random u64. */
  next(): bigint {
    let x = this.s;
    x ^= x >> 12n;
    x ^= BigInt.asUintN(64, x << 25n);
    x ^= x >> 27n;
    this.s = x;
    return BigInt.asUintN(64, x * 0x2545f4914f6cdd1dn);
  }
  /** A random integer in [0, n). */
  int(n: number): number {
    return Number(this.next() % BigInt(n));
  }
  /** A random element. */
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

/** Values that exercise edge cases (zero, -1, sign bits, shift widths, 32-bit boundaries). */
export const EDGE_VALUES: readonly bigint[] = [
  0n, 1n, -1n, 2n, -2n, 7n, 31n, 32n, 63n, 64n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, -0x80000000n, 0x7fffffffffffffffn,
  0x8000000000000000n, 0x123456789abcdef0n, 0xfedcba9876543210n, 0xffffffff80000000n,
];

/** Random register values: edge values and random 64-bit ones. */
export function randomValues(rng: Rng): bigint[] {
  return Array.from({ length: 10 }, () => (rng.int(2) === 0 ? rng.pick(EDGE_VALUES) : rng.next()));
}
