/**
 * The lowered program: struct-of-arrays, one entry per 8-byte slot, built once per program and
 * consumed by every engine and by the checker. Engines never read raw bytes or `Insn` objects.
 *
 * `lddw` at slot i keeps its low 32 bits in `imm[i]` and its high 32 bits in `imm[i + 1]`; slot
 * i+1 has code 0 and is never executed (control never lands there in a valid program).
 */
import type { Insn } from '../isa/insn.js';

/** Struct-of-arrays form of a program, indexed by slot. */
export interface LoweredProgram {
  /** Number of slots. */
  readonly length: number;
  /** Opcode byte per slot. */
  readonly code: Uint8Array;
  readonly dst: Uint8Array;
  readonly src: Uint8Array;
  readonly off: Int16Array;
  readonly imm: Int32Array;
}

/** Builds the lowered form of `insns` (labels must already be resolved). */
export function lower(insns: readonly Insn[]): LoweredProgram {
  let n = 0;
  for (const i of insns) n += i.code === 0x18 ? 2 : 1;
  const out = {
    length: n,
    code: new Uint8Array(n),
    dst: new Uint8Array(n),
    src: new Uint8Array(n),
    off: new Int16Array(n),
    imm: new Int32Array(n),
  };
  let s = 0;
  for (const i of insns) {
    out.code[s] = i.code;
    out.dst[s] = i.dst;
    out.src[s] = i.src;
    out.off[s] = i.off;
    if (i.code === 0x18) {
      const v = i.imm64 ?? BigInt.asUintN(32, BigInt(i.imm));
      out.imm[s] = Number(BigInt.asIntN(32, v));
      out.imm[s + 1] = Number(BigInt.asIntN(32, v >> 32n));
      s += 2;
    } else {
      out.imm[s] = i.imm;
      s += 1;
    }
  }
  return out;
}

/** Copies a lowered program (so resolution passes can rewrite immediates). */
export function cloneLowered(p: LoweredProgram): LoweredProgram {
  return {
    length: p.length,
    code: p.code.slice(),
    dst: p.dst.slice(),
    src: p.src.slice(),
    off: p.off.slice(),
    imm: p.imm.slice(),
  };
}

/** The 64-bit immediate of the `lddw` at slot `pc`, unsigned. */
export function lddwValue(p: LoweredProgram, pc: number): bigint {
  return (BigInt(p.imm[pc + 1]! >>> 0) << 32n) | BigInt(p.imm[pc]! >>> 0);
}
