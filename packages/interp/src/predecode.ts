/**
 * Pre-decoding: turns a lowered program into the interpreter's own struct-of-arrays, once per
 * compile. Every (opcode, off, imm) combination whose meaning differs gets its own internal op
 * id, so the run loop is one flat `switch` with no nested tests; jump targets are precomputed.
 * Instructions that are not valid become {@link OP_INVALID} with a reason, and fault only if
 * reached. What the instructions mean is the run loop's business (`interpreter.ts`).
 */
import type { LoweredProgram } from '@ebpf/core';

/** Internal op id of an invalid slot (also the sentinel after the last slot). */
export const OP_INVALID = 0x00;

/**
 * Internal op ids beyond the opcode byte. Plain instructions keep their RFC 9669 opcode byte as
 * id; these are the variants selected by `off` (sdiv/smod, movsx), `imm` (byte swaps,
 * atomics) or `src` (local calls).
 */
export const XOp = {
  SDIV32_K: 0x100, SDIV32_X: 0x101, SMOD32_K: 0x102, SMOD32_X: 0x103,
  SDIV64_K: 0x104, SDIV64_X: 0x105, SMOD64_K: 0x106, SMOD64_X: 0x107,
  MOVSX32_8: 0x108, MOVSX32_16: 0x109, MOVSX64_8: 0x10a, MOVSX64_16: 0x10b, MOVSX64_32: 0x10c,
  LE16: 0x10d, LE32: 0x10e, LE64: 0x10f, BE16: 0x110, BE32: 0x111, BE64: 0x112,
  SWAP16: 0x113, SWAP32: 0x114, SWAP64: 0x115,
  CALL_LOCAL: 0x116,
  A32_ADD: 0x117, A32_OR: 0x118, A32_AND: 0x119, A32_XOR: 0x11a,
  A32_FADD: 0x11b, A32_FOR: 0x11c, A32_FAND: 0x11d, A32_FXOR: 0x11e, A32_XCHG: 0x11f, A32_CMPXCHG: 0x120,
  A64_ADD: 0x121, A64_OR: 0x122, A64_AND: 0x123, A64_XOR: 0x124,
  A64_FADD: 0x125, A64_FOR: 0x126, A64_FAND: 0x127, A64_FXOR: 0x128, A64_XCHG: 0x129, A64_CMPXCHG: 0x12a,
  XADD8: 0x12b, XADD16: 0x12c,
  /** 64-bit shifts by an immediate of 32..63 (imm pre-reduced to 0..31); by 1..31 keep their opcode. */
  LSH64_K_HI: 0x12d, RSH64_K_HI: 0x12e, ARSH64_K_HI: 0x12f,
  /** A 64-bit shift by an immediate of 0: does nothing. */
  NOP: 0x130,
} as const;

/** The interpreter's form of a program, indexed by slot (plus one sentinel slot at the end). */
export interface Predecoded {
  /** Number of slots of the program (the sentinel is at index `length`). */
  readonly length: number;
  /** Internal op id per slot. */
  readonly op: Uint16Array;
  /** Destination register × 2 (index of its low half in the register file). */
  readonly d: Uint8Array;
  /** Source register × 2. */
  readonly s: Uint8Array;
  /** Memory offset. */
  readonly off: Int32Array;
  /** Immediate (`lddw`: low half here, high half in the next slot). */
  readonly imm: Int32Array;
  /** Packed `op | d << 9 | s << 14` per slot (one load per dispatch). */
  readonly w: Int32Array;
  /** Target slot of jumps and local calls. */
  readonly jt: Int32Array;
  /** Why each invalid slot is invalid (slots reached only by a faulting run). */
  readonly invalid: ReadonlyMap<number, string>;
  /**
   * The invalid instructions themselves (a subset of {@link invalid}: without the end sentinel
   * and the second slots of `lddw`), for load-time validation as uBPF does it.
   */
  readonly errors: ReadonlyMap<number, string>;
}

const ATOMIC_BASE: Record<number, number> = { 0x00: 0, 0x40: 1, 0x50: 2, 0xa0: 3, 0x01: 4, 0x41: 5, 0x51: 6, 0xa1: 7, 0xe1: 8, 0xf1: 9 };

/** Plain opcodes that need no variant selection, with the registers they use. */
const PLAIN = new Map<number, 'dst' | 'dst_src' | 'mem_load' | 'mem_store' | 'mem_store_imm' | 'jmp_k' | 'jmp_x' | 'none'>();
for (const cls of [0x04, 0x07]) {
  for (const op of [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x90, 0xa0, 0xb0, 0xc0]) {
    PLAIN.set(op | cls, 'dst');
    PLAIN.set(op | 0x08 | cls, 'dst_src');
  }
  PLAIN.set(0x80 | cls, 'dst'); // neg
}
for (const code of [0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91]) PLAIN.set(code, 'mem_load');
for (const code of [0x63, 0x6b, 0x73, 0x7b]) PLAIN.set(code, 'mem_store');
for (const code of [0x62, 0x6a, 0x72, 0x7a]) PLAIN.set(code, 'mem_store_imm');
for (const cls of [0x05, 0x06]) {
  for (const op of [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0]) {
    PLAIN.set(op | cls, 'jmp_k');
    PLAIN.set(op | 0x08 | cls, 'jmp_x');
  }
}

/**
 * Pre-decodes `p`. Never throws: invalid instructions become {@link OP_INVALID} slots with a
 * reason, so an unverified program faults only when it reaches one.
 */
export function predecode(p: LoweredProgram): Predecoded {
  const n = p.length;
  const op = new Uint16Array(n + 1);
  const d = new Uint8Array(n + 1);
  const s = new Uint8Array(n + 1);
  const off = new Int32Array(n + 1);
  const imm = new Int32Array(n + 1);
  const jt = new Int32Array(n + 1);
  const invalid = new Map<number, string>();
  const errors = new Map<number, string>();
  const second = new Uint8Array(n + 1); // 1 on the second slot of an lddw
  const bad = (pc: number, why: string): void => {
    op[pc] = OP_INVALID;
    invalid.set(pc, why);
    errors.set(pc, why);
  };

  for (let pc = 0; pc < n; pc++) {
    const code = p.code[pc]!;
    const dst = p.dst[pc]!;
    const src = p.src[pc]!;
    const o = p.off[pc]!;
    const k = p.imm[pc]!;
    d[pc] = dst << 1;
    s[pc] = src << 1;
    off[pc] = o;
    imm[pc] = k;
    jt[pc] = pc + 1 + o;
    op[pc] = code;
    const cls = code & 0x07;
    const aluOp = code & 0xf0;
    const isX = (code & 0x08) !== 0;

    // Register checks shared by every kind: r10 is read-only, registers are 0..10.
    const kind = PLAIN.get(code);
    if (kind !== undefined) {
      const writesDst = kind === 'dst' || kind === 'dst_src' || kind === 'mem_load';
      if (dst > 10 || (writesDst && dst === 10)) {
        bad(pc, dst > 10 ? `invalid destination register r${dst}` : 'r10 is read-only');
        continue;
      }
      if ((kind === 'dst_src' || kind === 'mem_load' || kind === 'mem_store' || kind === 'jmp_x') && src > 10) {
        bad(pc, `invalid source register r${src}`);
        continue;
      }
      if ((cls === 0x04 || cls === 0x07) && (aluOp === 0x30 || aluOp === 0x90)) {
        // div/mod: off selects unsigned (0) or signed (1).
        if (o === 1) op[pc] = XOp.SDIV32_K + (cls === 0x07 ? 4 : 0) + (aluOp === 0x90 ? 2 : 0) + (isX ? 1 : 0);
        else if (o !== 0) bad(pc, `invalid offset ${o} for ${aluOp === 0x30 ? 'div' : 'mod'} (0 or 1)`);
        continue;
      }
      if ((cls === 0x04 || cls === 0x07) && aluOp === 0xb0 && o !== 0) {
        // movsx: off = 8/16/32 (32 only for the 64-bit form), register source only.
        if (!isX) bad(pc, `invalid offset ${o} for mov with an immediate`);
        else if (o === 8) op[pc] = cls === 0x04 ? XOp.MOVSX32_8 : XOp.MOVSX64_8;
        else if (o === 16) op[pc] = cls === 0x04 ? XOp.MOVSX32_16 : XOp.MOVSX64_16;
        else if (o === 32 && cls === 0x07) op[pc] = XOp.MOVSX64_32;
        else bad(pc, `invalid sign-extension width ${o} for movsx`);
        continue;
      }
      if (code === 0x67 || code === 0x77 || code === 0xc7) {
        // 64-bit shift by an immediate: select the variant now, so the loop needs no tests.
        const sh = k & 63;
        imm[pc] = sh & 31;
        if (sh === 0) op[pc] = XOp.NOP;
        else if (sh >= 32) op[pc] = code === 0x67 ? XOp.LSH64_K_HI : code === 0x77 ? XOp.RSH64_K_HI : XOp.ARSH64_K_HI;
        continue;
      }
      if ((cls === 0x05 || cls === 0x06) && kind.startsWith('jmp')) {
        if (jt[pc]! < 0 || jt[pc]! > n) bad(pc, `jump target ${jt[pc]} is outside the program (0..${n - 1})`);
        continue;
      }
      continue;
    }

    switch (code) {
      case 0x18: // lddw: two slots
        if (dst > 9) { bad(pc, dst === 10 ? 'r10 is read-only' : `invalid destination register r${dst}`); break; }
        if (pc + 1 >= n) { bad(pc, 'lddw is missing its second slot'); break; }
        imm[pc + 1] = p.imm[pc + 1]!;
        op[pc + 1] = OP_INVALID;
        invalid.set(pc + 1, 'jump into the second slot of lddw');
        second[pc + 1] = 1;
        pc++;
        break;
      case 0xd4: case 0xdc: case 0xd7: {
        if (dst > 9) { bad(pc, dst === 10 ? 'r10 is read-only' : `invalid destination register r${dst}`); break; }
        const w = k === 16 ? 0 : k === 32 ? 1 : k === 64 ? 2 : -1;
        if (w < 0) { bad(pc, `invalid byte swap width ${k} (16, 32 or 64)`); break; }
        op[pc] = (code === 0xd4 ? XOp.LE16 : code === 0xdc ? XOp.BE16 : XOp.SWAP16) + w;
        break;
      }
      case 0x05: // ja
        if (jt[pc]! < 0 || jt[pc]! > n) bad(pc, `jump target ${jt[pc]} is outside the program (0..${n - 1})`);
        break;
      case 0x06: // gotol: 32-bit offset in imm
        jt[pc] = pc + 1 + k;
        if (jt[pc]! < 0 || jt[pc]! > n) bad(pc, `jump target ${jt[pc]} is outside the program (0..${n - 1})`);
        break;
      case 0x85: // call
        if (src === 1) {
          op[pc] = XOp.CALL_LOCAL;
          jt[pc] = pc + 1 + k;
          if (jt[pc]! < 0 || jt[pc]! >= n) bad(pc, `local call target ${jt[pc]} is outside the program (0..${n - 1})`);
        } else if (src !== 0) {
          bad(pc, src === 2 ? 'calls by BTF id (kfuncs) are not supported' : `invalid call kind src=${src}`);
        }
        break;
      case 0x8d: // callx: the register (dst, as the conformance suite encodes it) holds a helper id
        if (dst > 10) bad(pc, `invalid register r${dst} for callx`);
        break;
      case 0x95: // exit
        break;
      case 0xc3: case 0xdb: case 0xcb: case 0xd3: {
        if (dst > 10 || src > 10) { bad(pc, `invalid register r${dst > 10 ? dst : src}`); break; }
        if (code === 0xcb || code === 0xd3) {
          // The seed dialect's XADD of 1 and 2 bytes: add only, no fetch.
          if (k !== 0) { bad(pc, `invalid atomic operation 0x${(k >>> 0).toString(16)} for a ${code === 0xd3 ? 1 : 2}-byte xadd`); break; }
          op[pc] = code === 0xd3 ? XOp.XADD8 : XOp.XADD16;
          break;
        }
        const a = ATOMIC_BASE[k];
        if (a === undefined) { bad(pc, `invalid atomic operation 0x${(k >>> 0).toString(16)}`); break; }
        if (a >= 4 && src === 10) { bad(pc, 'r10 is read-only (atomic fetch writes the source register)'); break; }
        op[pc] = (code === 0xc3 ? XOp.A32_ADD : XOp.A64_ADD) + a;
        break;
      }
      case 0x20: case 0x28: case 0x30: case 0x40: case 0x48: case 0x50:
        bad(pc, 'legacy packet loads (LD_ABS/LD_IND) are not supported by the interpreter');
        break;
      default:
        bad(pc, `unknown opcode 0x${code.toString(16).padStart(2, '0')}`);
    }
  }
  // Jumps and local calls into the second slot of an lddw.
  for (let pc = 0; pc < n; pc++) {
    const code = p.code[pc]!;
    const cls = code & 0x07;
    const isJump = (cls === 0x05 || cls === 0x06) && op[pc] !== OP_INVALID && code !== 0x85 && code !== 0x8d && code !== 0x95;
    if ((isJump || op[pc] === XOp.CALL_LOCAL) && second[jt[pc]!] === 1) bad(pc, `jump into the middle of the lddw at slot ${jt[pc]! - 1}`);
    if (code === 0x18) pc++;
  }
  op[n] = OP_INVALID;
  invalid.set(n, 'fell off the end of the program (no exit)');
  const w = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) w[i] = op[i]! | ((d[i]! & 31) << 9) | ((s[i]! & 31) << 14);
  return { length: n, op, d, s, off, imm, jt, w, invalid, errors };
}
