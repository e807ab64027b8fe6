/**
 * The encoder against GNU objdump: every instruction form over every register combination
 * (including rbp/r13 bases that need a disp8, rsp/r12 bases that need a SIB byte, r12 as an
 * index, and spl/bpl/sil/dil byte registers that need a REX prefix) is emitted, disassembled by
 * objdump, and compared with the text an independent formatter expects.
 */
import { describe, expect, it } from 'vitest';
import { objdumpX86 } from '../objdump.js';
import { ALU, CC, SHIFT, X86Writer, type AluKind, type Mem, type ShiftKind } from './encoder.js';
import { NAMES64, regName, type X86Reg } from './registers.js';

const REGS = Array.from({ length: 16 }, (_, i) => i as X86Reg);
const DISPS = [0, -8, 0x7f, -0x80, 0x80, 0x12345];
const INDEXES: Array<X86Reg | undefined> = [undefined, 12, 0, 13];

/** objdump's rendering of an immediate at operand width `bits` (sign-extended, unsigned hex). */
function hexImm(v: number | bigint, bits: number): string {
  return '0x' + BigInt.asUintN(bits, BigInt(v)).toString(16);
}

const PTR: Record<number, string> = { 8: 'BYTE', 16: 'WORD', 32: 'DWORD', 64: 'QWORD' };

function memText(m: Mem, bits?: number): string {
  let s = NAMES64[m.base]!;
  if (m.index !== undefined) s += `+${NAMES64[m.index]}*1`;
  const needsDisp = m.disp !== 0 || (m.base & 7) === 5;
  if (needsDisp) s += m.disp < 0 ? `-0x${(-m.disp).toString(16)}` : `+0x${m.disp.toString(16)}`;
  return bits === undefined ? `[${s}]` : `${PTR[bits]} PTR [${s}]`;
}

/** Every memory operand shape: all bases, some indexes, all displacement sizes. */
function mems(): Mem[] {
  const out: Mem[] = [];
  for (const base of REGS) {
    for (const index of INDEXES) {
      for (const disp of DISPS) out.push(index === undefined ? { base, disp } : { base, index, disp });
    }
  }
  return out;
}

interface Case {
  readonly emit: (w: X86Writer) => void;
  readonly text: string;
}

/** Emits every case into one buffer, disassembles it once, and compares line by line. */
function checkAll(cases: readonly Case[]): void {
  const w = new X86Writer();
  const starts: number[] = [];
  for (const c of cases) {
    starts.push(w.length);
    c.emit(w);
  }
  const lines = objdumpX86(w.bytes());
  if (!lines) throw new Error('objdump (binutils) is required for this test: apt-get install binutils');
  const byOffset = new Map(lines.map((l) => [l.offset, l.text]));
  const got: string[] = [];
  const want: string[] = [];
  cases.forEach((c, i) => {
    const text = byOffset.get(starts[i]!) ?? '<no instruction here>';
    if (text !== c.text) {
      got.push(`${i}: ${text}`);
      want.push(`${i}: ${c.text}`);
    }
  });
  expect(got.slice(0, 20)).toEqual(want.slice(0, 20));
  expect(lines.length).toBe(cases.length);
}

const ALU_NAMES: Array<[AluKind, string]> = [
  [ALU.ADD, 'add'], [ALU.OR, 'or'], [ALU.AND, 'and'], [ALU.SUB, 'sub'], [ALU.XOR, 'xor'], [ALU.CMP, 'cmp'],
];
const SHIFT_NAMES: Array<[ShiftKind, string]> = [
  [SHIFT.ROL, 'rol'], [SHIFT.ROR, 'ror'], [SHIFT.SHL, 'shl'], [SHIFT.SHR, 'shr'], [SHIFT.SAR, 'sar'],
];

describe('x86 encoder vs objdump', () => {
  it('register-register forms, all 16x16 combinations', () => {
    const cases: Case[] = [];
    for (const d of REGS) {
      for (const s of REGS) {
        for (const bits of [32, 64] as const) {
          for (const [op, name] of ALU_NAMES) cases.push({ emit: (w) => w.alu(op, bits, d, s), text: `${name} ${regName(d, bits)},${regName(s, bits)}` });
          cases.push({ emit: (w) => w.mov(bits, d, s), text: `mov ${regName(d, bits)},${regName(s, bits)}` });
          cases.push({ emit: (w) => w.test(bits, d, s), text: `test ${regName(d, bits)},${regName(s, bits)}` });
          cases.push({ emit: (w) => w.imul(bits, d, s), text: `imul ${regName(d, bits)},${regName(s, bits)}` });
          cases.push({ emit: (w) => w.movsx(bits, d, s, 8), text: `movsx ${regName(d, bits)},${regName(s, 8)}` });
          cases.push({ emit: (w) => w.movsx(bits, d, s, 16), text: `movsx ${regName(d, bits)},${regName(s, 16)}` });
        }
        cases.push({ emit: (w) => w.movsx(64, d, s, 32), text: `movsxd ${regName(d, 64)},${regName(s, 32)}` });
        cases.push({ emit: (w) => w.movzx(d, s, 8), text: `movzx ${regName(d, 32)},${regName(s, 8)}` });
        cases.push({ emit: (w) => w.movzx(d, s, 16), text: `movzx ${regName(d, 32)},${regName(s, 16)}` });
      }
    }
    checkAll(cases);
  });

  it('single-register forms and immediates of every size', () => {
    const imms = [0, 1, 5, 127, -128, 128, -129, 0x7fffffff, -0x80000000, 0x12345678];
    const cases: Case[] = [];
    for (const r of REGS) {
      for (const bits of [32, 64] as const) {
        for (const imm of imms) {
          for (const [op, name] of ALU_NAMES) cases.push({ emit: (w) => w.aluImm(op, bits, r, imm), text: `${name} ${regName(r, bits)},${hexImm(imm, bits)}` });
          cases.push({ emit: (w) => w.testImm(bits, r, imm), text: `test ${regName(r, bits)},${hexImm(imm, bits)}` });
          cases.push({ emit: (w) => w.imulImm(bits, r, r, imm), text: `imul ${regName(r, bits)},${regName(r, bits)},${hexImm(imm, bits)}` });
        }
        cases.push({ emit: (w) => w.neg(bits, r), text: `neg ${regName(r, bits)}` });
        cases.push({ emit: (w) => w.div(bits, r, false), text: `div ${regName(r, bits)}` });
        cases.push({ emit: (w) => w.div(bits, r, true), text: `idiv ${regName(r, bits)}` });
        cases.push({ emit: (w) => w.bswap(bits, r), text: `bswap ${regName(r, bits)}` });
        for (const [k, name] of SHIFT_NAMES) {
          cases.push({ emit: (w) => w.shiftImm(k, bits, r, 7), text: `${name} ${regName(r, bits)},0x7` });
          cases.push({ emit: (w) => w.shiftCl(k, bits, r), text: `${name} ${regName(r, bits)},cl` });
        }
      }
      cases.push({ emit: (w) => w.shiftImm(SHIFT.ROL, 16, r, 8), text: `rol ${regName(r, 16)},0x8` });
      for (const imm of [0x5, 0x7fffffff, 0xffffffff]) {
        cases.push({ emit: (w) => w.movImm32(r, imm), text: `mov ${regName(r, 32)},${hexImm(imm, 32)}` });
      }
      for (const imm of [-1, 5, -0x80000000]) {
        cases.push({ emit: (w) => w.movImmSext(r, imm), text: `mov ${regName(r, 64)},${hexImm(imm, 64)}` });
      }
      cases.push({ emit: (w) => w.movAbs(r, 0x8000000000000001n), text: `movabs ${regName(r, 64)},0x8000000000000001` });
      cases.push({ emit: (w) => w.push(r), text: `push ${regName(r, 64)}` });
      cases.push({ emit: (w) => w.pop(r), text: `pop ${regName(r, 64)}` });
      cases.push({ emit: (w) => w.callReg(r), text: `call ${regName(r, 64)}` });
    }
    cases.push({ emit: (w) => w.signExtendAcc(64), text: 'cqo' });
    cases.push({ emit: (w) => w.signExtendAcc(32), text: 'cdq' });
    cases.push({ emit: (w) => w.ret(), text: 'ret' });
    checkAll(cases);
  });

  it('movConst picks a form that loads exactly the constant', () => {
    const values = [0n, 1n, 0xffffffffn, 0x100000000n, -1n, -0x80000000n, -0x80000001n, 0x8000000000000000n];
    const cases: Case[] = [];
    for (const r of REGS) {
      for (const v of values) {
        const u = BigInt.asUintN(64, v);
        const s = BigInt.asIntN(64, v);
        const text = u === 0n ? `xor ${regName(r, 32)},${regName(r, 32)}`
          : u <= 0xffffffffn ? `mov ${regName(r, 32)},0x${u.toString(16)}`
            : s < 0 && s >= -0x80000000n ? `mov ${regName(r, 64)},0x${u.toString(16)}`
              : `movabs ${regName(r, 64)},0x${u.toString(16)}`;
        cases.push({ emit: (w) => w.movConst(r, v), text });
      }
    }
    checkAll(cases);
  });

  it('memory operands: every base (rbp/r13 disp8, rsp/r12 SIB), r12 as index, every disp size', () => {
    const cases: Case[] = [];
    for (const m of mems()) {
      for (const r of REGS) {
        if (m.disp !== 0 && m.disp !== 0x80) continue; // all registers on two displacements
        for (const bits of [8, 16, 32, 64] as const) {
          cases.push({ emit: (w) => w.store(bits, m, r), text: `mov ${memText(m, bits)},${regName(r, bits)}` });
          const load = bits === 64 ? `mov ${regName(r, 64)},${memText(m, 64)}` : bits === 32 ? `mov ${regName(r, 32)},${memText(m, 32)}` : `movzx ${regName(r, 32)},${memText(m, bits)}`;
          cases.push({ emit: (w) => w.load(bits, r, m), text: load });
        }
      }
      const r: X86Reg = 3;
      for (const bits of [8, 16, 32] as const) {
        cases.push({ emit: (w) => w.loadSx(bits, r, m), text: `${bits === 32 ? 'movsxd' : 'movsx'} rbx,${memText(m, bits)}` });
      }
      cases.push({ emit: (w) => w.lea(r, m), text: `lea rbx,${memText(m)}` });
      cases.push({ emit: (w) => w.storeImm(8, m, -1), text: `mov ${memText(m, 8)},0xff` });
      cases.push({ emit: (w) => w.storeImm(16, m, 0x1234), text: `mov ${memText(m, 16)},0x1234` });
      cases.push({ emit: (w) => w.storeImm(32, m, -2), text: `mov ${memText(m, 32)},0xfffffffe` });
      cases.push({ emit: (w) => w.storeImm(64, m, -2), text: `mov ${memText(m, 64)},0xfffffffffffffffe` });
      cases.push({ emit: (w) => w.rmInsn([0xff], 6, m), text: `push ${memText(m, 64)}` });
      cases.push({ emit: (w) => w.rmInsn([0x8f], 0, m), text: `pop ${memText(m, 64)}` });
    }
    checkAll(cases);
  });

  it('atomic forms with lock prefixes, all source registers', () => {
    const cases: Case[] = [];
    for (const m of mems()) {
      if (m.disp !== 0 && m.disp !== -8) continue;
      for (const r of REGS) {
        for (const bits of [32, 64] as const) {
          for (const [op, name] of ALU_NAMES) {
            if (op === ALU.SUB || op === ALU.CMP) continue;
            cases.push({ emit: (w) => w.lockAlu(op, bits, m, r), text: `lock ${name} ${memText(m, bits)},${regName(r, bits)}` });
          }
          cases.push({ emit: (w) => w.lockXadd(bits, m, r), text: `lock xadd ${memText(m, bits)},${regName(r, bits)}` });
          cases.push({ emit: (w) => w.xchg(bits, m, r), text: `xchg ${memText(m, bits)},${regName(r, bits)}` });
          cases.push({ emit: (w) => w.lockCmpxchg(bits, m, r), text: `lock cmpxchg ${memText(m, bits)},${regName(r, bits)}` });
        }
      }
    }
    checkAll(cases);
  });

  it('jumps and calls land where their displacement says', () => {
    const ccNames: Array<[number, string]> = [
      [CC.E, 'je'], [CC.NE, 'jne'], [CC.A, 'ja'], [CC.AE, 'jae'], [CC.B, 'jb'], [CC.BE, 'jbe'],
      [CC.G, 'jg'], [CC.GE, 'jge'], [CC.L, 'jl'], [CC.LE, 'jle'],
    ];
    const cases: Case[] = [];
    let at = 0;
    const hexAt = (v: number): string => `0x${BigInt.asUintN(64, BigInt(v)).toString(16)}`;
    const add = (size: number, emit: (w: X86Writer) => void, text: (end: number) => string): void => {
      const end = at + size;
      cases.push({ emit, text: text(end) });
      at = end;
    };
    for (const rel of [0, 5, -2, 127, -128]) {
      for (const [cc, name] of ccNames) add(2, (w) => w.jccRel8(cc as never, rel), (end) => `${name} ${hexAt(end + rel)}`);
      add(2, (w) => w.jmpRel8(rel), (end) => `jmp ${hexAt(end + rel)}`);
    }
    for (const rel of [0, 0x1000, 300]) {
      for (const [cc, name] of ccNames) add(6, (w) => w.jccRel32(cc as never, rel), (end) => `${name} ${hexAt(end + rel)}`);
      add(5, (w) => w.jmpRel32(rel), (end) => `jmp ${hexAt(end + rel)}`);
      add(5, (w) => w.callRel32(rel), (end) => `call ${hexAt(end + rel)}`);
    }
    checkAll(cases);
  });

  it('refuses what x86-64 cannot encode', () => {
    const w = new X86Writer();
    expect(() => w.rmInsn([0x8b], 0, { base: 0, index: 4, disp: 0 })).toThrow(/rsp cannot be an index/);
    expect(() => w.aluImm(ALU.ADD, 64, 0, 0x80000000)).toThrow(/does not fit 32 bits/);
    expect(() => w.jmpRel8(200)).toThrow(/does not fit 8 bits/);
    const at = w.jmpForward();
    for (let i = 0; i < 200; i++) w.ret();
    expect(() => w.patchRel8(at)).toThrow(/out of range/);
  });
});
