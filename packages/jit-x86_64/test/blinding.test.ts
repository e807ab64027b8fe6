/**
 * Constant blinding: with it on, no program immediate appears in the machine code, two compiles
 * of one program differ, and every immediate form still computes what the interpreter computes.
 */
import { AluOp, insn, JmpOp, lower, type Insn } from '@ebpf/core';
import { describe, expect, it } from 'vitest';
import { compileNative } from '../src/compile.js';
import { nativeUnavailable } from '../src/native/memory.js';
import { Differ, dumpRegs, randomValues, Rng, setRegs } from './support.js';

const IMMS = [0, 1, -1, 31, 0x7fffffff, -0x80000000, 0x5eadbeef, -0x1234];

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe.skipIf(nativeUnavailable() !== undefined)('constant blinding', () => {
  const d = new Differ(true);
  const rng = new Rng(42n);

  it('every immediate form gives the interpreter result', () => {
    const aluOps = [AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.DIV, AluOp.MOD, AluOp.OR, AluOp.AND, AluOp.XOR, AluOp.MOV, AluOp.LSH, AluOp.ARSH];
    const jmpOps = [JmpOp.JEQ, JmpOp.JGT, JmpOp.JSLT, JmpOp.JSET];
    for (const imm of IMMS) {
      for (const dst of [0, 1, 3, 4, 7]) {
        const bodies: Insn[][] = [];
        for (const op of aluOps) for (const cls of [0x07, 0x04]) bodies.push([insn({ code: cls | op, dst, imm })]);
        bodies.push([insn({ code: 0x07 | AluOp.DIV, dst, imm, off: 1 })], [insn({ code: 0x04 | AluOp.MOD, dst, imm, off: 1 })]);
        for (const op of jmpOps) for (const cls of [0x05, 0x06]) bodies.push([insn({ code: cls | op, dst, imm, off: 1 }), insn({ code: 0xb7, dst: 6, imm: 0x1111 })]);
        for (const size of [0x00, 0x08, 0x10, 0x18]) bodies.push([insn({ code: 0x62 | size, dst: 10, off: -96, imm })]);
        bodies.push([insn({ code: 0x18, dst, imm64: BigInt.asUintN(64, BigInt(imm) * 0x100000001n), imm })]);
        for (const body of bodies) {
          const prog = [...setRegs(randomValues(rng)), ...body, ...dumpRegs()];
          const { interp, native } = d.run(prog, { native: { blindConstants: true } });
          expect(native).toEqual(interp);
        }
      }
    }
  });

  it('keeps immediates out of the code, with fresh keys per compile', () => {
    const secret = 0x5eadbeef;
    const prog = lower([
      insn({ code: 0xb7, dst: 0, imm: secret }), insn({ code: 0x07, dst: 0, imm: secret }),
      insn({ code: 0x15, dst: 0, imm: secret, off: 0 }), insn({ code: 0x62, dst: 10, off: -8, imm: secret }),
      insn({ code: 0x18, dst: 1, imm64: 0x5eadbeef5eadbeefn, imm: secret }), insn({ code: 0x95 }),
    ]);
    const bytes = Uint8Array.of(0xef, 0xbe, 0xad, 0x5e);
    const plain = compileNative({ lowered: prog, helpers: new Map(), maps: [], name: 'p' }, d.vm);
    const b1 = compileNative({ lowered: prog, helpers: new Map(), maps: [], name: 'p' }, d.vm, { blindConstants: true });
    const b2 = compileNative({ lowered: prog, helpers: new Map(), maps: [], name: 'p' }, d.vm, { blindConstants: true });
    try {
      expect(contains(plain.code, bytes)).toBe(true);
      expect(contains(b1.code, bytes)).toBe(false);
      expect(contains(b2.code, bytes)).toBe(false);
      expect(Buffer.from(b1.code).equals(Buffer.from(b2.code))).toBe(false);
      const want = BigInt(secret) * 2n;
      expect([plain.run(), b1.run(), b2.run()]).toEqual([want, want, want]);
    } finally {
      for (const r of [plain, b1, b2]) r.dispose();
    }
  });
});
